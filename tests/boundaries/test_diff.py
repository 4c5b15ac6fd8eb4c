"""Diff before activation: each class on a crafted redraw, what changes owner, and the people who move."""

from __future__ import annotations

import sqlalchemy as sa

from fixtures.worlds import insert_point, new_generation, square
from gisapp.boundaries.diff import changed_areas, diff
from gisapp.boundaries.generations import new_draft


def strip(x0: float, x1: float) -> str:
    return square(x0, 0, x1, 1)


def redraw(conn) -> tuple[int, int]:
    """Generation A (live) and a redraw B of it: one grid per class, in a row along the equator."""
    before = new_generation(conn, [("community", "C", strip(0, 12), None)] + [
        ("grid", f"A{i}", strip(i - 1, i), "C") for i in range(1, 9)])
    after = new_generation(conn, [("community", "C", strip(0, 12), None),
        ("grid", "A1", strip(0, 1), "C"),                                   # unchanged
        ("grid", "A2", strip(1, 2), "C"),                                   # renamed below
        ("grid", "R3", strip(2, 3), "C"),                                   # recoded
        ("grid", "B4a", strip(3, 3.5), "C"), ("grid", "B4b", strip(3.5, 4), "C"),   # A4 split
        ("grid", "M56", strip(4, 6), "C"),                                  # A5 and A6 merged
        ("grid", "A7", strip(6, 7.3), "C"),                                 # reshaped (grew by 30 %)
        ("grid", "N9", strip(9, 10), "C"),                                  # new; A8 removed
    ], activate=False)
    conn.execute(sa.text("UPDATE area SET name = '新名' WHERE generation_id = :g AND code = 'A2'"), {"g": after})
    return before, after


def test_each_area_gets_its_class_and_the_result_is_stored(conn):
    before, after = redraw(conn)
    result = diff(conn, after, before)
    assert {k: v for k, v in result.classes.items() if v} == {
        "unchanged": 2, "renamed": 1, "recoded": 1, "reshaped": 1, "split": 2, "merged": 1, "new": 1, "removed": 1}
    stored = {r[0]: (r[1], r[2]) for r in conn.execute(sa.text("""
        SELECT coalesce(n.code, o.code), c.class, string_agg(o.code, ',' ORDER BY o.code)
        FROM area_change c LEFT JOIN area n ON n.id = c.area_id LEFT JOIN area o ON o.id = c.previous_id
        WHERE c.generation_id = :a AND c.against_id = :b GROUP BY 1, 2"""), {"a": after, "b": before})}
    assert stored["M56"] == ("merged", "A5,A6") and stored["B4a"] == ("split", "A4") == stored["B4b"]
    assert stored["R3"] == ("recoded", "A3") and stored["A2"] == ("renamed", "A2")
    assert stored["A7"] == ("reshaped", "A7") and stored["N9"] == ("new", None) and stored["A8"] == ("removed", "A8")
    assert stored["C"] == ("unchanged", "C")
    drawn = {f["properties"]["code"]: f["properties"]["class"] for f in changed_areas(conn, after, before)["features"]}
    assert drawn == {"A2": "renamed", "R3": "recoded", "A7": "reshaped", "B4a": "split", "B4b": "split",
                     "M56": "merged", "N9": "new", "A8": "removed"}
    diff(conn, after, before)   # again: replaces the stored result, never adds to it
    assert conn.scalar(sa.text("SELECT count(*) FROM area_change WHERE generation_id = :a"), {"a": after}) == \
        len(stored) + 1   # M56 has two rows


def test_the_impact_lists_exactly_the_open_cases_whose_owner_changes_and_the_people_moved(conn):
    before, after = redraw(conn)
    cases = {x: insert_point(conn, x, 0.5)["id"] for x in (0.5, 2.5, 3.2, 3.7, 4.5, 6.5, 7.5)}
    result = diff(conn, after, before)
    moved = {m["id"]: (m["from_code"], m["to_code"]) for m in result.moved("case")}
    # an owner is its area's path of codes: renamed A2 and reshaped A7 keep theirs, recoded A3 does not
    assert moved == {cases[2.5]: ("A3", "R3"), cases[3.2]: ("A4", "B4a"), cases[3.7]: ("A4", "B4b"),
                     cases[4.5]: ("A5", "M56"), cases[7.5]: ("A8", None)}
    # A3 recoded, A4 split, A5 and A6 merged, A8 removed: 1,000 people each (A7 grew; its people stay)
    assert result.population_moved == 5000


def test_a_fresh_copy_differs_in_nothing(conn):
    draft = new_draft(conn)
    result = diff(conn, draft)
    assert result.against == conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    assert {k for k, v in result.classes.items() if v} == {"unchanged"} and result.moves == []
    assert result.population_moved == 0
