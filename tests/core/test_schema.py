"""Rules the database enforces for every client, QGIS included."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from geoalchemy2 import alembic_helpers

from fixtures.worlds import new_generation, square
from gisapp.core.schema import metadata


def fails(conn, statement: str, **params) -> str:
    """Run a statement that must be refused; returns the error text (the test rolls back)."""
    with pytest.raises(sa.exc.DBAPIError) as info:
        with conn.begin_nested():
            conn.execute(sa.text(statement), params)
    return str(info.value.orig)


def test_only_one_generation_can_be_active(conn):
    gen = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    conn.execute(sa.text("INSERT INTO generation (id) VALUES (:g)"), {"g": gen + 1})
    assert "generation_one_active" in fails(conn, "UPDATE generation SET state = 'active' WHERE id = :g", g=gen + 1)


def test_the_active_generation_cannot_just_be_retired(conn):
    error = fails(conn, "UPDATE generation SET state = 'retired'; SET CONSTRAINTS ALL IMMEDIATE")
    assert "exactly one generation must be active" in error


def test_parent_must_be_a_higher_level_in_the_same_generation(conn):
    gen = new_generation(conn, [("grid", "G", square(0, 0, 1, 1), None)], activate=False)
    error = fails(conn, """INSERT INTO area (generation_id, level, code, name, parent_id, geom)
        VALUES (:g, 'community', 'X', 'x', (SELECT id FROM area WHERE generation_id = :g AND code = 'G'),
                ST_GeomFromText(:w, 4326))""", g=gen, w=square(0, 0, 1, 1))
    assert "not above it" in error


def test_codes_are_unique_within_a_generation_only(conn):
    gen = new_generation(conn, [("grid", "SAME", square(0, 0, 1, 1), None)], activate=False)
    assert "area_code_unique" in fails(conn, """INSERT INTO area (generation_id, level, code, name, geom)
        VALUES (:g, 'grid', 'SAME', 'x', ST_GeomFromText(:w, 4326))""", g=gen, w=square(0, 0, 1, 1))
    new_generation(conn, [("grid", "SAME", square(0, 0, 1, 1), None)], activate=False)  # another one: fine


def test_invalid_geometry_and_wrong_srid_are_refused(conn):
    gen = new_generation(conn, [], activate=False)
    bowtie = "MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))"
    assert "area_geom_valid" in fails(conn, """INSERT INTO area (generation_id, level, code, name, geom)
        VALUES (:g, 'grid', 'B', 'b', ST_GeomFromText(:w, 4326))""", g=gen, w=bowtie)
    assert "SRID" in fails(conn, """INSERT INTO area (generation_id, level, code, name, geom)
        VALUES (:g, 'grid', 'S', 's', ST_GeomFromText(:w, 3857))""", g=gen, w=square(0, 0, 1, 1))


def test_area_pieces_follow_the_area(conn):
    zigzag = ",".join(f"{(300 - i) / 100} {0.9 + abs(i % 20 - 10) / 100}" for i in range(1, 300))
    big = f"MULTIPOLYGON(((0 0,3 0,3 1,{zigzag},0 1,0 0)))"  # 300+ vertices: several pieces
    gen = new_generation(conn, [("grid", "BIG", big, None)], activate=False)
    area_id = conn.scalar(sa.text("SELECT id FROM area WHERE generation_id = :g"), {"g": gen})
    pieces = conn.execute(sa.text("SELECT count(*), max(ST_NPoints(geom)) FROM area_piece WHERE area_id = :a"),
                          {"a": area_id}).one()
    assert pieces[0] > 1 and pieces[1] <= 64
    conn.execute(sa.text("UPDATE area SET geom = ST_GeomFromText(:w, 4326) WHERE id = :a"),
                 {"w": square(0, 0, 1, 1), "a": area_id})
    assert conn.scalar(sa.text("SELECT count(*) FROM area_piece WHERE area_id = :a"), {"a": area_id}) == 1
    # each piece carries its area's tie-break rank (m², then code), and follows a new code
    conn.execute(sa.text("UPDATE area SET code = 'BIGGER' WHERE id = :a"), {"a": area_id})
    ranks = conn.execute(sa.text("""SELECT DISTINCT p.rank = gisapp_area_rank(a.area_m2, a.code), p.rank
                                    FROM area_piece p JOIN area a ON a.id = p.area_id WHERE a.id = :a"""),
                         {"a": area_id}).all()
    assert len(ranks) == 1 and ranks[0][0] and ranks[0][1].endswith(" BIGGER")


@pytest.mark.parametrize("table", ["incident_event", "audit_log"])
def test_history_and_audit_are_append_only_even_for_the_owner(owner_conn, table):
    owner_conn.execute(sa.text("INSERT INTO audit_log (actor, action) VALUES ('test', 'test.row')"))
    row_id = owner_conn.scalar(sa.text(f"SELECT min(id) FROM {table}"))
    column = "note" if table == "incident_event" else "target"
    assert "append-only" in fails(owner_conn, f"UPDATE {table} SET {column} = 'x' WHERE id = :i", i=row_id)
    assert "append-only" in fails(owner_conn, f"DELETE FROM {table} WHERE id = :i", i=row_id)
    assert "append-only" in fails(owner_conn, f"TRUNCATE {table} CASCADE")


@pytest.mark.parametrize("table", ["incident_event", "attachment", "audit_log"])
def test_the_apps_role_may_add_history_but_never_rewrite_it(conn, table):
    """Grants, below the triggers: the app's login cannot even reach them (nor disable them)."""
    assert conn.scalar(sa.text("SELECT current_user")) == "gisapp_app"
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table}",
                      f"ALTER TABLE {table} DISABLE TRIGGER USER"):
        error = fails(conn, statement)
        assert "permission denied" in error or "must be owner" in error, (statement, error)
    assert conn.scalar(sa.text(f"SELECT has_table_privilege('{table}', 'INSERT')"))


def test_boundary_changes_are_audited_for_every_writer(conn):
    before = conn.scalar(sa.text("SELECT coalesce(max(id), 0) FROM audit_log"))
    conn.execute(sa.text("SELECT set_config('gisapp.ip', '10.1.2.3', true)"))
    gen = new_generation(conn, [], activate=False)
    conn.execute(sa.text("""INSERT INTO area (generation_id, level, code, name, geom)
        VALUES (:g, 'grid', 'AUD1', 'a', ST_GeomFromText(:a, 4326)),
               (:g, 'grid', 'AUD2', 'b', ST_GeomFromText(:b, 4326))"""),
                 {"g": gen, "a": square(0, 0, 1, 1), "b": square(1, 0, 2, 1)})
    conn.execute(sa.text("DELETE FROM area WHERE code = 'AUD2'"))
    rows = conn.execute(sa.text("SELECT actor, action, detail, host(ip) AS ip FROM audit_log WHERE id > :b "
                                "ORDER BY id"), {"b": before}).mappings().all()
    actions = [r["action"] for r in rows]
    assert actions[0] == "boundary.generation_create"
    assert "boundary.area_insert" in actions and actions[-1] == "boundary.area_delete"
    inserted = next(r for r in rows if r["action"] == "boundary.area_insert")
    assert inserted["detail"]["count"] == 2 and sorted(inserted["detail"]["codes"]) == ["AUD1", "AUD2"]
    assert rows[-1]["detail"]["codes"] == ["AUD2"]
    assert {r["actor"] for r in rows} == {"db:gisapp_app"} and {r["ip"] for r in rows} == {"10.1.2.3"}


def test_every_change_writes_an_event_and_bumps_the_version(conn):
    incident = conn.scalar(sa.text("SELECT min(id) FROM incident WHERE status = 'assigned'"))
    before = conn.scalar(sa.text("SELECT count(*) FROM incident_event WHERE incident_id = :i"), {"i": incident})
    conn.execute(sa.text("UPDATE incident SET description = 'changed' WHERE id = :i"), {"i": incident})
    conn.execute(sa.text("UPDATE incident SET description = 'changed' WHERE id = :i"), {"i": incident})  # no-op
    after = conn.execute(sa.text("SELECT count(*), max(data::text) FILTER (WHERE action = 'update') "
                                 "FROM incident_event WHERE incident_id = :i"), {"i": incident}).one()
    assert after[0] == before + 1 and '"description": "changed"' in after[1]


def test_lonlat_out_of_range_is_refused_by_the_database(conn):
    assert "incident_lonlat_range" in fails(
        conn, "INSERT INTO incident (category, geom) VALUES ('other', ST_SetSRID(ST_MakePoint(200, 0), 4326))")


def test_models_match_the_migrated_schema(conn):
    ctx = MigrationContext.configure(conn, opts={"include_object": alembic_helpers.include_object,
                                                 "compare_type": False})
    diff = [d for d in compare_metadata(ctx, metadata)
            if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index"))]
    assert diff == []


def test_each_event_is_notified_once_on_commit(database_url):
    """NOTIFY is only sent on commit, so this test commits its own report (the test database is rebuilt per run)."""
    import json

    import psycopg

    from gisapp.core.db import get_engine
    from gisapp.core.settings import sqlalchemy_url
    dsn = sqlalchemy_url(database_url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute("LISTEN gisapp_incident")
        with get_engine(database_url).begin() as writer:
            case = writer.scalar(sa.text("INSERT INTO incident (client_ref, category, geom) VALUES "
                                         "('notify-test', 'other', ST_SetSRID(ST_MakePoint(121.5, 31.24), 4326)) "
                                         "RETURNING id"))
        got = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=5)]
    mine = [g for g in got if g["incident_id"] == case]
    assert len(mine) == 1 and mine[0]["action"] == "report" and mine[0]["event_id"]
