"""Security review, part 8: HTML in what people type is shown as text everywhere.

A case whose description, note, category name and actor's name carry `<script>` and `onerror`, opened
in Chromium with an alert hook installed before any page script: the console, the timeline, the map's
tooltip and panel, the big screen's ticker and the audit page show it as text, no hook fires, and no
page breaks its Content-Security-Policy (the browser fixture fails on any console error). The CSV
exports carry it as data.
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from fixtures.people import open_as
from gisapp.core import db

pytestmark = pytest.mark.browser
PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'
HOOK = "window.__alerts = 0; window.alert = window.confirm = window.prompt = function () { window.__alerts++; };"


@pytest.fixture
def hostile_case(first_micro_grid):
    """Committed (the browser's server is another thread), with unique names; left for the run."""
    with db.get_engine().begin() as c:
        c.execute(sa.text("""INSERT INTO category (code, name_zh, name_en, sort) VALUES ('xss_probe', :p, :p, 999)
                             ON CONFLICT (code) DO NOTHING"""), {"p": "类别" + PAYLOAD})
        c.execute(sa.text("UPDATE app_user SET display_name = :p WHERE name = 'demo.planner'"), {"p": "王" + PAYLOAD})
        case = c.scalar(sa.text("""INSERT INTO incident (category, description, geom)
                                   VALUES ('xss_probe', :p, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
                                   RETURNING id"""),
                        {"p": "描述" + PAYLOAD, **first_micro_grid})
        c.execute(sa.text("SELECT set_config('gisapp.user_id', CAST(u.id AS text), true) FROM app_user u "
                          "WHERE u.name = 'demo.planner'"))
        c.execute(sa.text("SELECT gisapp_transition(:i, 'accept', :who, :note)"),
                  {"i": case, "who": "王" + PAYLOAD, "note": "备注" + PAYLOAD})
        c.execute(sa.text("INSERT INTO audit_log (actor, action, target) VALUES (:p, 'test.probe', :p)"),
                  {"p": "审计" + PAYLOAD})
    yield case
    with db.get_engine().begin() as c:
        c.execute(sa.text("UPDATE app_user SET display_name = '演示·规划员' WHERE name = 'demo.planner'"))


def _visit(dash_duo, path: str, shows: str, text: str = PAYLOAD) -> None:
    dash_duo.wait_for_page(f"{dash_duo.server_url}{path}")
    dash_duo.wait_for_contains_text(shows, text[:20], timeout=15)
    assert dash_duo.driver.execute_script("return window.__alerts") == 0, path
    assert not dash_duo.driver.find_elements("css selector", "img[src='x']"), path


def test_typed_html_is_text_in_every_page(dash_duo, app, hostile_case, first_micro_grid):
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
    open_as(dash_duo, app, "admin", f"/cases?incident={hostile_case}")     # opens with the case chosen
    dash_duo.wait_for_element(".ag-row .ag-cell[col-id='id']", timeout=15)
    dash_duo.wait_for_contains_text("#case-detail", "描述<script>", timeout=15)
    assert "备注<script>" in dash_duo.find_element(".timeline").text
    assert "王<script>" in dash_duo.find_element(".timeline").text
    assert dash_duo.driver.execute_script("return window.__alerts") == 0
    _visit(dash_duo, f"/?incident={hostile_case}", "#incident-panel", "类别" + PAYLOAD)
    _visit(dash_duo, "/screen", "#ticker", "类别" + PAYLOAD)
    _visit(dash_duo, "/audit", "#audit-grid", "审计" + PAYLOAD)


def test_exports_carry_typed_html_as_data(client_as, conn, first_micro_grid):
    from gisapp.cases.bulk import write_csv
    conn.execute(sa.text("INSERT INTO incident (category, description, client_ref, geom) VALUES "
                         "('other', :p, :p, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"),
                 {"p": PAYLOAD, **first_micro_grid})
    out = io.StringIO()
    write_csv(conn, out)
    refs = [row["client_ref"] for row in csv.DictReader(io.StringIO(out.getvalue()))]
    assert PAYLOAD in refs
    conn.execute(sa.text("INSERT INTO audit_log (actor, action, target) VALUES (:p, 'test.probe', :p)"),
                 {"p": PAYLOAD})
    audit = client_as("admin").get("/api/v1/audit?action=test.probe&format=csv")
    rows = list(csv.DictReader(io.StringIO(audit.get_data(as_text=True).lstrip("\ufeff"))))
    assert audit.mimetype == "text/csv" and rows[0]["target"] == PAYLOAD
