"""`gisapp areas` and `gisapp generations`: imports, checks, activation, all dry runs unless --commit."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

SQ = [[10, 10], [10.1, 10], [10.1, 10.1], [10, 10.1], [10, 10]]
SQ2 = [[10.1, 10], [10.2, 10], [10.2, 10.1], [10.1, 10.1], [10.1, 10]]


def test_areas_import_is_a_dry_run_without_commit(gisapp, conn, tmp_path, write_geojson, count):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "A1", "n": "甲"}, SQ), ({"c": "A2", "n": "乙"}, SQ2)])
    before = count("area")
    out = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n").output
    assert "2 grid areas" in out and "Dry run" in out and count("area") == before
    out = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n", "--commit").output
    assert "Dry run" not in out and count("area") == before + 2
    assert count("generation", "state = 'draft'") == 1


def test_areas_import_lists_invalid_polygons_and_repairs_only_when_asked(gisapp, conn, tmp_path, write_geojson, count):
    bowtie = [[10, 10], [10.1, 10.1], [10.1, 10], [10, 10.1], [10, 10]]
    f = write_geojson(tmp_path / "bad.geojson", [({"c": "BT", "n": "x"}, bowtie)])
    before = count("area")
    refused = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                     "--commit", ok=False)
    assert refused.exit_code == 1 and "BT: invalid geometry" in refused.output and "--make-valid" in refused.output
    assert count("area") == before
    fixed = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                   "--make-valid", "--commit")
    assert "repaired BT" in fixed.output and count("area") == before + 1


def test_areas_import_names_a_missing_field(gisapp, tmp_path, write_geojson):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "A1", "n": "甲"}, SQ)])
    result = gisapp("areas", "import", f, "--level", "grid", "--code-field", "code", "--name-field", "n", ok=False)
    assert result.exit_code == 1 and "no field 'code'" in result.output


def test_areas_import_finds_parents_spatially_and_check_reports_overlap(gisapp, conn, tmp_path, write_geojson):
    parent = write_geojson(tmp_path / "p.geojson", [({"c": "P", "n": "p"}, [[10, 10], [10.3, 10], [10.3, 10.2],
                                                                          [10, 10.2], [10, 10]])])
    overlapping = [[10.05, 10], [10.2, 10], [10.2, 10.1], [10.05, 10.1], [10.05, 10]]
    kids = write_geojson(tmp_path / "k.geojson", [({"c": "K1", "n": "k"}, SQ), ({"c": "K2", "n": "k"}, overlapping)])
    gisapp("areas", "import", parent, "--level", "community", "--code-field", "c", "--name-field", "n",
           "--generation", 77, "--commit")
    out = gisapp("areas", "import", kids, "--level", "grid", "--code-field", "c", "--name-field", "n",
                 "--generation", 77, "--commit").output
    assert "0 without a parent" in out
    assert "overlap         K1 / K2" in out and "gap             P" in out
    result = gisapp("areas", "check", "--generation", 77, ok=False)
    assert result.exit_code == 1 and "ERROR   overlap" in result.output


def test_generation_activation_is_a_dry_run_without_commit(gisapp, conn):
    out = gisapp("generations", "new", "--description", "next year's grid", "--commit").output
    draft = conn.scalar(sa.text("SELECT max(id) FROM generation WHERE state = 'draft'"))
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    assert f"generation {draft}: draft with" in out and f"copied from generation {active}" in out
    assert "Dry run" in gisapp("generations", "activate", draft).output
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == active
    gisapp("generations", "activate", draft, "--commit")
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == draft
    assert "draft" not in gisapp("generations", "list").output.split("\n")[draft - 1]


def test_a_generation_with_blocking_problems_is_not_activated_and_the_list_says_why(gisapp, conn, tmp_path,
                                                                                     write_geojson):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "A1", "n": "甲"}, SQ)])
    gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n", "--commit")
    draft = conn.scalar(sa.text("SELECT max(id) FROM generation WHERE state = 'draft'"))
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    refused = gisapp("generations", "activate", draft, "--commit", ok=False)
    assert refused.exit_code == 1 and f"generation {draft} was not activated" in refused.output
    assert "lost_checkpoint" in refused.output     # the demo's checkpoints would be in no area
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == active
    problems = tmp_path / "problems.geojson"
    listed = gisapp("generations", "validate", draft, "--all", "--geojson", problems, ok=False)
    assert listed.exit_code == 1 and "ERROR   lost_checkpoint" in listed.output
    assert "warning no_responsible  A1" in listed.output
    drawn = json.loads(problems.read_text(encoding="utf-8"))["features"]
    assert {d["properties"]["kind"] for d in drawn} == {"lost_checkpoint", "no_responsible", "no_population"}


def test_diff_names_the_changes_and_what_moves_and_stores_them_only_with_commit(gisapp, conn, tmp_path, count):
    gisapp("generations", "new", "--commit")
    draft = conn.scalar(sa.text("SELECT max(id) FROM generation WHERE state = 'draft'"))
    first = conn.execute(sa.text("""SELECT a.code, b.code FROM area a JOIN area b ON b.parent_id = a.parent_id
        AND b.code > a.code AND ST_Relate(a.geom, b.geom, 'F***1****')
        WHERE a.generation_id = :g AND a.level = 'micro_grid' ORDER BY a.code LIMIT 1"""), {"g": draft}).one()
    conn.execute(sa.text("""UPDATE area a SET geom = ST_Multi(ST_Union(a.geom, b.geom)) FROM area b
        WHERE a.generation_id = :g AND b.generation_id = :g AND a.code = :a AND b.code = :b"""),
                 {"g": draft, "a": first[0], "b": first[1]})
    conn.execute(sa.text("DELETE FROM area WHERE generation_id = :g AND code = :b"), {"g": draft, "b": first[1]})
    changed = tmp_path / "changed.geojson"
    out = gisapp("generations", "diff", draft, "--list", "--geojson", changed).output
    assert "unchanged, 1 merged\n" in out and "Dry run" in out and count("area_change") == 0
    assert f"→ {first[0]}" in out        # the removed micro-grid's buildings and cases move to the merged one
    assert [f["properties"]["class"] for f in json.loads(changed.read_text(encoding="utf-8"))["features"]] == \
        ["merged"]
    gisapp("generations", "diff", draft, "--commit")
    assert count("area_change", f"generation_id = {draft}") > 300


def test_areas_export_writes_the_format_of_its_extension(gisapp, tmp_path):
    out = gisapp("areas", "export", "--level", "grid", "-o", tmp_path / "grids.fgb").output
    assert "40 grid areas written" in out and (tmp_path / "grids.fgb").stat().st_size > 1000
    refused = gisapp("areas", "export", "--level", "grid", "-o", tmp_path / "grids.txt", ok=False)
    assert refused.exit_code == 1 and "extension must be one of" in refused.output


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_areas_import_reads_geopackage_and_shapefile_and_reprojects(gisapp, conn, tmp_path, suffix):
    import geopandas as gpd
    from shapely.geometry import box
    wgs = gpd.GeoDataFrame({"CODE": ["UTM1"], "NAME": ["投影"], "POP": [1234]},
                           geometry=[box(121.50, 31.23, 121.51, 31.24)], crs=4326)
    path = tmp_path / f"utm{suffix}"
    wgs.to_crs(32651).to_file(path, engine="pyogrio")  # UTM 51N, as a surveyor would deliver it
    gisapp("areas", "import", path, "--level", "grid", "--code-field", "CODE", "--name-field", "NAME",
           "--population-field", "POP", "--generation", 90, "--commit")
    row = conn.execute(sa.text("SELECT ST_SRID(geom), ST_XMin(geom), ST_YMax(geom), population, name "
                               "FROM area WHERE generation_id = 90 AND code = 'UTM1'")).one()
    assert row[0] == 4326 and row[1] == pytest.approx(121.50, abs=1e-6) and row[2] == pytest.approx(31.24, abs=1e-6)
    assert (row[3], row[4]) == (1234, "投影")


def test_areas_import_refuses_the_active_generation(gisapp, conn, tmp_path, write_geojson):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "LIVE", "n": "x"}, SQ)])
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    result = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                    "--generation", active, "--commit", ok=False)
    assert result.exit_code == 1 and "is active; import into a draft generation" in result.output


def test_areas_import_reports_bad_numbers_and_empty_files(gisapp, tmp_path, write_geojson):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "N1", "n": "x", "pop": "many"}, SQ),
                                               ({"c": "N2", "n": "x", "pop": -3}, SQ2)])
    result = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                    "--population-field", "pop", ok=False)
    assert result.exit_code == 1 and "N1: pop 'many'" in result.output and "N2: pop '-3'" in result.output
    empty = write_geojson(tmp_path / "e.geojson", [])
    result = gisapp("areas", "import", empty, "--level", "grid", "--code-field", "c", "--name-field", "n", ok=False)
    assert result.exit_code == 1 and "has no features" in result.output


def test_areas_import_drops_z_coordinates(gisapp, conn, tmp_path, write_geojson):
    ring3d = [[x, y, 12.5] for x, y in SQ]
    f = write_geojson(tmp_path / "z.geojson", [({"c": "Z1", "n": "z"}, ring3d)])
    gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
           "--generation", 91, "--commit")
    assert conn.scalar(sa.text("SELECT ST_NDims(geom) FROM area WHERE generation_id = 91")) == 2


def test_check_reports_childless_parents_and_orphans(gisapp, conn, tmp_path, write_geojson):
    parents = write_geojson(tmp_path / "p.geojson", [({"c": "P1", "n": "p"}, SQ), ({"c": "P2", "n": "p"}, SQ2)])
    far = [[20, 20], [20.1, 20], [20.1, 20.1], [20, 20.1], [20, 20]]
    kids = write_geojson(tmp_path / "k.geojson", [({"c": "K1", "n": "k"}, SQ), ({"c": "LOST", "n": "k"}, far)])
    for path, level in ((parents, "community"), (kids, "grid")):
        gisapp("areas", "import", path, "--level", level, "--code-field", "c", "--name-field", "n",
               "--generation", 92, "--commit")
    out = gisapp("areas", "check", "--generation", 92, ok=False).output
    assert "gap             P2" in out and "orphan          LOST" in out and "gap             P1" not in out
