"""Export a generation's areas to the planners' formats, and bring them back unchanged."""

from __future__ import annotations

import geopandas as gpd
import pytest
import sqlalchemy as sa

from gisapp.boundaries.diff import diff
from gisapp.boundaries.export import FIELDS, export_areas
from gisapp.boundaries.importer import import_areas
from gisapp.boundaries.problems import ImportProblem
from gisapp.core.vocabulary import LEVEL_CODES


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".fgb"])
def test_every_format_holds_every_area_and_attribute(conn, tmp_path, suffix):
    path = tmp_path / f"micro{suffix}"
    count = export_areas(conn, None, "micro_grid", path)
    frame = gpd.read_file(path, engine="pyogrio")
    assert len(frame) == count > 300 and set(FIELDS.values()) <= set(frame.columns)
    row = conn.execute(sa.text("""SELECT a.code, a.name, p.code, a.population, a.responsible_name
        FROM area a JOIN area p ON p.id = a.parent_id
        WHERE a.generation_id = gisapp_active_generation() AND a.level = 'micro_grid' ORDER BY a.code LIMIT 1""")).one()
    first = frame.sort_values("code").iloc[0]
    assert (first["code"], first["name"], first["parent"], first["population"], first["resp_name"]) == tuple(row)
    assert frame.crs.to_epsg() == 4326


def test_an_export_imported_into_a_new_draft_diffs_as_all_unchanged(conn, tmp_path):
    draft = None
    for level in LEVEL_CODES:
        path = tmp_path / f"{level}.gpkg"
        export_areas(conn, None, level, path)
        result = import_areas(conn, path, level, "code", "name", parent_field="parent",
                              population_field="population", households_field="households",
                              responsible_field="resp_name", phone_field="resp_phone",
                              generation=draft or 900)
        draft = result.generation
    changes = diff(conn, draft)
    assert {k: v for k, v in changes.classes.items() if v} == {
        "unchanged": conn.scalar(sa.text("SELECT count(*) FROM area WHERE generation_id = gisapp_active_generation()"))}
    assert changes.moves == []


def test_an_unknown_format_or_level_is_refused_by_name(conn, tmp_path):
    with pytest.raises(ImportProblem) as refused:
        export_areas(conn, None, "grid", tmp_path / "grids.xlsx")
    assert "grids.xlsx: the extension must be one of .gpkg" in refused.value.problems[0]
    with pytest.raises(ImportProblem) as refused:
        export_areas(conn, 999, "grid", tmp_path / "grids.gpkg")
    assert refused.value.problems == ["no generation 999"] and not (tmp_path / "grids.gpkg").exists()
