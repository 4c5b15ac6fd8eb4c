def test_micro_grids_are_labelled_only_from_zoom_17(features, sql):
    n = sql("SELECT count(*) AS n FROM map_area WHERE level = 'micro_grid'")[0]["n"]
    at15 = features("micro_grids", 15)["features"]
    assert len(at15) == n and all("_label" not in f["properties"] for f in at15)
    at17 = features("micro_grids", 17, "121.500,31.235,121.505,31.238")["features"]
    assert at17 and all(f["properties"]["_label"] for f in at17)
    assert features("micro_grids", 14)["features"] == []
