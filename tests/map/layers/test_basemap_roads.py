def test_roads_thin_out_when_zoomed_out(features):
    def kinds(z):
        return {f["properties"]["kind"] for f in features("basemap_roads", z)["features"]}
    assert kinds(12) == {"major_road", "rail", "ferry"}
    assert "minor_road" in kinds(14) and "path" not in kinds(14)
    assert "path" in kinds(16)
