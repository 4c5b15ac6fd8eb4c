"""The bulk path (incident_intake) against one report at a time (the row triggers): same answers.

Every intake rule is written twice, once per row for the API and once set-based for COPY
(core/sql/45_intake_batch.sql), so these tests hold the two to each other column by column.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import sqlalchemy as sa

from gisapp.cases import bulk

COLUMNS = ("status", "generation_id", "district_id", "street_id", "community_id", "grid_id", "micro_grid_id",
           "owner_level", "accept_due", "handle_due", "close_due", "input_crs", "input_lon", "input_lat",
           "building_id", "urgent", "reported_at", "source", "category", "description", "version")
FIELDS = ("client_ref", "category", "input_lon", "input_lat", "input_crs", "building_id", "urgent", "reported_at")


def _reports(conn) -> list[dict]:
    """Reports that exercise every rule: edges, snapping, buildings, CRSes, urgent and auto-level
    categories, holidays, weekends, the edges of the working day, years past the calendar, duplicates."""
    q = lambda s: conn.execute(sa.text(s)).one()  # noqa: E731
    inside = q("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM area a JOIN generation g "
               "ON g.id = a.generation_id AND g.state = 'active' WHERE level = 'micro_grid' ORDER BY code LIMIT 1) x")
    vertex = q("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 2) p "
               "FROM area a JOIN generation g ON g.id = a.generation_id AND g.state = 'active' "
               "WHERE level = 'micro_grid' ORDER BY code OFFSET 5 LIMIT 1) x")
    west = q("SELECT ST_XMin(geom) - 0.0002, ST_Y(ST_PointOnSurface(geom)) FROM area a JOIN generation g "
             "ON g.id = a.generation_id AND g.state = 'active' WHERE level = 'district' LIMIT 1")
    west_y = q("SELECT ST_Y(p) FROM (SELECT (ST_DumpPoints(geom)).geom p FROM area a JOIN generation g "
               "ON g.id = a.generation_id AND g.state = 'active' WHERE level = 'district') x "
               "ORDER BY ST_X(p) LIMIT 1")[0]
    building = q("SELECT id FROM building ORDER BY id LIMIT 1")[0]
    x, y = inside
    rows = [
        dict(category="other", input_lon=x, input_lat=y, reported_at="2026-10-09 10:00+08"),
        dict(category="road", input_lon=vertex[0], input_lat=vertex[1], reported_at="2026-10-01 08:00+08"),
        dict(category="other", input_lon=west[0], input_lat=west_y, reported_at="2026-11-07 16:59+08"),  # snaps
        dict(category="other", input_lon=10.0, input_lat=10.0, reported_at="2026-11-09 17:00+08"),     # unlocated
        dict(category="sanitation", building_id=building, reported_at="2026-11-10 12:30+08"),           # QR flow
        dict(category="power", input_lon=x + 0.003, input_lat=y, reported_at="2026-11-11 23:00+08"),    # auto level
        dict(category="safety_hazard", input_lon=x, input_lat=y + 0.002, urgent=True,
             reported_at="2027-02-05 15:00+08"),                                                         # urgent
        dict(category="other", input_lon=x + 0.001, input_lat=y + 0.001, reported_at="2027-02-05 15:00+08"),
        dict(category="other", input_lon=x - 0.001, input_lat=y, reported_at="2035-06-01 09:00+08"),    # past calendar
        dict(category="other", input_lon=x + 0.0045, input_lat=y + 0.0025, input_crs="gcj02",
             reported_at="2026-12-24 18:00+08"),
        # Repeats: a second report of the same thing 15 m and an hour away; another category is not one.
        dict(category="other", input_lon=x + 0.0001, input_lat=y + 0.0001, reported_at="2026-10-09 11:00+08"),
        dict(category="road", input_lon=x + 0.0001, input_lat=y, reported_at="2026-10-09 11:30+08"),
        dict(category="other", input_lon=x + 0.0002, input_lat=y, reported_at="2026-10-09 12:00+08"),
        dict(category="power", input_lon=x + 0.0032, input_lat=y, reported_at="2026-11-11 23:30+08"),
    ]
    for n, row in enumerate(rows):
        row.setdefault("input_crs", "wgs84")
        row.setdefault("urgent", False)
        row.setdefault("input_lon", None)
        row.setdefault("input_lat", None)
        row.setdefault("building_id", None)
        row["client_ref"] = f"bulk-{n}"
    return rows


INSERT = ("INSERT INTO {table} (" + ", ".join(FIELDS) + ") VALUES ("
          + ", ".join(f":{f}" for f in FIELDS) + ")")
READ = sa.text(f"""
    SELECT i.client_ref, {', '.join('i.' + c for c in COLUMNS)}, i.snapped_m, ST_AsText(i.geom) AS geom,
           d.client_ref AS duplicate_ref, e.actor, e.action, e.from_status, e.to_status, e.data, e.n AS events
    FROM incident i
    LEFT JOIN incident d ON d.id = i.possible_duplicate_of
    LEFT JOIN LATERAL (SELECT min(actor) actor, min(action) action, min(from_status) from_status,
                              min(to_status) to_status, min(data::text) data, count(*) n
                       FROM incident_event WHERE incident_id = i.id) e ON true
    WHERE i.client_ref LIKE 'bulk-%' ORDER BY i.client_ref""")


def _as_one_statement(conn, rows: list[dict]) -> None:
    values = ", ".join("(" + ", ".join(f":{f}{n}" for f in FIELDS) + ")" for n in range(len(rows)))
    params = {f"{f}{n}": row[f] for n, row in enumerate(rows) for f in FIELDS}
    conn.execute(sa.text(f"INSERT INTO incident_intake ({', '.join(FIELDS)}) VALUES {values}"), params)


def _same(a: dict, b: dict) -> list[str]:
    wrong = []
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, float) and isinstance(y, float):
            if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6):
                wrong.append(f"{key}: {x} != {y}")
        elif key == "data":
            if x.replace(str(a.get("id", "")), "") != y.replace(str(b.get("id", "")), ""):
                wrong.append(f"{key}: {x} != {y}")
        elif x != y:
            wrong.append(f"{key}: {x!r} != {y!r}")
    return wrong


def test_one_intake_statement_gives_what_one_report_at_a_time_gives(conn):
    rows = _reports(conn)
    conn.execute(sa.text("SELECT set_config('gisapp.actor', 'import', true)"))
    saved = conn.begin_nested()
    for row in rows:
        conn.execute(sa.text(INSERT.format(table="incident")), row)
    one_by_one = [dict(r) for r in conn.execute(READ).mappings()]
    saved.rollback()
    _as_one_statement(conn, rows)
    batch = [dict(r) for r in conn.execute(READ).mappings()]

    assert [r["client_ref"] for r in batch] == [r["client_ref"] for r in one_by_one] and len(batch) == len(rows)
    wrong = {a["client_ref"]: _same(a, b) for a, b in zip(one_by_one, batch)}
    assert not any(wrong.values()), wrong
    # The rows really cover the rules they are meant to.
    by_ref = {r["client_ref"]: r for r in batch}
    assert by_ref["bulk-2"]["snapped_m"] is not None and by_ref["bulk-3"]["status"] == "unlocated"
    assert by_ref["bulk-4"]["building_id"] is not None and by_ref["bulk-4"]["micro_grid_id"] is not None
    assert by_ref["bulk-5"]["owner_level"] == "street"
    assert by_ref["bulk-12"]["duplicate_ref"] == "bulk-10" and by_ref["bulk-11"]["duplicate_ref"] is None
    assert by_ref["bulk-13"]["duplicate_ref"] == "bulk-5"
    assert all(r["events"] == 1 and r["actor"] == "import" and r["action"] == "report" for r in batch)


def test_the_row_triggers_stand_aside_and_the_batch_runs_once_per_statement(owner_conn):
    owner_conn.execute(sa.text("SET LOCAL track_functions = 'pl'"))
    rows = _reports(owner_conn)
    _as_one_statement(owner_conn, rows[:5])
    _as_one_statement(owner_conn, [dict(r, client_ref=r["client_ref"] + "b") for r in rows[:5]])
    calls = dict(owner_conn.execute(sa.text(
        "SELECT funcname, calls FROM pg_stat_xact_user_functions WHERE funcname IN "
        "('gisapp_intake_batch', 'gisapp_incident_assign', 'gisapp_incident_plan', 'gisapp_incident_log', "
        " 'gisapp_event_notify', 'gisapp_event_stamp')")).all())
    assert calls == {"gisapp_intake_batch": 2}
    assert owner_conn.scalar(sa.text("SELECT count(*) FROM incident_intake")) == 0
    assert owner_conn.scalar(sa.text(
        "SELECT count(*) FROM intake_batch WHERE txid = txid_current() AND inserted = 5")) == 2


def test_the_switch_does_nothing_outside_a_trigger(conn):
    """A writer that sets gisapp.intake itself still goes through every row rule."""
    conn.execute(sa.text("SELECT set_config('gisapp.intake', 'on', true)"))
    row = dict(_reports(conn)[0])
    conn.execute(sa.text(INSERT.format(table="incident")), row)
    got = conn.execute(sa.text("SELECT micro_grid_id, accept_due, (SELECT count(*) FROM incident_event e "
                               "WHERE e.incident_id = i.id) FROM incident i WHERE client_ref = 'bulk-0'")).one()
    assert got[0] is not None and got[1] is not None and got[2] == 1


def test_a_reference_is_stored_once_across_and_within_statements(conn):
    rows = _reports(conn)[:3]
    _as_one_statement(conn, rows + [dict(rows[0], category="road")])
    _as_one_statement(conn, rows)
    assert conn.scalar(sa.text("SELECT count(*) FROM incident WHERE client_ref LIKE 'bulk-%'")) == 3
    assert conn.execute(sa.text("SELECT rows, inserted FROM intake_batch WHERE txid = txid_current() "
                                "ORDER BY id")).all() == [(4, 3), (3, 0)]
    assert conn.scalar(sa.text("SELECT category FROM incident WHERE client_ref = 'bulk-0'")) == "other"


def test_a_bad_row_stores_nothing_of_its_statement(conn):
    rows = _reports(conn)[:3]
    before = conn.scalar(sa.text("SELECT count(*) FROM incident"))
    saved = conn.begin_nested()
    with pytest.raises(sa.exc.IntegrityError, match="incident_category_fkey"):
        _as_one_statement(conn, rows + [dict(rows[0], client_ref="bulk-x", category="no_such_category")])
    saved.rollback()
    assert conn.scalar(sa.text("SELECT count(*) FROM incident")) == before


def test_import_csv_summarises_its_own_batches(conn, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("ref,lon,lat,kind\nr1,121.50,31.235,road\nr2,121.50,31.235,road\nr3,10,10,other\n"
                    "r4,,,other\n", encoding="utf-8")
    args = dict(lon_field="lon", lat_field="lat", ref_field="ref", category_field="kind")
    first = bulk.import_csv(conn, path, **args)
    again = bulk.import_csv(conn, path, **args)
    assert (first.inserted, first.assigned, first.unlocated, first.duplicates, len(first.rejected)) == (3, 2, 1, 1, 1)
    assert (again.inserted, again.already_present) == (0, 3)


def test_times_are_read_as_a_column_with_their_offsets_or_in_the_given_zone():
    cells = pd.Series(["2026-10-01 08:00", "2026-10-01T08:00:00+08:00", "2026-10-01T00:00:00Z", "",
                       "yesterday", "2026-13-45", None, " 2026-10-01 08:00:30 "])
    got = bulk.parse_times(cells, "Asia/Shanghai")
    assert [pd.Timestamp(t).tz_convert("UTC").isoformat() for t in got[:3]] == ["2026-10-01T00:00:00+00:00"] * 3
    assert got[3] is None and got[6] is None
    assert got[4] is bulk.BAD_TIME and got[5] is bulk.BAD_TIME
    assert got[7] == "2026-10-01T08:00:30+08:00"
