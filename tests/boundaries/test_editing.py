"""The planner's edits: border moves, splits, merges and new areas keep 0 m² of gaps and overlaps; a stale
save is refused with what changed; undo restores the very bytes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fixtures.worlds import new_generation, square
from gisapp.boundaries import editing
from gisapp.boundaries.checks import check_generation
from gisapp.boundaries.edits import Attributes, Draw, Merge, Split, Transfer
from gisapp.core.errors import ApiError

COVERAGE = {"overlap", "gap", "outside_parent", "sliver", "orphan"}


def draft(conn) -> int:
    """Community C; grids G1 | G2; micro-grids M11 | M12 in G1 and M21 | M22 in G2 (x 0–2, y 0–1)."""
    return new_generation(conn, [
        ("community", "C", square(0, 0, 2, 1), None),
        ("grid", "G1", square(0, 0, 1, 1), "C"), ("grid", "G2", square(1, 0, 2, 1), "C"),
        ("micro_grid", "M11", square(0, 0, 0.5, 1), "G1"), ("micro_grid", "M12", square(0.5, 0, 1, 1), "G1"),
        ("micro_grid", "M21", square(1, 0, 1.5, 1), "G2"), ("micro_grid", "M22", square(1.5, 0, 2, 1), "G2"),
    ], activate=False)


def coverage(conn, gen) -> list:
    return [(f.kind, f.code, f.other, f.m2) for f in check_generation(conn, gen) if f.kind in COVERAGE]


def shape(conn, gen, code) -> tuple:
    return conn.execute(sa.text("SELECT ST_XMin(geom), ST_XMax(geom), version, parent_id IS NOT NULL FROM area "
                                "WHERE generation_id = :g AND code = :c"), {"g": gen, "c": code}).one()


def version(conn, gen, code) -> int:
    return conn.scalar(sa.text("SELECT version FROM area WHERE generation_id = :g AND code = :c"),
                       {"g": gen, "c": code})


def strip(x0, x1, y0=-0.5, y1=1.5):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def test_moving_a_border_moves_both_neighbours_and_leaves_no_gap_or_overlap(conn):
    gen = draft(conn)
    editing.transfer(conn, gen, Transfer(code="M12", version=1, polygon=strip(0.4, 0.6)), "planner")
    assert shape(conn, gen, "M12")[:2] == (0.4, 1) and shape(conn, gen, "M11")[:2] == (0, 0.4)
    assert shape(conn, gen, "G1")[:2] == (0, 1), "the drawn strip was clipped to the parent"
    assert coverage(conn, gen) == []


def test_a_stale_save_is_refused_with_what_changed(conn):
    gen = draft(conn)
    editing.transfer(conn, gen, Transfer(code="M12", version=1, polygon=strip(0.4, 0.6)), "wang.fang")
    with pytest.raises(ApiError) as refused:
        editing.attributes(conn, gen, Attributes(code="M12", version=1, name="新名"), "li.qiang")
    assert refused.value.status == 409
    message = refused.value.errors[0][1]
    assert "changed since you opened it (version 1, now 2: transfer by wang.fang" in message
    assert message.msgid.startswith("area %(code)s changed since you opened it")


def test_split_merge_and_a_new_area_keep_coverage_and_people(conn):
    gen = draft(conn)
    editing.split(conn, gen, Split(code="M21", version=1, line=[(1.25, -0.1), (1.25, 1.1)]), "planner")
    parts = conn.execute(sa.text("SELECT code, population, ST_XMin(geom), ST_XMax(geom) FROM area "
                                 "WHERE generation_id = :g AND code LIKE 'M21%' ORDER BY code"), {"g": gen}).all()
    assert [(c, p) for c, p, *_ in parts] == [("M21", 500), ("M21-2", 500)]
    assert sorted((x0, x1) for *_, x0, x1 in parts) == [(1, 1.25), (1.25, 1.5)]
    assert coverage(conn, gen) == []
    editing.merge(conn, gen, Merge(keep="M22", keep_version=1, absorb="M21-2",
                                   absorb_version=version(conn, gen, "M21-2")), "planner")
    assert shape(conn, gen, "M22")[:2] == (1.25, 2) and coverage(conn, gen) == []
    editing.draw(conn, gen, Draw(level="micro_grid", code="M13", name="新建", polygon=strip(0.25, 0.75, 0.25, 0.75)),
                 "planner")
    holes = conn.execute(sa.text("SELECT code, ST_NumInteriorRings(ST_GeometryN(geom, 1)) FROM area "
                                 "WHERE generation_id = :g AND code IN ('M11', 'M12') ORDER BY code"), {"g": gen}).all()
    assert holes == [("M11", 0), ("M12", 0)] and shape(conn, gen, "M13")[:2] == (0.25, 0.75)
    assert coverage(conn, gen) == []


def test_undo_restores_the_same_bytes_step_by_step(conn):
    gen = draft(conn)
    original = dict(conn.execute(sa.text("SELECT code, encode(ST_AsEWKB(geom), 'hex') FROM area "
                                         "WHERE generation_id = :g"), {"g": gen}).all())
    editing.transfer(conn, gen, Transfer(code="G2", version=1, polygon=strip(0.9, 1.1)), "planner")
    editing.split(conn, gen, Split(code="M11", version=1, line=[(0.2, -1), (0.2, 2)]), "planner")
    editing.merge(conn, gen, Merge(keep="G1", keep_version=version(conn, gen, "G1"), absorb="G2",
                                   absorb_version=version(conn, gen, "G2")), "planner")   # G2's children move
    editing.draw(conn, gen, Draw(level="micro_grid", code="M99", name="新", polygon=strip(0.6, 0.8, 0.2, 0.4)),
                 "planner")
    assert [editing.undo(conn, gen, "planner")["action"] for _ in range(4)] == ["draw", "merge", "split", "transfer"]
    assert editing.undo(conn, gen, "planner") is None
    now = dict(conn.execute(sa.text("SELECT code, encode(ST_AsEWKB(geom), 'hex') FROM area "
                                    "WHERE generation_id = :g"), {"g": gen}).all())
    assert now == original
    parents = dict(conn.execute(sa.text("""SELECT a.code, p.code FROM area a JOIN area p ON p.id = a.parent_id
                                           WHERE a.generation_id = :g"""), {"g": gen}).all())
    assert parents == {"G1": "C", "G2": "C", "M11": "G1", "M12": "G1", "M21": "G2", "M22": "G2"}
    assert [h["action"] for h in editing.history(conn, gen)][:5] == ["undo"] * 4 + ["draw"]


def test_undo_refuses_to_overwrite_a_change_made_after_the_edit(conn):
    """A draft may also be edited in QGIS or psql: undo then stops instead of losing that change."""
    gen = draft(conn)
    editing.transfer(conn, gen, Transfer(code="M12", version=1, polygon=strip(0.4, 0.6)), "planner")
    conn.execute(sa.text("UPDATE area SET name = 'QGIS 改的' WHERE generation_id = :g AND code = 'M11'"), {"g": gen})
    with pytest.raises(ApiError) as refused:
        editing.undo(conn, gen, "planner")
    assert refused.value.status == 409 and "M11 changed after that edit" in refused.value.errors[0][1]
    assert shape(conn, gen, "M12")[:2] == (0.4, 1), "nothing was undone"


def test_a_split_shares_people_by_area_and_keeps_unknown_unknown(conn):
    gen = draft(conn)
    conn.execute(sa.text("UPDATE area SET population = 1001, households = NULL WHERE generation_id = :g "
                         "AND code = 'M21'"), {"g": gen})
    editing.split(conn, gen, Split(code="M21", version=2, line=[(1.1, -1), (1.1, 2)], new_code="M21W"), "planner")
    people = dict(conn.execute(sa.text("SELECT code, (population, households)::text FROM area "
                                       "WHERE generation_id = :g AND code IN ('M21', 'M21W')"), {"g": gen}).all())
    assert people == {"M21": "(801,)", "M21W": "(200,)"}   # 1,001 in all; households stay unknown
    with pytest.raises(ApiError) as refused:
        editing.split(conn, gen, Split(code="M22", version=1, line=[(1.8, -1), (1.8, 2)], new_code="M21W"), "x")
    assert refused.value.errors[0][0] == "new_code"


def test_a_grid_border_move_takes_the_micro_grids_inside_along(conn):
    gen = draft(conn)
    editing.transfer(conn, gen, Transfer(code="G2", version=1, polygon=strip(0.5, 1.1)), "planner")
    parent = conn.scalar(sa.text("""SELECT p.code FROM area a JOIN area p ON p.id = a.parent_id
                                    WHERE a.generation_id = :g AND a.code = 'M12'"""), {"g": gen})
    assert parent == "G2" and coverage(conn, gen) == []


@pytest.mark.parametrize("edit, status, field, words", [
    (Transfer(code="M11", version=1, polygon=strip(0.1, 0.4999999)), 422, "polygon", "takes nothing"),  # snapped
    (Transfer(code="M11", version=1, polygon=strip(0, 1)), 409, "polygon", "covers all of M12"),
    (Split(code="M11", version=1, line=[(0.2, 0.2), (0.3, 0.3)]), 422, "line", "from edge to edge"),
    (Merge(keep="M11", keep_version=1, absorb="M22", absorb_version=1), 422, "absorb", "one level and one parent"),
    (Draw(level="grid", code="G1", name="x", polygon=strip(0.1, 0.2)), 409, "code", "already in generation"),
    (Attributes(code="NOPE", version=1, name="x"), 404, "code", "no area NOPE"),
])
def test_edits_that_would_break_something_are_refused_by_field(conn, edit, status, field, words):
    gen = draft(conn)
    before = conn.scalar(sa.text("SELECT count(*) FROM area_edit"))
    with pytest.raises(ApiError) as refused:
        getattr(editing, type(edit).__name__.lower())(conn, gen, edit, "planner")
    assert refused.value.status == status and refused.value.errors[0][0] == field
    assert words in refused.value.errors[0][1]
    assert conn.scalar(sa.text("SELECT count(*) FROM area_edit")) == before


def test_the_live_generation_is_not_edited(conn):
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    code = conn.scalar(sa.text("SELECT code FROM area WHERE generation_id = :g AND level = 'micro_grid' LIMIT 1"),
                       {"g": active})
    with pytest.raises(ApiError) as refused:
        editing.attributes(conn, active, Attributes(code=code, version=1, name="x"), "planner")
    assert refused.value.status == 409 and "edit a draft" in refused.value.errors[0][1]
