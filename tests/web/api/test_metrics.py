"""GET /api/v1/kpis, on the hand-built cases of tests/fixtures/kpi_cases.py."""

from __future__ import annotations

import pytest

from fixtures.kpi_cases import FROM, TO


def test_api_returns_kpis_with_drill_down(client, cases):
    resp = client.get("/api/v1/kpis", query_string={"area": "KC1", "from": FROM.isoformat(),
                                                    "to": TO.isoformat(), "drill": "1"})
    body = resp.get_json()
    assert resp.status_code == 200 and body["area"]["code"] == "KC1" and body["from"] == FROM.isoformat()
    assert body["kpis"]["reports"] == 12 and body["kpis"]["closure_rate"] == 0.5
    assert [(c["code"], c["kpis"]["satisfaction_rate"]) for c in body["children"]] == [
        ("KG11", 0.75), ("KG12", 1.0), ("KG13", None)]
    whole = client.get("/api/v1/kpis").get_json()
    assert whole["area"] is None and whole["from"] is None and "children" not in whole
    assert whole["kpis"]["reports"] == 14


@pytest.mark.parametrize("query, field", [
    ({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"), ({"from": "2026-1-1"}, "from"),
    ({"from": "2026-10-02", "to": "2026-10-01"}, "to"), ({"drill": "maybe"}, "drill"),
    ({"area": "A" * 300}, "area"),
])
def test_api_bad_input_is_400_naming_the_field(client, world, query, field):
    resp = client.get("/api/v1/kpis", query_string=query)
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == field


def test_api_unknown_area_is_404(client, world):
    resp = client.get("/api/v1/kpis?area=NOPE")
    assert resp.status_code == 404 and resp.get_json()["errors"][0]["field"] == "area"
