def test_grids_show_from_zoom_13_and_follow_the_active_generation(features, sql):
    codes = {r["code"] for r in sql("SELECT code FROM map_area WHERE level = 'grid'")}
    assert {f["id"] for f in features("grids", 13)["features"]} == codes
    assert features("grids", 12)["features"] == []
    # a tighter viewport holds fewer grids, each of which really meets it
    inside = features("grids", 16, "121.500,31.235,121.505,31.238")["features"]
    assert 0 < len(inside) < len(codes)
