"""/cases (web/ui/cases/) in headless Chromium: an operator works a case through in Chinese.

Every message, label and event the operator reads is Chinese; a note is never sent twice; a
destructive action asks first; an unlocated report is placed only after its landing area is named;
someone else's change shows at once.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from fixtures.people import open_as
from gisapp.core import db

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "tests" / "artifacts"
PARTS = ("#case-detail", "#case-actions", "#case-history", "#case-message", "#case-tasks", "#case-notice")
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def committed(database_url: str, sql: str, **params):
    with db.get_engine(database_url).begin() as c:   # committed: the server runs in another thread
        return c.execute(sa.text(sql), params).scalar()


def new_case(database_url: str, point: dict, ref: str, description: str = "井盖破损，有安全隐患") -> int:
    return committed(database_url, """
        INSERT INTO incident (client_ref, category, description, source, geom)
        VALUES (:ref, 'road', :d, 'hotline', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING id""",
        ref=ref, d=description, lon=point["lon"], lat=point["lat"])


def english_in_panel(dash_duo) -> list[str]:
    text = " ".join(e.text for part in PARTS for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, part))
    return ENGLISH.findall(text)


def click_action(dash_duo, action: str) -> None:
    dash_duo.wait_for_element(f".action-{action}", timeout=10).click()


def note(dash_duo, text: str) -> None:
    box = dash_duo.find_element("#case-note")
    box.clear()
    box.send_keys(text)


def test_an_operator_works_a_case_in_chinese(dash_duo, app, database_url, first_micro_grid):
    case = new_case(database_url, first_micro_grid, "console-zh")
    dash_duo.driver.set_window_size(1920, 1080)
    open_as(dash_duo, app, "operator", f"/cases?incident={case}")
    dash_duo.wait_for_contains_text("#case-title", str(case), timeout=15)
    facts = dash_duo.find_element("#case-detail").text
    assert "处置人" in facts and "办理时限" in facts and "剩余" in facts and "热线" in facts
    assert "微网格" in facts and not re.search(r"\bv\d", facts)

    click_action(dash_duo, "accept")
    dash_duo.wait_for_text_to_equal("#case-status", "已签收", timeout=10)
    click_action(dash_duo, "escalate")                   # no reason: refused, in Chinese, naming the field
    dash_duo.wait_for_contains_text("#case-message", "必须填写理由", timeout=10)
    assert dash_duo.find_element("#case-message").text.startswith("备注")
    note(dash_duo, "需街道协调")
    click_action(dash_duo, "escalate")
    dash_duo.wait_for_contains_text("#case-history", "已上报升级", timeout=10)
    assert dash_duo.find_element("#case-note").get_attribute("value") == ""   # cleared after the action
    click_action(dash_duo, "start")
    dash_duo.wait_for_text_to_equal("#case-status", "办理中", timeout=10)
    note(dash_duo, "现场已修复")
    assert dash_duo.find_element(".action-feedback").text == "提交反馈"    # the action, not the status 已反馈
    click_action(dash_duo, "feedback")
    dash_duo.wait_for_text_to_equal("#case-status", "已反馈", timeout=10)
    assert dash_duo.find_element(".action-verify").text == "核查通过"
    click_action(dash_duo, "verify")                     # the handler may not verify their own work
    dash_duo.wait_for_contains_text("#case-message", "核查必须由处置人以外的人员进行", timeout=10)

    history = dash_duo.find_element("#case-history").text
    assert "热线" in history and "已签收" in history and "已反馈 · 演示·值班员王芳 — 现场已修复" in history
    assert history.count("现场已修复") == 1             # the feedback note, saved once
    assert english_in_panel(dash_duo) == []
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "console-zh.png"))
    with db.get_engine(database_url).connect() as c:
        notes = c.execute(sa.text("SELECT action, note FROM incident_event WHERE incident_id = :i ORDER BY id"),
                          {"i": case}).all()
    assert [n for a, n in notes if n] == ["需街道协调", "现场已修复"]


def test_cancel_comes_last_and_asks_first(dash_duo, app, database_url, first_micro_grid):
    case = new_case(database_url, first_micro_grid, "console-cancel")
    open_as(dash_duo, app, "operator", f"/cases?incident={case}")
    dash_duo.wait_for_element(".action-accept", timeout=15)
    buttons = [b.get_attribute("class") for b in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#case-actions button")]
    assert "destructive" in buttons[-1] and "action-cancel" in " ".join(buttons[-2:])
    note(dash_duo, "重复上报")
    click_action(dash_duo, "cancel")
    alert = _alert(dash_duo)
    assert "撤销" in alert.text and str(case) in alert.text
    alert.dismiss()                                      # said no: nothing happens
    assert committed(database_url, "SELECT status FROM incident WHERE id = :i", i=case) == "assigned"
    click_action(dash_duo, "cancel")
    _alert(dash_duo).accept()
    dash_duo.wait_for_text_to_equal("#case-status", "已撤销", timeout=10)


def _alert(dash_duo):
    """The browser's confirm dialog, once it is open."""
    return WebDriverWait(dash_duo.driver, 5).until(expected_conditions.alert_is_present())


def test_an_unlocated_report_is_placed_only_after_its_area_is_named(dash_duo, app, database_url, sql_count):
    river = {"lon": 121.4890937, "lat": 31.2434049}      # the Huangpu: outside every area, past the snap
    case = new_case(database_url, river, "console-place")
    assert committed(database_url, "SELECT status FROM incident WHERE id = :i", i=case) == "unlocated"
    open_as(dash_duo, app, "operator", f"/cases?incident={case}")
    dash_duo.wait_for_contains_text("#case-title", str(case), timeout=15)
    dash_duo.wait_for_element("#case-map").click()       # a click drops a pin; nothing is saved yet
    dash_duo.wait_for_element("#case-pin-marker, .leaflet-marker-icon", timeout=10)
    dash_duo.wait_for_contains_text("#case-landing", "事件", timeout=10)
    pin = "window.dash_clientside.set_props('case-pin', {data: arguments[0]});"   # what dragging does
    dash_duo.driver.execute_script(pin, river)
    dash_duo.wait_for_contains_text("#case-landing", "不在任何区域内", timeout=10)
    assert not dash_duo.find_element("#case-place").is_enabled()
    land = {"lat": 31.2380, "lon": 121.5000}
    expected = sql_count("SELECT name FROM area WHERE generation_id = gisapp_active_generation() "
                         f"AND level = 'micro_grid' AND ST_Covers(geom, ST_SetSRID(ST_MakePoint({land['lon']}, "
                         f"{land['lat']}), 4326))")
    dash_duo.driver.execute_script(pin, land)
    dash_duo.wait_for_contains_text("#case-landing", expected, timeout=10)
    assert committed(database_url, "SELECT status FROM incident WHERE id = :i", i=case) == "unlocated"
    dash_duo.find_element("#case-place").click()
    dash_duo.wait_for_text_to_equal("#case-status", "待签收", timeout=10)
    assert committed(database_url, "SELECT a.name FROM incident i JOIN area a ON a.id = i.micro_grid_id "
                                   "WHERE i.id = :i", i=case) == expected


def test_someone_elses_change_shows_at_once(dash_duo, app, database_url, first_micro_grid):
    case = new_case(database_url, first_micro_grid, "console-live")
    open_as(dash_duo, app, "operator", f"/cases?incident={case}")
    dash_duo.wait_for_element(".action-accept", timeout=15)
    dash_duo.wait_for_element("#live-badge.on", timeout=10)
    committed(database_url, "SELECT gisapp_transition(:i, 'accept', '另一位值班员')", i=case)
    dash_duo.wait_for_contains_text("#case-notice", "他人刚刚更改了此事件", timeout=15)
    dash_duo.wait_for_text_to_equal("#case-status", "已签收", timeout=5)
    assert "另一位值班员" in dash_duo.find_element("#case-history").text


def test_the_filters_export_what_is_listed(dash_duo, app, database_url, first_micro_grid):
    new_case(database_url, first_micro_grid, "console-export", description="导出测试案件")
    open_as(dash_duo, app, "operator", "/cases")
    dash_duo.find_element("#cases-text").send_keys("导出测试案件\n")
    dash_duo.wait_for_text_to_equal("#cases-count", "共 1 个事件", timeout=10)
    assert [h.text for h in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".ag-header-cell-text")][:5] == \
        ["编号", "状态", "紧急", "类别", "描述"]
