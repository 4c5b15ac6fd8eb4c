"""/screen (the big screen) in headless Chromium, at 1080p and 4K."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fixtures.people import committed_bearer, open_as
from fixtures.waiting import wait_until

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "tests" / "artifacts"


def test_big_screen_shows_kpis_trend_ranking_and_ticker(dash_duo, app, sql_count):
    dash_duo.driver.set_window_size(1920, 1080)
    open_as(dash_duo, app, "viewer", "/screen")   # a kiosk: the viewer role
    open_now = sql_count("SELECT count(*) FROM incident i JOIN case_status s ON s.code = i.status WHERE s.open")
    dash_duo.wait_for_text_to_equal("#kpi-open .kpi-value", f"{open_now:,}", timeout=15)
    assert "未办结" in dash_duo.find_element("#kpi-open").text
    dash_duo.wait_for_element("#screen-trend .main-svg", timeout=15)
    dash_duo.wait_for_element("#screen-ranking li", timeout=10)
    dash_duo.wait_for_element(".screen-map .layer-incidents", timeout=15)
    assert "在线" in dash_duo.find_element("#screen-checkpoints").text
    hosts = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);")
    assert {urlsplit(u).netloc for u in hosts if u.startswith("http")} == {urlsplit(dash_duo.server_url).netloc}
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "screen-1080p.png"))
    assert smallest_text(dash_duo) >= 19, "text on the wall must read across a command room (19 px at 1080p)"
    small = dash_duo.find_element("#kpi-open").size["height"]
    dash_duo.driver.set_window_size(3840, 2160)
    # laid out in viewport units: the tiles and the text grow with the wall
    assert wait_until(lambda: dash_duo.find_element("#kpi-open").size["height"] > max(100, small * 1.5))
    assert wait_until(lambda: smallest_text(dash_duo) >= 38)   # 2160 lines high
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "screen-4k.png"))


def smallest_text(dash_duo) -> float:
    """The smallest font size of the wall's lists (alerts, ranking, ticker, checkpoints, tile labels), in
    pixels of a wall as tall as the window's width says (the test browser's window has chrome of its own)."""
    return dash_duo.driver.execute_script("""
        const sizes = [...document.querySelectorAll(
            '#screen-alerts li, #screen-ranking li, #ticker li span, #screen-checkpoints li, .kpi-label')]
            .filter(e => e.offsetParent !== null && e.textContent.trim())
            .map(e => parseFloat(getComputedStyle(e).fontSize));
        const wall = window.innerWidth * 9 / 16;   // a 16:9 wall shown full screen
        return sizes.length ? Math.min(...sizes) * wall / window.innerHeight : 0;""")


def test_a_new_report_reaches_the_screen_ticker(dash_duo, app):
    dash_duo.driver.set_window_size(1920, 1080)
    open_as(dash_duo, app, "viewer", "/screen")
    dash_duo.wait_for_element("#ticker .ticker-item", timeout=15)
    # No wait for the stream: the page asked for the events after the last one it knew, so a report
    # made before the stream connects arrives all the same.
    body = json.dumps({"category": "drainage", "lon": 121.5025, "lat": 31.2365, "urgent": True,
                       "description": "积水 (screen test)", "client_ref": f"screen-live-{time.time_ns()}"}).encode()
    request = urllib.request.Request(f"{dash_duo.server_url}/api/v1/reports", data=body,
                                     headers={"Content-Type": "application/json",
                                              **committed_bearer("operator")})
    with urllib.request.urlopen(request) as response:
        incident = json.loads(response.read())["id"]
    dash_duo.wait_for_contains_text("#ticker", f"#{incident}", timeout=2)
    words = re.findall(r"[A-Za-z]{2,}", dash_duo.find_element("#ticker").text)
    assert words == [], "the ticker says what was done in Chinese"
    dash_duo.wait_for_contains_text("#screen-alerts", f"#{incident}", timeout=5)
