"""Pages in headless Chromium against the demo district (dash.testing)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from fixtures.people import open_as

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "tests" / "artifacts"


def resource_hosts(dash_duo) -> set[str]:
    urls = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);")
    return {urlsplit(u).netloc for u in urls if u.startswith("http")}


def test_areas_page_lists_the_demo_areas_in_chinese(dash_duo, app, sql_count):
    open_as(dash_duo, app, "operator", "/areas")
    n = sql_count("SELECT count(*) FROM area WHERE generation_id = gisapp_active_generation()")
    dash_duo.wait_for_text_to_equal("#areas-count", f"当前版本共 {n} 个区域", timeout=10)
    dash_duo.wait_for_element(".ag-row", timeout=10)
    assert "微网格" in dash_duo.find_element("#areas-grid").text or "街道" in dash_duo.find_element("#areas-grid").text
    assert resource_hosts(dash_duo) == {urlsplit(dash_duo.server_url).netloc}
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "areas.png"))


def test_language_switch_to_english(dash_duo, app):
    open_as(dash_duo, app, "operator", "/areas?lang=en")
    dash_duo.wait_for_contains_text("#areas-count", "areas in the active generation", timeout=10)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/")   # the cookie keeps English
    dash_duo.wait_for_contains_text("h1", "Situation map", timeout=10)


def test_incident_deep_link_shows_the_incident(dash_duo, app, sql_count):
    incident = sql_count("SELECT min(id) FROM incident WHERE status = 'assigned'")
    open_as(dash_duo, app, "operator", f"/?incident={incident}")
    dash_duo.wait_for_contains_text("#incident-panel", f"事件 {incident}", timeout=10)
    panel = dash_duo.find_element("#incident-panel").text
    assert "网格" in panel and "待签收" in panel and "assigned" not in panel
    assert resource_hosts(dash_duo) == {urlsplit(dash_duo.server_url).netloc}


def test_console_performs_a_transition(dash_duo, app, database_url, first_micro_grid):
    import sqlalchemy as sa

    from gisapp.core import db
    with db.get_engine(database_url).begin() as c:   # committed: the server runs in another thread
        case = c.scalar(sa.text("""
            INSERT INTO incident (client_ref, category, description, geom)
            VALUES ('browser-console', 'road', '人行道砖块松动', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
            RETURNING id"""), first_micro_grid)
    open_as(dash_duo, app, "operator", "/cases")
    search = dash_duo.find_element("#cases-text")
    search.send_keys("browser-console\n")
    # the newest case is first even before the filter applies: wait for the filtered count itself
    dash_duo.wait_for_text_to_equal("#cases-count", "共 1 个事件", timeout=10)
    dash_duo.wait_for_text_to_equal(".ag-row .ag-cell[col-id='id']", str(case), timeout=10)
    dash_duo.find_element(".ag-row .ag-cell[col-id='id']").click()
    dash_duo.wait_for_contains_text("#case-title", str(case), timeout=10)
    dash_duo.wait_for_element(".action-accept").click()
    dash_duo.wait_for_text_to_equal("#case-status", "已签收", timeout=10)
    dash_duo.wait_for_element(".action-start")  # the buttons follow the new state
    with db.get_engine(database_url).connect() as c:
        row = c.execute(sa.text("""SELECT status, (SELECT (actor, user_id)::text FROM incident_event
            WHERE incident_id = :i ORDER BY id DESC LIMIT 1) FROM incident WHERE id = :i"""), {"i": case}).one()
        operator = c.scalar(sa.text("SELECT id FROM app_user WHERE name = 'demo.operator'"))
    assert tuple(row) == ("accepted", f"(演示·值班员王芳,{operator})")   # the signed-in user, never a typed name
    assert resource_hosts(dash_duo) == {urlsplit(dash_duo.server_url).netloc}
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "cases.png"))


def test_an_unknown_path_is_a_translated_page_with_a_way_back(dash_duo, app):
    open_as(dash_duo, app, "operator", "/no/such/page")
    dash_duo.wait_for_contains_text("#not-found h1", "页面不存在", timeout=10)
    assert "404" not in dash_duo.find_element("#not-found").text
    links = [a.get_attribute("href") for a in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#not-found nav a")]
    assert any(h.endswith("/cases") for h in links)            # the header's navigation is there
    dash_duo.find_element("#not-found .button-link").click()
    dash_duo.wait_for_contains_text("h1", "态势地图", timeout=10)


def test_switching_language_keeps_the_chosen_case(dash_duo, app, sql_count):
    incident = sql_count("SELECT min(id) FROM incident WHERE status = 'assigned'")
    open_as(dash_duo, app, "operator", f"/?incident={incident}")
    dash_duo.wait_for_contains_text("#incident-panel", f"事件 {incident}", timeout=10)
    dash_duo.find_element("a[data-lang='en']").click()
    dash_duo.wait_for_contains_text("#incident-panel", f"Case {incident}", timeout=10)
    assert f"incident={incident}" in dash_duo.driver.current_url
    dash_duo.find_element("a[data-lang='zh_CN']").click()      # and back, for the next test's cookie
    dash_duo.wait_for_contains_text("#incident-panel", f"事件 {incident}", timeout=10)
