def test_communities_show_from_zoom_12_with_their_street(features, sql):
    rows = sql("SELECT code, parent_name FROM map_area WHERE level = 'community'")
    got = {f["id"]: f["properties"] for f in features("communities", 12)["features"]}
    assert set(got) == {r["code"] for r in rows}
    assert all(got[r["code"]]["parent_name"] == r["parent_name"] for r in rows)
    assert features("communities", 11)["features"] == []
