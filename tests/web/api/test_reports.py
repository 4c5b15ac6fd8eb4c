"""POST/GET /api/v1/reports against real PostGIS, rolled back per test."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa


@pytest.fixture
def inside(first_micro_grid):
    """A point inside a demo micro-grid, with that micro-grid's chain."""
    return first_micro_grid


def post(client, body, **kw):
    return client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json", **kw)


def test_report_lands_in_its_micro_grid_and_grid(client, inside):
    resp = post(client, {"lon": inside["lon"], "lat": inside["lat"], "category": "drainage",
                         "description": "雨水井堵塞"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["status"] == "assigned" and body["snapped"] is False
    assert body["assignment"]["micro_grid"]["code"] == inside["code"]
    assert body["assignment"]["grid"]["code"] == inside["grid_code"]
    assert body["assignment"]["community"] and body["assignment"]["street"]
    assert body["links"]["map"].endswith(f"/?incident={body['id']}")
    assert client.get(f"/api/v1/reports/{body['id']}").get_json() == body


def test_same_client_ref_returns_the_first_report(client, inside, sql):
    first = post(client, {"lon": inside["lon"], "lat": inside["lat"], "category": "power", "client_ref": "phone-42"})
    again = post(client, {"lon": 0, "lat": 0, "category": "other", "client_ref": "phone-42"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["category"] == "power"
    assert sql("SELECT count(*) AS n FROM incident WHERE client_ref = 'phone-42'")[0]["n"] == 1


def test_outside_report_is_stored_unlocated(client):
    resp = post(client, {"lon": 100.0, "lat": 10.0, "category": "other"})
    assert resp.status_code == 201
    assert resp.get_json()["status"] == "unlocated" and resp.get_json()["assignment"] is None


def test_gcj02_report_is_converted_and_keeps_the_original(client):
    resp = post(client, {"lon": 121.531541859215, "lat": 31.17530398364597, "crs": "gcj02", "category": "other"})
    body = resp.get_json()
    assert body["lon"] == pytest.approx(121.5272106, abs=1e-9) and body["lat"] == pytest.approx(31.1774276, abs=1e-9)
    assert body["input"] == {"lon": 121.531541859215, "lat": 31.17530398364597, "crs": "gcj02"}


def test_building_code_report_takes_the_building(client, sql):
    b = sql("""SELECT b.code, a.code AS micro FROM building b JOIN area a ON a.id = b.area_id
               ORDER BY b.code LIMIT 1""")[0]
    body = post(client, {"building_id": b["code"], "category": "lighting", "source": "qr"}).get_json()
    assert body["building"]["code"] == b["code"] and body["assignment"]["micro_grid"]["code"] == b["micro"]


def test_unknown_report_is_404_in_the_error_shape(client):
    resp = client.get("/api/v1/reports/999999999")
    assert resp.status_code == 404 and resp.get_json()["errors"][0]["field"] == "id"


BAD = [
    ({"lat": 31.2, "category": "other"}, "lon", "required"),
    ({"lon": "abc", "lat": 31.2, "category": "other"}, "lon", "number"),
    ({"lon": True, "lat": 31.2, "category": "other"}, "lon", "number"),
    ({"lon": 121.5, "lat": 95.0, "category": "other"}, "lat", "between"),
    ({"lon": 31.2, "lat": 121.5, "category": "other"}, "lat", "swapped"),
    ({"lon": 181.0, "lat": 31.2, "category": "other"}, "lon", "between"),
    ({"lon": 121.5, "lat": 31.2, "category": "nope"}, "category", "unknown category"),
    ({"lon": 121.5, "lat": 31.2}, "category", "required"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "crs": "utm"}, "crs", "one of"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "source": "fax"}, "source", "one of"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "description": "x" * 4001}, "description", "4000"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "building_id": 987654321}, "building_id", "unknown building"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "reported_at": "yesterday"}, "reported_at", "ISO 8601"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "reported_at": "2099-01-01T00:00:00"}, "reported_at", "future"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "client_ref": ""}, "client_ref", "non-empty"),
    ({"lng": 121.5, "lat": 31.2, "category": "other"}, "lng", "unknown field"),
    ({"lon": 10**400, "lat": 31.2, "category": "other"}, "lon", "finite"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "description": "a\x00b"}, "description", "NUL"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "client_ref": "r\x00"}, "client_ref", "NUL"),
    ({"building_id": "B\x00", "category": "other"}, "building_id", "NUL"),
    ({"building_id": 10**30, "category": "other"}, "building_id", "unknown building"),
    ({"lon": 121.5, "lat": 31.2, "category": "other", "reported_at": "0001-01-01T00:00:00"}, "reported_at", "before"),
    ([1, 2], "body", "JSON object"),
]


@pytest.mark.parametrize("body,field,words", BAD, ids=[f"{b[1]}-{b[2]}" for b in BAD])
def test_bad_input_is_422_naming_the_field_and_stores_nothing(client, sql, body, field, words):
    before = sql("SELECT count(*) AS n FROM incident")[0]["n"]
    resp = post(client, body)
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert any(e["field"] == field and words in e["message"] for e in errors), errors
    assert sql("SELECT count(*) AS n FROM incident")[0]["n"] == before


@pytest.mark.parametrize("raw", ['{"lon": NaN, "lat": 31.2, "category": "other"}',
                                 '{"lon": Infinity, "lat": 31.2, "category": "other"}'])
def test_nan_and_infinity_are_refused(client, raw):
    resp = client.post("/api/v1/reports", data=raw, content_type="application/json")
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "lon"


def test_malformed_json_is_400(client):
    resp = client.post("/api/v1/reports", data='{"lon": 1,', content_type="application/json")
    assert resp.status_code == 400 and "malformed JSON" in resp.get_json()["errors"][0]["message"]


def test_wrong_content_type_is_415(client):
    resp = client.post("/api/v1/reports", data="lon=1", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415 and resp.get_json()["errors"][0]["field"] == "body"


def test_body_over_the_limit_is_413(client):
    from gisapp.core.settings import get_settings
    big = "x" * (get_settings().max_body_bytes + 1)
    resp = post(client, {"lon": 121.5, "lat": 31.2, "category": "other", "description": big})
    assert resp.status_code == 413 and resp.get_json()["errors"][0]["field"] == "body"


def test_every_error_names_every_bad_field_at_once(client):
    errors = post(client, {"lon": "x", "lat": None, "category": "nope"}).get_json()["errors"]
    assert {e["field"] for e in errors} == {"lon", "lat", "category"}


def test_deeply_nested_json_is_400(client):
    resp = client.post("/api/v1/reports", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("method,path,status,field", [
    ("get", "/api/v1/nope", 404, "path"), ("get", "/api/v1/reports/abc", 404, "path"),
    ("put", "/api/v1/reports", 405, "method"), ("delete", "/api/v1/reports/1", 405, "method")])
def test_unknown_routes_and_methods_answer_in_json(client, method, path, status, field):
    resp = getattr(client, method)(path)
    assert resp.status_code == status and resp.is_json and resp.get_json()["errors"][0]["field"] == field
    if method == "put":
        assert resp.get_json()["errors"][0]["message"].endswith("use GET, POST")


@pytest.mark.parametrize("crs,forward", [
    ("gcj02", "SELECT (gisapp_wgs84_to_gcj02(:x, :y)).*"),
    ("bd09", "SELECT (gisapp_gcj02_to_bd09(g.glon, g.glat)).* FROM gisapp_wgs84_to_gcj02(:x, :y) g")])
def test_phone_app_coordinates_land_in_the_right_micro_grid(client, conn, inside, crs, forward):
    shifted = conn.execute(sa.text(forward), {"x": inside["lon"], "y": inside["lat"]}).one()
    # The raw phone coordinates are 300-600 m off; read as WGS84 they would land elsewhere.
    body = post(client, {"lon": shifted[0], "lat": shifted[1], "crs": crs, "category": "noise"}).get_json()
    assert body["assignment"]["micro_grid"]["code"] == inside["code"]
    assert body["lon"] == pytest.approx(inside["lon"], abs=1e-6) and body["input"]["crs"] == crs


def test_naive_reported_at_is_read_in_the_configured_timezone(client, inside):
    body = post(client, {"lon": inside["lon"], "lat": inside["lat"], "category": "other",
                         "reported_at": "2026-10-01T08:00:00"}).get_json()
    assert body["reported_at"].startswith("2026-10-01T00:00:00")  # 08:00 in Shanghai is 00:00 UTC
