"""Whatever a client sends, the API answers with a 2xx or a 4xx in its error shape, never a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["lon", "lat", "crs", "category", "description", "source", "building_id", "client_ref",
          "reported_at", "urgent", "extra"]
scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True)
           | st.text(max_size=30) | st.sampled_from(["wgs84", "gcj02", "bd09", "other", "power", "qr"]))
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


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_post_reports_raw_bytes_never_500(client, raw):
    resp = client.post("/api/v1/reports", data=raw, content_type="application/json")
    assert resp.status_code in (200, 201, 400, 422), resp.get_data(as_text=True)[:300]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lon=st.text(max_size=12) | st.floats().map(str), lat=st.text(max_size=12) | st.floats().map(str),
       crs=st.text(max_size=6))
def test_lookup_never_500(client, lon, lat, crs):
    resp = client.get("/api/v1/areas/lookup", query_string={"lon": lon, "lat": lat, "crs": crs})
    assert resp.status_code in (200, 400), resp.get_data(as_text=True)[:300]
