"""`gisapp reports import|export`: bulk CSV in, every case with its codes out."""

from __future__ import annotations

import csv
import json

import sqlalchemy as sa


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_reports_import_dry_run_commit_and_rerun(gisapp, conn, tmp_path, count):
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
    before = count("incident")
    dry = gisapp(*args).output
    assert "inserted 3" in dry and "Dry run" in dry and count("incident") == before
    out = gisapp(*args, "--commit").output
    assert "inserted 3" in out and "unlocated 1" in out and "rejected 3" in out
    assert "no coordinates: 1" in out and "bad coordinates: 1" in out and "duplicate reference: 1" in out
    assert "swapped" in (tmp_path / "rejects.csv").read_text()
    assert conn.scalar(sa.text("SELECT category || ' ' || description FROM incident WHERE client_ref = 'r2'")) \
        == "other [Graffiti Removal]"
    again = gisapp(*args, "--commit").output
    assert "inserted 0" in again and "already present 3" in again and count("incident") == before + 3


def test_reports_import_without_category_field_files_under_other(gisapp, conn, tmp_path):
    f = write_csv(tmp_path / "r.csv", [{"lon": "121.505", "lat": "31.235"}])
    gisapp("reports", "import", f, "--lon-field", "lon", "--lat-field", "lat", "--commit")
    assert conn.scalar(sa.text("SELECT category FROM incident ORDER BY id DESC LIMIT 1")) == "other"


def test_reports_export_has_codes_at_every_level(gisapp, conn, tmp_path, count):
    out = tmp_path / "all.csv"
    gisapp("reports", "export", "-o", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == count("incident")
    for column in ["id", "client_ref", "status", "lon", "lat", "micro_grid_code", "grid_code",
                   "community_code", "street_code"]:
        assert column in rows[0]
    assigned = [r for r in rows if r["status"] == "assigned"]
    assert assigned and all(r["micro_grid_code"].startswith(r["grid_code"]) for r in assigned if r["micro_grid_code"])
    assert all(r["grid_code"] == "" for r in rows if r["status"] == "unlocated")
    geo = json.loads(gisapp("reports", "export", "--format", "geojson").stdout)
    assert len(geo["features"]) == len(rows) and geo["features"][0]["geometry"]["type"] == "Point"


def test_reports_import_reads_naive_times_in_the_given_timezone(gisapp, conn, tmp_path):
    f = write_csv(tmp_path / "t.csv", [{"ref": "tz1", "x": "121.505", "y": "31.235", "at": "2026-10-01 08:00"}])
    gisapp("reports", "import", f, "--lon-field", "x", "--lat-field", "y", "--ref-field", "ref",
           "--time-field", "at", "--timezone", "Asia/Shanghai", "--commit")
    assert conn.scalar(sa.text("SELECT reported_at AT TIME ZONE 'UTC' FROM incident WHERE client_ref = 'tz1'")) \
        .isoformat() == "2026-10-01T00:00:00"
