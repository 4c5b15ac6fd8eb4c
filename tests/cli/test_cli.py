"""The `gisapp` commands, run in-process on the rolled-back test connection."""

from __future__ import annotations

import csv
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from gisapp.cli import main


@pytest.fixture
def gisapp(conn):
    def run(*args, ok=True):
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result
    return run


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        for props, ring in features]}))
    return path


SQ = [[10, 10], [10.1, 10], [10.1, 10.1], [10, 10.1], [10, 10]]
SQ2 = [[10.1, 10], [10.2, 10], [10.2, 10.1], [10.1, 10.1], [10.1, 10]]


def count(conn, table, where="true"):
    return conn.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE {where}"))


def test_areas_import_is_a_dry_run_without_commit(gisapp, conn, tmp_path):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "A1", "n": "甲"}, SQ), ({"c": "A2", "n": "乙"}, SQ2)])
    before = count(conn, "area")
    out = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n").output
    assert "2 grid areas" in out and "Dry run" in out and count(conn, "area") == before
    out = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n", "--commit").output
    assert "Dry run" not in out and count(conn, "area") == before + 2
    assert count(conn, "generation", "state = 'draft'") == 1


def test_areas_import_lists_invalid_polygons_and_repairs_only_when_asked(gisapp, conn, tmp_path):
    bowtie = [[10, 10], [10.1, 10.1], [10.1, 10], [10, 10.1], [10, 10]]
    f = write_geojson(tmp_path / "bad.geojson", [({"c": "BT", "n": "x"}, bowtie)])
    before = count(conn, "area")
    refused = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                     "--commit", ok=False)
    assert refused.exit_code == 1 and "BT: invalid geometry" in refused.output and "--make-valid" in refused.output
    assert count(conn, "area") == before
    fixed = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                   "--make-valid", "--commit")
    assert "repaired BT" in fixed.output and count(conn, "area") == before + 1


def test_areas_import_names_a_missing_field(gisapp, tmp_path):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "A1", "n": "甲"}, SQ)])
    result = gisapp("areas", "import", f, "--level", "grid", "--code-field", "code", "--name-field", "n", ok=False)
    assert result.exit_code == 1 and "no field 'code'" in result.output


def test_areas_import_finds_parents_spatially_and_check_reports_overlap(gisapp, conn, tmp_path):
    parent = write_geojson(tmp_path / "p.geojson", [({"c": "P", "n": "p"}, [[10, 10], [10.3, 10], [10.3, 10.2],
                                                                          [10, 10.2], [10, 10]])])
    overlapping = [[10.05, 10], [10.2, 10], [10.2, 10.1], [10.05, 10.1], [10.05, 10]]
    kids = write_geojson(tmp_path / "k.geojson", [({"c": "K1", "n": "k"}, SQ), ({"c": "K2", "n": "k"}, overlapping)])
    gisapp("areas", "import", parent, "--level", "community", "--code-field", "c", "--name-field", "n",
           "--generation", 77, "--commit")
    out = gisapp("areas", "import", kids, "--level", "grid", "--code-field", "c", "--name-field", "n",
                 "--generation", 77, "--commit").output
    assert "0 without a parent" in out
    assert "overlap        K1 / K2" in out and "gap            P" in out
    result = gisapp("areas", "check", "--generation", 77, ok=False)
    assert result.exit_code == 1 and "PROBLEM overlap" in result.output


def test_generation_activation_is_a_dry_run_without_commit(gisapp, conn, tmp_path):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "A1", "n": "甲"}, SQ)])
    gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n", "--commit")
    draft = conn.scalar(sa.text("SELECT max(id) FROM generation WHERE state = 'draft'"))
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    assert "Dry run" in gisapp("generations", "activate", draft).output
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == active
    gisapp("generations", "activate", draft, "--commit")
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == draft
    assert "draft" not in gisapp("generations", "list").output.split("\n")[draft - 1]


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_reports_import_dry_run_commit_and_rerun(gisapp, conn, tmp_path):
    f = write_csv(tmp_path / "r.csv", [
        {"ref": "r1", "x": "121.505", "y": "31.235", "kind": "power"},
        {"ref": "r2", "x": "121.506", "y": "31.236", "kind": "Graffiti Removal"},
        {"ref": "r3", "x": "", "y": "", "kind": "power"},
        {"ref": "r4", "x": "31.2", "y": "121.5", "kind": "power"},
        {"ref": "r1", "x": "121.505", "y": "31.235", "kind": "power"},
        {"ref": "r6", "x": "100", "y": "10", "kind": "power"},
    ])
    args = ["reports", "import", f, "--lon-field", "x", "--lat-field", "y", "--ref-field", "ref",
            "--category-field", "kind", "--rejects", tmp_path / "rejects.csv"]
    before = count(conn, "incident")
    dry = gisapp(*args).output
    assert "inserted 3" in dry and "Dry run" in dry and count(conn, "incident") == before
    out = gisapp(*args, "--commit").output
    assert "inserted 3" in out and "unlocated 1" in out and "rejected 3" in out
    assert "no coordinates: 1" in out and "bad coordinates: 1" in out and "duplicate reference: 1" in out
    assert "swapped" in (tmp_path / "rejects.csv").read_text()
    assert conn.scalar(sa.text("SELECT category || ' ' || description FROM incident WHERE client_ref = 'r2'")) \
        == "other [Graffiti Removal]"
    again = gisapp(*args, "--commit").output
    assert "inserted 0" in again and "already present 3" in again and count(conn, "incident") == before + 3


def test_reports_import_without_category_field_files_under_other(gisapp, conn, tmp_path):
    f = write_csv(tmp_path / "r.csv", [{"lon": "121.505", "lat": "31.235"}])
    gisapp("reports", "import", f, "--lon-field", "lon", "--lat-field", "lat", "--commit")
    assert conn.scalar(sa.text("SELECT category FROM incident ORDER BY id DESC LIMIT 1")) == "other"


def test_reports_export_has_codes_at_every_level(gisapp, conn, tmp_path):
    out = tmp_path / "all.csv"
    gisapp("reports", "export", "-o", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == count(conn, "incident")
    for column in ["id", "client_ref", "status", "lon", "lat", "micro_grid_code", "grid_code",
                   "community_code", "street_code"]:
        assert column in rows[0]
    assigned = [r for r in rows if r["status"] == "assigned"]
    assert assigned and all(r["micro_grid_code"].startswith(r["grid_code"]) for r in assigned if r["micro_grid_code"])
    assert all(r["grid_code"] == "" for r in rows if r["status"] == "unlocated")
    geo = json.loads(gisapp("reports", "export", "--format", "geojson").stdout)
    assert len(geo["features"]) == len(rows) and geo["features"][0]["geometry"]["type"] == "Point"


def test_demo_load_refuses_a_database_with_areas(gisapp):
    assert "nothing loaded" in gisapp("demo", "load", "--commit", "--if-empty").output
    assert gisapp("demo", "load", "--commit", ok=False).exit_code == 1


def test_db_upgrade_syncs_the_snap_setting_and_is_harmless_twice(gisapp, conn, monkeypatch):
    from gisapp.core import settings as config
    monkeypatch.setenv("GISAPP_SNAP_METRES", "12.5")
    config.get_settings.cache_clear()
    try:
        assert "database at revision 0004" in gisapp("db", "upgrade").output
        assert "was" not in gisapp("db", "upgrade").output
        assert conn.scalar(sa.text("SELECT value FROM app_setting WHERE key = 'snap_metres'")) == "12.5"
    finally:
        monkeypatch.delenv("GISAPP_SNAP_METRES")
        config.get_settings.cache_clear()


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


def test_areas_import_refuses_the_active_generation(gisapp, conn, tmp_path):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "LIVE", "n": "x"}, SQ)])
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    result = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                    "--generation", active, "--commit", ok=False)
    assert result.exit_code == 1 and "is active; import into a draft generation" in result.output


def test_areas_import_reports_bad_numbers_and_empty_files(gisapp, tmp_path):
    f = write_geojson(tmp_path / "g.geojson", [({"c": "N1", "n": "x", "pop": "many"}, SQ),
                                               ({"c": "N2", "n": "x", "pop": -3}, SQ2)])
    result = gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
                    "--population-field", "pop", ok=False)
    assert result.exit_code == 1 and "N1: pop 'many'" in result.output and "N2: pop '-3'" in result.output
    empty = write_geojson(tmp_path / "e.geojson", [])
    result = gisapp("areas", "import", empty, "--level", "grid", "--code-field", "c", "--name-field", "n", ok=False)
    assert result.exit_code == 1 and "has no features" in result.output


def test_areas_import_drops_z_coordinates(gisapp, conn, tmp_path):
    ring3d = [[x, y, 12.5] for x, y in SQ]
    f = write_geojson(tmp_path / "z.geojson", [({"c": "Z1", "n": "z"}, ring3d)])
    gisapp("areas", "import", f, "--level", "grid", "--code-field", "c", "--name-field", "n",
           "--generation", 91, "--commit")
    assert conn.scalar(sa.text("SELECT ST_NDims(geom) FROM area WHERE generation_id = 91")) == 2


def test_check_reports_childless_parents_and_orphans(gisapp, conn, tmp_path):
    parents = write_geojson(tmp_path / "p.geojson", [({"c": "P1", "n": "p"}, SQ), ({"c": "P2", "n": "p"}, SQ2)])
    far = [[20, 20], [20.1, 20], [20.1, 20.1], [20, 20.1], [20, 20]]
    kids = write_geojson(tmp_path / "k.geojson", [({"c": "K1", "n": "k"}, SQ), ({"c": "LOST", "n": "k"}, far)])
    for path, level in ((parents, "community"), (kids, "grid")):
        gisapp("areas", "import", path, "--level", level, "--code-field", "c", "--name-field", "n",
               "--generation", 92, "--commit")
    out = gisapp("areas", "check", "--generation", 92, ok=False).output
    assert "gap            P2" in out and "orphan         LOST" in out and "gap            P1" not in out


def test_reports_import_reads_naive_times_in_the_given_timezone(gisapp, conn, tmp_path):
    f = write_csv(tmp_path / "t.csv", [{"ref": "tz1", "x": "121.505", "y": "31.235", "at": "2026-10-01 08:00"}])
    gisapp("reports", "import", f, "--lon-field", "x", "--lat-field", "y", "--ref-field", "ref",
           "--time-field", "at", "--timezone", "Asia/Shanghai", "--commit")
    assert conn.scalar(sa.text("SELECT reported_at AT TIME ZONE 'UTC' FROM incident WHERE client_ref = 'tz1'")) \
        .isoformat() == "2026-10-01T00:00:00"
