"""/planner in headless Chromium: a planner moves a border between two micro-grids of a draft by clicking its
shape on the map; both neighbours change, the problems stay at none, and undo puts them back."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.expected_conditions import staleness_of

from fixtures.people import open_as
from gisapp.boundaries.generations import new_draft
from gisapp.core import db

pytestmark = pytest.mark.browser

# the map's view as dash-leaflet reports it to Dash (the renderer's store holds every prop)
VIEW = """
const find = (node) => {
  if (!node || typeof node !== 'object') return null;
  if (node.props && node.props.id === 'plan-map') return node.props;
  for (const v of Object.values(node.props || node)) { const f = find(v); if (f) return f; }
  return null;
};
const p = find(window.store.getState().layout);
const box = document.getElementById('plan-map').getBoundingClientRect();
return p && p.bounds ? {bounds: p.bounds, left: box.left, top: box.top,
                       width: box.width, height: box.height} : null;
"""


def _y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def click_at(dash_duo, lon: float, lat: float) -> None:
    """A real click on the map where (lon, lat) is drawn (Web Mercator, from the view's bounds)."""
    view = dash_duo.driver.execute_script(VIEW)
    (south, west), (north, east) = view["bounds"]
    x = (lon - west) / (east - west) * view["width"]
    y = (_y(north) - _y(lat)) / (_y(north) - _y(south)) * view["height"]
    ActionChains(dash_duo.driver).move_to_location(int(view["left"] + x), int(view["top"] + y)).click().perform()


def neighbours(c, draft: int):
    """Two micro-grids of one grid with the longest shared border, and a 50 m square on its middle."""
    return c.execute(sa.text("""
        SELECT a.code AS a, b.code AS b, ST_X(p.pt) AS plon, ST_Y(p.pt) AS plat, ST_X(m) AS lon, ST_Y(m) AS lat,
               a.area_m2 AS a_m2, b.area_m2 AS b_m2
        FROM area a
        JOIN area b ON b.parent_id = a.parent_id AND b.code > a.code AND b.generation_id = a.generation_id
        CROSS JOIN LATERAL (SELECT ST_LineMerge(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) AS edge) e
        CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS pt) p
        CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(ST_GeometryN(e.edge, 1), 0.5) AS m) mid
        WHERE a.generation_id = :g AND a.level = 'micro_grid'
          AND GeometryType(e.edge) IN ('LINESTRING', 'MULTILINESTRING')
        ORDER BY ST_Length(ST_GeometryN(e.edge, 1)::geography) DESC NULLS LAST LIMIT 1"""),
        {"g": draft}).mappings().one()


def sizes(c, draft: int, pair) -> dict:
    return dict(c.execute(sa.text("SELECT code, area_m2 FROM area WHERE generation_id = :g AND code IN (:a, :b)"),
                          {"g": draft, "a": pair["a"], "b": pair["b"]}).all())


def test_a_planner_moves_a_border_and_undoes_it(dash_duo, app, database_url):
    with db.get_engine(database_url).begin() as c:   # committed: the server runs in another thread
        draft = new_draft(c, description="浏览器测试草稿")
        pair = neighbours(c, draft)
    try:
        open_as(dash_duo, app, "planner", "/planner")
        dash_duo.wait_for_contains_text("#plan-generation", str(draft), timeout=15)
        dash_duo.wait_for_element("#plan-problem-count.good", timeout=20)   # a copy of the live one: no errors
        until(lambda: dash_duo.driver.execute_script(VIEW), timeout=10)
        click_at(dash_duo, pair["plon"], pair["plat"])                      # choose A
        dash_duo.wait_for_contains_text("#plan-selected-title", pair["a"], timeout=10)
        dash_duo.find_element("#plan-tool-transfer").click()
        dash_duo.wait_for_element("#plan-sketching:not([hidden])", timeout=5)
        d = 0.00025                                                          # ≈ 25 m each way
        for dx, dy in ((-d, -d), (d, -d), (d, d), (-d, d)):
            click_at(dash_duo, pair["lon"] + dx, pair["lat"] + dy)
        until(lambda: len(dash_duo.driver.find_elements("css selector", "#plan-map path.leaflet-interactive")) > 0,
              timeout=5)
        count = dash_duo.find_element("#plan-problem-count")
        dash_duo.find_element("#plan-finish").click()
        dash_duo.wait_for_text_to_equal("#plan-message", "边界已调整。", timeout=15)
        until(lambda: staleness_of(count)(dash_duo.driver), timeout=15)   # the problems were checked again
        dash_duo.wait_for_element("#plan-problem-count.good", timeout=15)
        with db.get_engine(database_url).connect() as c:
            now = sizes(c, draft, pair)
        assert now[pair["a"]] > pair["a_m2"] + 500 and now[pair["b"]] < pair["b_m2"] - 500, "both neighbours moved"
        assert "边界调整" in dash_duo.find_element("#plan-history").text
        dash_duo.find_element("#plan-undo").click()
        dash_duo.wait_for_contains_text("#plan-message", "已撤销", timeout=15)
        with db.get_engine(database_url).connect() as c:
            back = sizes(c, draft, pair)
        assert back == pytest.approx({pair["a"]: pair["a_m2"], pair["b"]: pair["b_m2"]})
    finally:
        with db.get_engine(database_url).begin() as c:
            c.execute(sa.text("DELETE FROM generation WHERE id = :g"), {"g": draft})
