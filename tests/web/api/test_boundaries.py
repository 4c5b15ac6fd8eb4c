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
