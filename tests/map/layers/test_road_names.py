def test_road_names_appear_where_people_read_them(features):
    assert features("road_names", 14)["features"] == []
    named = {f["properties"]["_label"] for f in features("road_names", 16)["features"]}
    assert {"世纪大道", "东方路"} <= named
    assert all(f["geometry"]["type"] == "Point" for f in features("road_names", 16)["features"])
