def test_the_huangpu_is_drawn_as_water_polygons(features):
    got = features("basemap_water", 12)["features"]
    assert got and {f["geometry"]["type"] for f in got} <= {"Polygon", "MultiPolygon", "LineString",
                                                            "MultiLineString"}
    assert any(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in got)
