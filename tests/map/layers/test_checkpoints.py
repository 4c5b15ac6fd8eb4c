def test_checkpoints_carry_their_online_status_live(features, sql):
    code = sql("SELECT code FROM checkpoint WHERE status = 'online' ORDER BY code LIMIT 1")[0]["code"]
    before = {f["id"]: f["properties"]["status"] for f in features("checkpoints", 14)["features"]}
    assert before[code] == "online"
    sql("UPDATE checkpoint SET status = 'offline' WHERE code = :c", c=code)
    after = {f["id"]: f["properties"]["status"] for f in features("checkpoints", 14)["features"]}
    assert after[code] == "offline"     # cache: none, so the change shows at once
    assert features("checkpoints", 12)["features"] == []
