"""GET /api/v1/areas/lookup and /areas."""

from __future__ import annotations


def test_lookup_returns_the_chain_at_a_point(client, last_micro_grid):
    row = last_micro_grid
    body = client.get("/api/v1/areas/lookup", query_string={"lon": row["lon"], "lat": row["lat"]}).get_json()
    assert body["assignment"]["micro_grid"]["code"] == row["code"]
    assert [a["level"] for a in body["areas"]] == ["district", "street", "community", "grid", "micro_grid"]
    assert row["code"].startswith(body["assignment"]["grid"]["code"])


def test_lookup_outside_is_empty_not_an_error(client):
    body = client.get("/api/v1/areas/lookup?lon=0&lat=0").get_json()
    assert body["assignment"] is None and body["areas"] == []


def test_lookup_bad_input_names_the_field(client):
    resp = client.get("/api/v1/areas/lookup?lon=abc&lat=31")
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == "lon"
    resp = client.get("/api/v1/areas/lookup?lon=121.5&lat=31.2&crs=itrf")
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == "crs"


def test_areas_list_by_level(client, sql):
    body = client.get("/api/v1/areas?level=street").get_json()
    expected = sql("SELECT count(*) AS n FROM area WHERE level = 'street' "
                   "AND generation_id = gisapp_active_generation()")[0]["n"]
    assert body["count"] == expected >= 2 and all(a["level"] == "street" for a in body["areas"])
    assert client.get("/api/v1/areas?level=planet").status_code == 400


def test_generations_are_listed_and_a_planner_reads_a_draft_s_problems_and_diff(client_as, conn):
    import sqlalchemy as sa

    from gisapp.boundaries.generations import new_draft
    draft = new_draft(conn)
    planner = client_as("planner")
    listed = {g["id"]: g for g in planner.get("/api/v1/generations").get_json()["generations"]}
    assert listed[draft]["state"] == "draft" and listed[draft]["based_on"] == draft - 1
    problems = planner.get(f"/api/v1/generations/{draft}/problems")
    assert problems.status_code == 200 and problems.mimetype == "application/geo+json"
    body = problems.get_json()
    assert body["type"] == "FeatureCollection" and body["errors"] == 0 and body["warnings"] == len(body["features"])
    code = conn.scalar(sa.text("SELECT code FROM area WHERE generation_id = :g AND level = 'micro_grid' "
                               "ORDER BY code LIMIT 1"), {"g": draft})
    conn.execute(sa.text("UPDATE area SET code = code || 'R' WHERE generation_id = :g AND code = :c"),
                 {"g": draft, "c": code})
    diff = planner.get(f"/api/v1/generations/{draft}/diff").get_json()
    assert {k: v for k, v in diff["classes"].items() if v and k != "unchanged"} == {"recoded": 1}
    assert conn.scalar(sa.text("SELECT count(*) FROM area_change WHERE generation_id = :g"), {"g": draft}) == 0, \
        "a GET stores nothing"
    assert planner.get("/api/v1/generations/99999999999/problems").status_code == 404
    assert planner.get(f"/api/v1/generations/{draft}/diff?against=abc").status_code == 400
    assert client_as("operator").get(f"/api/v1/generations/{draft}/problems").status_code == 403
