"""Whatever a client sends, the API answers with a 2xx or a 4xx in its error shape, never a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["lon", "lat", "crs", "category", "description", "source", "building_id", "client_ref",
          "reported_at", "urgent", "extra"]
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10**400, 10**400) | st.floats(allow_nan=True)
           | st.text(max_size=30) | st.sampled_from(["wgs84", "gcj02", "bd09", "other", "power", "qr"])
           | st.sampled_from(["2026-10-01T08:00:00", "0001-01-01", "9999-12-31T23:59:59+14:00", "\x00"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
bodies = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8) | values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_post_reports_never_500(client, body):
    resp = client.post("/api/v1/reports", data=json.dumps(body, allow_nan=True), content_type="application/json")
    assert resp.status_code in (200, 201, 400, 413, 415, 422), resp.get_data(as_text=True)[:300]
    if resp.status_code >= 400:
        errors = resp.get_json()["errors"]
        assert errors and all(e["field"] and e["message"] for e in errors)


VALID = {"lon": 121.505, "lat": 31.238, "category": "drainage", "description": "x", "source": "app",
         "crs": "wgs84", "urgent": False, "client_ref": "fuzz", "reported_at": "2026-10-01T08:00:00"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(VALID) + ["building_id"]), value=values, drop=st.booleans())
def test_one_bad_field_in_a_valid_report_never_500(client, field, value, drop):
    """Starting from a report that is stored, so the database path is reached too."""
    body = dict(VALID, client_ref=None)
    body.pop("client_ref")
    if drop:
        body.pop(field, None)
    else:
        body[field] = value
    resp = client.post("/api/v1/reports", data=json.dumps(body, allow_nan=True), content_type="application/json")
    assert resp.status_code in (200, 201, 400, 422), resp.get_data(as_text=True)[:300]
    assert resp.is_json


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200) | st.integers(1, 5000).map(lambda n: b"[" * n))
def test_post_reports_raw_bytes_never_500(client, raw):
    resp = client.post("/api/v1/reports", data=raw, content_type="application/json")
    assert resp.status_code in (200, 201, 400, 422), resp.get_data(as_text=True)[:300]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lon=st.text(max_size=12) | st.floats().map(str), lat=st.text(max_size=12) | st.floats().map(str),
       crs=st.text(max_size=6))
def test_lookup_never_500(client, lon, lat, crs):
    resp = client.get("/api/v1/areas/lookup", query_string={"lon": lon, "lat": lat, "crs": crs})
    assert resp.status_code in (200, 400), resp.get_data(as_text=True)[:300]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="?#"), max_size=20),
       level=st.text(max_size=8), generation=st.text(max_size=8))
def test_other_api_paths_never_500(client, path, level, generation):
    for resp in (client.get(f"/api/v1/{path}"), client.get("/api/v1/areas", query_string={
            "level": level, "generation": generation})):
        assert resp.status_code in (200, 400, 404, 405) and resp.is_json, resp.get_data(as_text=True)[:200]
