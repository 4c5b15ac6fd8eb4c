def test_buildings_appear_at_zoom_16_and_not_before(features, sql):
    assert features("buildings", 15)["features"] == []
    got = features("buildings", 16, "121.500,31.235,121.510,31.240")["features"]
    n = sql("""SELECT count(*) AS n FROM building
               WHERE geom && ST_MakeEnvelope(121.500, 31.235, 121.510, 31.240, 4326)""")[0]["n"]
    assert len(got) >= n > 0    # the viewport is widened to whole tiles, never narrowed
    assert all(f["properties"]["code"] == f["id"] for f in got)
    assert {f["geometry"]["type"] for f in got} <= {"Polygon", "MultiPolygon"}
