"""Validation before a generation goes live: each problem found on a crafted case, with its size."""

from __future__ import annotations

import sqlalchemy as sa

from fixtures.worlds import new_generation, square
from gisapp.boundaries.checks import as_geojson, blocking, check_generation
from gisapp.boundaries.generations import activate, new_draft
from gisapp.boundaries.problems import GenerationProblems


def crafted(conn) -> int:
    """Communities C1–C3 and their grids, each with one kind of problem (x in degrees, y 0–2)."""
    gen = new_generation(conn, [
        ("community", "C1", square(0, 0, 2, 1), None),
        ("grid", "G1", square(0, 0, 1, 1), "C1"), ("grid", "G2", square(1, 0, 2, 1), "C1"),   # clean
        ("community", "C2", square(0, 1, 2, 2), None),
        ("grid", "G3", square(0, 1, 1.5, 2), "C2"), ("grid", "G4", square(1.4, 1, 2, 2), "C2"),  # overlap
        ("grid", "G5", square(2, 1, 2.5, 2), "C2"),                                    # outside its parent
        ("community", "C3", square(2, 0, 3, 1), None),
        ("grid", "G6", square(2, 0, 2.5, 1), "C3"),                                    # half of C3 is a gap
        ("grid", "G9", square(2.499998, 0.5, 2.500003, 0.500005), "C3"),               # 0.1 m² over G6
        ("grid", "G7", square(3, 0, 4, 1), None),                                      # no parent
    ], activate=False)
    conn.execute(sa.text("UPDATE area SET population = NULL WHERE generation_id = :g AND code = 'G1'"), {"g": gen})
    conn.execute(sa.text("INSERT INTO building (code, geom) VALUES ('SPLIT', ST_GeomFromText(:w, 4326))"),
                 {"w": square(0.9999, 0.5, 1.0001, 0.5001)})     # 11 m on each side of G1 | G2
    return gen


def test_each_problem_is_found_with_its_areas_and_size(conn):
    gen = crafted(conn)
    found = check_generation(conn, gen, geometry=True)
    by_kind = {}
    for f in found:
        by_kind.setdefault(f.kind, []).append(f)
    assert [(f.code, f.other) for f in by_kind["overlap"]] == [("G3", "G4")]
    assert 1.2e9 < by_kind["overlap"][0].m2 < 1.25e9           # 0.1° × 1° near the equator
    assert [(f.code, f.other) for f in by_kind["outside_parent"]] == [("G5", "C2")]
    assert [f.code for f in by_kind["gap"]] == ["C3"] and 5.9e9 < by_kind["gap"][0].m2 < 6.3e9
    assert [f.code for f in by_kind["orphan"]] == ["G7"]
    assert [(f.code, f.other) for f in by_kind["sliver"]] == [("G6", "overlap G9")]
    assert by_kind["sliver"][0].m2 < 1 and not by_kind["sliver"][0].blocking
    assert [(f.code, f.other) for f in by_kind["split_building"]] == [("SPLIT", "G1, G2")]
    assert 100 < by_kind["split_building"][0].m2 < 130
    assert "G1" in {f.code for f in by_kind["no_population"]} and not by_kind["no_population"][0].blocking
    assert {f.code for f in by_kind["no_responsible"]} >= {"G1", "G2", "G3"}
    lost = conn.scalar(sa.text("SELECT count(*) FROM checkpoint WHERE area_id IS NOT NULL"))
    assert len(by_kind["lost_checkpoint"]) == lost > 0
    assert {f.kind for f in blocking(found)} == {"overlap", "outside_parent", "gap", "orphan", "split_building",
                                                  "lost_checkpoint"}
    drawn = as_geojson(found)["features"]
    assert len(drawn) == len(found) and drawn[0]["geometry"]["type"] in ("MultiPolygon", "Polygon", "Point")


def test_activation_is_refused_with_the_list_and_nothing_changes(conn):
    gen = crafted(conn)
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    try:
        activate(conn, gen)
        raise AssertionError("activated a generation with blocking problems")
    except GenerationProblems as exc:
        assert {f.kind for f in exc.findings} >= {"overlap", "gap", "split_building"}
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == active


def test_a_copy_of_the_demo_is_valid_and_goes_live(conn):
    draft = new_draft(conn)
    assert blocking(check_generation(conn, draft)) == []
    activate(conn, draft)
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == draft
