"""A generation's life: drafts copied with lineage, frozen once live for every writer, versions that count up."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gisapp.boundaries.generations import new_draft

MICRO = "SELECT id FROM area WHERE generation_id = :g AND level = 'micro_grid' ORDER BY code LIMIT 1"


def refused(conn, statement: str, **params) -> str:
    with pytest.raises(sa.exc.DBAPIError) as caught, conn.begin_nested():
        conn.execute(sa.text(statement), params)
    return str(caught.value.orig)


def test_a_draft_is_a_copy_whose_areas_know_where_they_came_from(conn):
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    draft = new_draft(conn, description="split the busiest grid")
    row = conn.execute(sa.text("SELECT state, based_on, description FROM generation WHERE id = :g"),
                       {"g": draft}).one()
    assert tuple(row) == ("draft", active, "split the busiest grid")
    mismatched = conn.scalar(sa.text("""
        SELECT count(*) FROM area n
        LEFT JOIN area o ON o.id = n.origin_id AND o.generation_id = :a
        LEFT JOIN area np ON np.id = n.parent_id
        WHERE n.generation_id = :d
          AND (o.id IS NULL OR o.code <> n.code OR o.level <> n.level OR NOT ST_Equals(o.geom, n.geom)
               OR o.population IS DISTINCT FROM n.population
               OR np.origin_id IS DISTINCT FROM o.parent_id OR np.generation_id <> :d)"""),
        {"a": active, "d": draft})
    counts = conn.execute(sa.text("SELECT count(*) FILTER (WHERE generation_id = :a), "
                                  "count(*) FILTER (WHERE generation_id = :d) FROM area"),
                          {"a": active, "d": draft}).one()
    assert mismatched == 0 and counts[0] == counts[1] > 300
    pieces = conn.scalar(sa.text("SELECT count(*) FROM area_piece WHERE generation_id = :d"), {"d": draft})
    assert pieces >= counts[1], "the copy has its own lookup pieces"


@pytest.mark.parametrize("change", [
    "geom = ST_Multi(ST_Buffer(geom, 0.0001))", "code = code || 'X'", "parent_id = NULL", "level = 'grid'"])
def test_a_live_generation_cannot_be_reshaped_by_any_writer(conn, owner_conn, change):
    """The app's role and the owner (what QGIS or psql may log in as) are refused alike."""
    for c in (conn, owner_conn):
        active = c.scalar(sa.text("SELECT gisapp_active_generation()"))
        area = c.scalar(sa.text(MICRO), {"g": active})
        error = refused(c, f"UPDATE area SET {change} WHERE id = :a", a=area)
        assert "change boundaries in a draft" in error and '"reason": "area_frozen"' in error


def test_areas_are_not_added_to_or_removed_from_a_live_generation_but_names_may_change(conn):
    active = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    area = conn.scalar(sa.text(MICRO), {"g": active})
    assert "area_frozen" in refused(conn, "DELETE FROM area WHERE id = :a", a=area)
    assert "area_frozen" in refused(conn, """INSERT INTO area (generation_id, level, code, name, geom)
        SELECT generation_id, level, code || 'N', name, geom FROM area WHERE id = :a""", a=area)
    version = conn.scalar(sa.text("SELECT version FROM area WHERE id = :a"), {"a": area})
    conn.execute(sa.text("UPDATE area SET name = '新名字', population = 7, responsible_name = '李四' WHERE id = :a"),
                 {"a": area})
    assert conn.scalar(sa.text("SELECT version FROM area WHERE id = :a"), {"a": area}) == version + 1


def test_a_draft_is_edited_freely_and_is_frozen_once_activated_and_after_it_retires(conn):
    old = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    draft = new_draft(conn)
    area = conn.scalar(sa.text(MICRO), {"g": draft})
    conn.execute(sa.text("UPDATE area SET geom = ST_Multi(ST_Buffer(geom, -0.00001)) WHERE id = :a"), {"a": area})
    assert conn.scalar(sa.text("SELECT version FROM area WHERE id = :a"), {"a": area}) == 2
    conn.execute(sa.text("SELECT gisapp_activate_generation(:g)"), {"g": draft})
    assert "is active" in refused(conn, "UPDATE area SET code = 'X' WHERE id = :a", a=area)
    retired = conn.scalar(sa.text(MICRO), {"g": old})
    assert "is retired" in refused(conn, "UPDATE area SET geom = ST_Multi(ST_Buffer(geom, 0.0001)) WHERE id = :a",
                                   a=retired)
    # moving an area out of a live generation into a draft is a change to the live one
    another = new_draft(conn)
    assert "area_frozen" in refused(conn, "UPDATE area SET generation_id = :d, parent_id = NULL WHERE id = :a",
                                    d=another, a=area)


def test_a_whole_generation_can_still_be_deleted(conn):
    draft = new_draft(conn)
    conn.execute(sa.text("SELECT gisapp_activate_generation(:g)"), {"g": draft})
    retired = conn.scalar(sa.text("SELECT max(id) FROM generation WHERE state = 'retired'"))
    conn.execute(sa.text("UPDATE incident SET generation_id = NULL, district_id = NULL, street_id = NULL, "
                         "community_id = NULL, grid_id = NULL, micro_grid_id = NULL WHERE generation_id = :g"),
                 {"g": retired})
    conn.execute(sa.text("DELETE FROM generation WHERE id = :g"), {"g": retired})
    assert conn.scalar(sa.text("SELECT count(*) FROM area WHERE generation_id = :g"), {"g": retired}) == 0


def test_rolling_back_is_activating_the_older_generation_again(conn):
    from gisapp.boundaries.generations import activate
    old = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    homes = dict(conn.execute(sa.text("""SELECT i.id, m.code FROM incident i JOIN case_status s ON s.code = i.status
        AND s.open JOIN area m ON m.id = i.micro_grid_id""")).all())
    draft = new_draft(conn)
    activate(conn, draft)
    activate(conn, old)                       # the retired generation goes live again, validated like any other
    states = dict(conn.execute(sa.text("SELECT id, state FROM generation WHERE id IN (:o, :d)"),
                               {"o": old, "d": draft}).all())
    assert states == {old: "active", draft: "retired"}
    back = dict(conn.execute(sa.text("""SELECT i.id, m.code FROM incident i JOIN case_status s ON s.code = i.status
        AND s.open JOIN area m ON m.id = i.micro_grid_id AND m.generation_id = :o"""), {"o": old}).all())
    assert back == homes, "every open case is back in its micro-grid of the old generation"
