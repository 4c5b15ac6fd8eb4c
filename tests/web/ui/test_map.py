"""/ (the situation map) in headless Chromium: layers by zoom, deep links, search, live reports."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from fixtures.people import committed_bearer, open_as
from fixtures.waiting import wait_until
from gisapp.core.settings import get_settings
from gisapp.map.features import snap
from gisapp.map.registry import registry

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "tests" / "artifacts"
CENTRE = "lat=31.2365&lon=121.5025"    # Lujiazui, with the Huangpu in view


def resource_hosts(dash_duo) -> set[str]:
    urls = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);")
    return {urlsplit(u).netloc for u in urls if u.startswith("http")}


def layer_requests(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(u => u.includes('/api/v1/layers/'));")


def shown(dash_duo, layer: str) -> int:
    return len(dash_duo.driver.find_elements(By.CSS_SELECTOR, f".layer-{layer}"))


def open_map(dash_duo, app, query: str = "") -> None:
    dash_duo.driver.set_window_size(1600, 1000)
    open_as(dash_duo, app, "operator", f"/{query}")
    dash_duo.wait_for_element(".layer-grids", timeout=15)


def test_map_draws_the_district_with_a_legend_of_every_layer(dash_duo, app):
    open_map(dash_duo, app)
    legend = dash_duo.find_element("#legend")
    in_legend = {e.get_attribute("data-layer") for e in legend.find_elements(By.CSS_SELECTOR, ".legend-layer")}
    assert in_legend == {layer.id for layer in registry(get_settings().layers_dir)}
    assert "网格" in legend.text and "微网格" in legend.text and "Grids" not in legend.text
    dash_duo.wait_for_element(".layer-incidents", timeout=10)
    assert resource_hosts(dash_duo) == {urlsplit(dash_duo.server_url).netloc}
    ARTIFACTS.mkdir(exist_ok=True)
    dash_duo.wait_for_element(".leaflet-tooltip.area-label", timeout=10)   # labels come last
    dash_duo.driver.save_screenshot(str(ARTIFACTS / "map.png"))


def test_each_layer_shows_from_its_own_zoom(dash_duo, app):
    layers = registry(get_settings().layers_dir)
    open_map(dash_duo, app, f"?{CENTRE}&z=16")
    dash_duo.wait_for_element(".layer-buildings", timeout=15)
    missing = [x.id for x in layers if x.min_zoom <= 16 and shown(dash_duo, x.id) == 0]
    assert missing == []
    assert all("z=16" in u for u in layer_requests(dash_duo))
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?{CENTRE}&z=14")
    dash_duo.wait_for_element(".layer-grids", timeout=15)

    def too_close():
        return [x.id for x in layers if x.min_zoom > 14 and shown(dash_duo, x.id) > 0]
    assert wait_until(lambda: too_close() == []), too_close()


def test_area_deep_link_zooms_highlights_and_opens_the_panel(dash_duo, app, sql_count):
    code = sql_count("SELECT code FROM map_area WHERE level = 'grid' ORDER BY code LIMIT 1")
    name = sql_count(f"SELECT name FROM map_area WHERE code = '{code}'")
    open_map(dash_duo, app, f"?area={code}")
    dash_duo.wait_for_contains_text("#area-panel", name, timeout=10)
    assert "责任人" in dash_duo.find_element("#area-panel").text
    dash_duo.wait_for_element("path.highlight", timeout=10)


def test_search_finds_an_area_by_name(dash_duo, app, sql_count):
    name = sql_count("SELECT name FROM map_area WHERE level = 'community' ORDER BY code LIMIT 1")
    open_map(dash_duo, app)
    dash_duo.find_element("#map-search").send_keys(name + "\n")
    dash_duo.wait_for_contains_text("#area-panel", name, timeout=10)
    dash_duo.wait_for_element("path.highlight", timeout=10)


def test_clicking_an_area_opens_its_panel(dash_duo, app):
    open_map(dash_duo, app, f"?{CENTRE}&z=16")
    dash_duo.wait_for_element(".layer-micro_grids", timeout=15)
    target = dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.layer-micro_grids")[0]
    dash_duo.driver.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 1, clientY: 1}));", target)
    dash_duo.wait_for_contains_text("#area-panel", "微网格", timeout=10)


def test_a_new_report_appears_on_the_map_and_in_the_ticker(dash_duo, app, sql_count, last_micro_grid):
    lon, lat = last_micro_grid["lon"], last_micro_grid["lat"]
    open_map(dash_duo, app, f"?lat={lat}&lon={lon}&z=18")
    dash_duo.wait_for_element("#ticker .ticker-item", timeout=10)
    # No wait for the stream: the page asked for the events after the last one it knew.
    body = json.dumps({"category": "lighting", "lon": lon, "lat": lat, "description": "路灯不亮 (browser test)",
                       "client_ref": f"browser-live-{time.time_ns()}"}).encode()
    request = urllib.request.Request(f"{dash_duo.server_url}/api/v1/reports", data=body,
                                     headers={"Content-Type": "application/json", **committed_bearer("operator")})
    with urllib.request.urlopen(request) as response:
        incident = json.loads(response.read())["id"]
    dash_duo.wait_for_element(f".layer-incidents.feature-{incident}", timeout=2)
    dash_duo.wait_for_contains_text("#ticker", f"#{incident}", timeout=2)


def test_incident_and_position_deep_links(dash_duo, app, sql_count):
    incident = sql_count("SELECT min(id) FROM map_incident WHERE status = 'assigned'")
    open_map(dash_duo, app, f"?incident={incident}")
    dash_duo.wait_for_contains_text("#incident-panel", f"事件 {incident}", timeout=10)
    dash_duo.wait_for_element("path.highlight", timeout=10)
    dash_duo.wait_for_element(f".feature-{incident}", timeout=10)
    assert any("z=18" in u for u in layer_requests(dash_duo))
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?lat=31.24&lon=121.50&z=17")
    dash_duo.wait_for_element(".layer-grids", timeout=15)
    assert any("z=17" in u for u in layer_requests(dash_duo))


def test_the_page_snaps_a_viewport_to_tiles_as_the_server_does(dash_duo, app):
    """The map's JS and gisapp.map.features.snap widen a bbox alike, so the page's URL is the cache key."""
    import random
    rng = random.Random(7)
    cases = []
    for _ in range(200):
        z = rng.randint(0, 20)
        lon, lat = rng.uniform(-179, 179), rng.uniform(-84, 84)
        w, h = rng.uniform(1e-4, 4) / 2 ** max(0, z - 8), rng.uniform(1e-4, 3) / 2 ** max(0, z - 8)
        cases.append((round(lon, 6), round(lat, 6), round(min(lon + w, 180), 6), round(min(lat + h, 85), 6), z))
    open_map(dash_duo, app)
    got = dash_duo.driver.execute_script(
        "return arguments[0].map(c => window.gisapp.tiles.snap([[c[1], c[0]], [c[3], c[2]]], c[4]));", cases)
    for (w, s, e, n, z), text in zip(cases, got):
        view = snap(w, s, e, n, z)
        page = [float(v) for v in text.split(",")]
        assert page == pytest.approx([view.west, view.south, view.east, view.north], abs=2e-6), (w, s, e, n, z)


def test_colouring_areas_by_open_cases_fills_them_and_explains_the_classes(dash_duo, app):
    open_map(dash_duo, app, f"?{CENTRE}&z=14")
    before = {p.get_attribute("fill") for p in dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.layer-grids")}
    dash_duo.find_element("input[value='open_incidents']").click()
    dash_duo.wait_for_element("[id*='choropleth-legend'] .legend-entry", timeout=10)

    def fills():
        return {p.get_attribute("fill") for p in dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.layer-grids")}
    assert wait_until(lambda: len(fills() - before) >= 2), fills()   # several classes, new colours


def test_several_matches_are_listed_to_choose_from(dash_duo, app):
    open_map(dash_duo, app)
    dash_duo.find_element("#map-search").send_keys("东方\n")
    dash_duo.wait_for_element(".search-results button", timeout=10)
    choices = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".search-results button")
    assert len(choices) > 1
    road = next(b for b in choices if "道路" in b.text)
    road.click()
    dash_duo.wait_for_contains_text("#map-search-message", "东方路", timeout=10)
    dash_duo.wait_for_element("path.highlight", timeout=10)
