def test_every_street_is_drawn_with_its_name_as_label_from_zoom_12(features, sql):
    n = sql("SELECT count(*) AS n FROM map_area WHERE level = 'street'")[0]["n"]
    at12 = features("streets", 12)["features"]
    assert len(at12) == n > 0
    assert all(f["properties"]["_label"] == f["properties"]["name"] for f in at12)
    assert all("_label" not in f["properties"] for f in features("streets", 11)["features"])
    assert features("streets", 9)["features"] == []   # below min_zoom: nothing, not everything
