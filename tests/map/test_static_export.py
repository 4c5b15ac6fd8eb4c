"""The offline HTML map of an area or a case (gisapp.map.static_export): what it holds, who may have it, and
that it draws with the network cut."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from fixtures.offline import drawn_offline
from gisapp.access.permissions import SYSTEM, Who
from gisapp.core.errors import ApiError
from gisapp.core.language import translator
from gisapp.core.validation import parse
from gisapp.map.static_export import MapExportQuery, area_map, case_map
from gisapp.map.static_map import network_urls

SAY = translator("zh_CN")


def test_an_area_map_holds_its_parts_cases_and_legend_and_no_network_or_personal_data(conn, first_micro_grid):
    code = first_micro_grid["grid_code"]
    page = area_map(conn, code, SYSTEM, SAY).get_root().render()
    assert network_urls(page) == [] and "data:text/javascript;base64," in page
    assert f"({code})" in page and "已上报 / 待签收" in page and "离线地图" in page   # the live map's legend
    parts = conn.scalar(sa.text("""SELECT count(*) FROM area c JOIN area p ON p.id = c.parent_id
                                   WHERE p.code = :c AND p.generation_id = gisapp_active_generation()"""), {"c": code})
    assert parts > 1 and all(f'"{x}"' in page for x in conn.scalars(sa.text(
        "SELECT c.code FROM area c JOIN area p ON p.id = c.parent_id WHERE p.code = :c "
        "AND p.generation_id = gisapp_active_generation()"), {"c": code}))
    phones = conn.scalars(sa.text("SELECT responsible_phone FROM area WHERE responsible_phone IS NOT NULL")).all()
    assert phones and not any(p in page for p in phones)


def test_a_case_map_rings_the_case_and_refuses_what_the_reader_may_not_see(conn, first_micro_grid):
    case = conn.scalar(sa.text("""INSERT INTO incident (category, geom) VALUES ('road', ST_SetSRID(
        ST_MakePoint(:lon, :lat), 4326)) RETURNING id"""), first_micro_grid)
    page = case_map(conn, case, SYSTEM, SAY).get_root().render()
    assert f"事件 {case}" in page and network_urls(page) == []
    assert len(re.findall(r'"color": "#000000"', page)) == 1, "one case is ringed: the one asked for"
    elsewhere = Who(user_id=None, name="w", display="w", role="worker", area_code="NOWHERE")
    assert case_map(conn, case, elsewhere, SAY) is None and area_map(conn, "NOWHERE", SYSTEM, SAY) is None
    unplaced = conn.scalar(sa.text("INSERT INTO incident (category) VALUES ('road') RETURNING id"))
    assert case_map(conn, unplaced, SYSTEM, SAY) is None


@pytest.mark.parametrize("query", [{}, {"area": "X", "case": "1"}, {"case": "1e3"}])
def test_the_query_names_what_is_wrong(query):
    with pytest.raises(ApiError):
        parse(MapExportQuery, query, status=400)


@pytest.mark.browser
def test_the_exported_file_draws_with_the_network_cut(dash_duo, database_url, first_micro_grid, tmp_path):
    from gisapp.core import db
    with db.get_engine(database_url).connect() as c:
        made = area_map(c, first_micro_grid["grid_code"], SYSTEM, SAY)
    page = tmp_path / "grid.html"
    made.save(str(page))
    assert drawn_offline(dash_duo, page) > 20   # roads, buildings, parts
    assert "已上报 / 待签收" in dash_duo.driver.find_element("css selector", "body").text
