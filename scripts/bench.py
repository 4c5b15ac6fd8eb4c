"""`make bench`: the write path at city scale, each figure as a ratio against a baseline measured in the same run.

Uses a scratch database `<DATABASE_URL's db>_bench`, kept between runs (BENCH_REBUILD=1), holding the synthetic city
(`gisapp demo generate --scale city`, or BENCH_SCALE=town for a quick look) and New York's community
districts in a draft generation. Rows:
- point lookup through the ST_Subdivide pieces vs ST_Covers on the whole polygons (NYC's detailed districts),
  timed in the server;
- one INSERT with every rule (assignment, owner level, deadlines, duplicate hint, event) vs the same
  INSERT into a copy of the table without triggers or constraints;
- bulk import (`gisapp reports import`'s path: parse, check, COPY into incident_intake, rules set-based)
  vs a raw COPY plus one set-based assignment join into a plain table;
- activation re-homing every open case, building and checkpoint vs one plain UPDATE of the same cases.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
import sqlalchemy as sa

from gisapp.boundaries.importer import import_areas
from gisapp.cases import bulk
from gisapp.core import migrate
from gisapp.core.db import drop_database, get_engine
from gisapp.core.settings import database_name, get_settings, with_database
from gisapp.demo.city import generate
from gisapp.demo.synthetic_areas import SCALES
from gisapp.demo.synthetic_cases import report_frame

ROOT = Path(__file__).resolve().parents[1]
NYC = ROOT / "tests" / "data" / "nyc311"
SCALE = os.environ.get("BENCH_SCALE", "city")   # town: a quick look
# The city is kept between runs (BENCH_REBUILD=1 builds it again); BENCH_ROWS: rows for the bulk import.


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def vacuum(engine) -> None:
    """Clear the dead rows a rolled-back step leaves, so the next step is not measured walking them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM (ANALYZE) incident, incident_event, building, checkpoint, area, area_piece"))


def lookup(engine, rows: list) -> None:
    """Timed in the server, one lookup per statement as the intake trigger makes it: a client's round
    trip (about 130 µs here) would hide both. The whole-polygon query runs in a plpgsql function too, so
    both pay the same call and plan-cache costs."""
    with engine.connect() as conn:
        vertices = conn.scalar(sa.text("SELECT avg(ST_NPoints(geom))::int FROM area WHERE generation_id = 2"))
        conn.execute(sa.text("""
            CREATE TEMP TABLE pts AS SELECT p.geom
            FROM area, ST_Dump(ST_GeneratePoints(ST_Envelope(geom), 10, 7)) p WHERE generation_id = 2 LIMIT 500"""))
        conn.execute(sa.text("""
            CREATE FUNCTION pg_temp.by_whole(pt geometry, gen integer) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE hit bigint;
            BEGIN
                SELECT id INTO hit FROM area WHERE generation_id = gen AND ST_Covers(geom, pt)
                ORDER BY level DESC, area_m2, code LIMIT 1;
                RETURN hit;
            END $$"""))
        n = conn.scalar(sa.text("SELECT count(*) FROM pts"))
        by_pieces = sa.text("SELECT count(gisapp_locate(geom, 2)) FROM pts")
        by_whole = sa.text("SELECT count(pg_temp.by_whole(geom, 2)) FROM pts")
        t_pieces = timed(lambda: conn.execute(by_pieces), 9)
        t_whole = timed(lambda: conn.execute(by_whole), 9)
        conn.rollback()
    rows.append((f"lookup, NYC ({vertices} vertices/area), µs", statistics.median(t_pieces) / n * 1e6,
                 "whole polygons, µs", statistics.median(t_whole) / n * 1e6))


def single_insert(engine, rows: list) -> None:
    """One report at a time, each at its own place (as reports come), the same places for both."""
    with engine.connect() as conn:
        pts = conn.execute(sa.text("""SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM area
                                      WHERE generation_id = 1 AND level = 'micro_grid'
                                      ORDER BY md5(code) LIMIT 300) s""")).all()
        conn.execute(sa.text("CREATE TEMP TABLE plain (LIKE incident INCLUDING DEFAULTS)"))
        ins = sa.text("INSERT INTO incident (category, input_lon, input_lat) VALUES ('other', :x, :y)")
        ins_plain = sa.text("INSERT INTO plain (id, category, input_lon, input_lat, geom) VALUES "
                            "(nextval('incident_id_seq'), 'other', :x, :y, ST_SetSRID(ST_MakePoint(:x, :y), 4326))")
        conn.execute(ins, {"x": pts[0][0], "y": pts[0][1]})    # each plan cached before timing
        conn.execute(ins_plain, {"x": pts[0][0], "y": pts[0][1]})
        t_ins, t_plain = [], []
        for stmt, out in ((ins, t_ins), (ins_plain, t_plain)):
            for x, y in pts:
                t = time.perf_counter()
                conn.execute(stmt, {"x": x, "y": y})
                out.append(time.perf_counter() - t)
        conn.rollback()
    rows.append(("INSERT with every rule + event, µs", statistics.median(t_ins) * 1e6,
                 "INSERT, no triggers, µs", statistics.median(t_plain) * 1e6))


def bulk_import(engine, rows: list, n: int) -> None:
    with engine.connect() as conn:
        district = conn.scalar(sa.text(
            "SELECT ST_AsBinary(geom) FROM area WHERE generation_id = 1 AND level = 'district'"))
        frame = report_frame(conn, SCALES[SCALE], shapely.from_wkb(district), 99, np.random.default_rng(99), n)
        frame = frame[frame["input_lon"].notna()].drop(columns=["building_id"])   # the QR flow has no point
        n = len(frame)
        conn.rollback()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reports.csv"
        frame.rename(columns={"input_lon": "lon", "input_lat": "lat"}).to_csv(path, index=False)
        with engine.connect() as conn:
            t0 = time.perf_counter()
            summary = bulk.import_csv(conn, path, lon_field="lon", lat_field="lat", ref_field="client_ref",
                                      category_field="category", description_field="description",
                                      time_field="reported_at")
            t_bulk = time.perf_counter() - t0
            conn.rollback()
        vacuum(engine)
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            t0 = time.perf_counter()
            conn.execute(sa.text("CREATE TEMP TABLE staging (client_ref text, category text, description text, "
                                 "source text, lon float8, lat float8, reported_at timestamptz, "
                                 "logged_at timestamptz)"))
            with raw.cursor() as cur, path.open("rb") as f, cur.copy(
                    "COPY staging FROM STDIN WITH (FORMAT csv, HEADER)") as copy:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
            conn.execute(sa.text("CREATE TEMP TABLE plain (LIKE incident INCLUDING DEFAULTS)"))
            conn.execute(sa.text("""
                INSERT INTO plain (id, client_ref, category, description, geom, reported_at, micro_grid_id)
                SELECT nextval('incident_id_seq'), s.client_ref, s.category, s.description, s.pt, s.reported_at,
                       (SELECT p.area_id FROM area_piece p WHERE p.generation_id = 1 AND ST_Covers(p.geom, s.pt)
                        ORDER BY p.level DESC LIMIT 1)
                FROM (SELECT *, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt FROM staging) s"""))
            t_raw = time.perf_counter() - t0
            conn.rollback()
    rows.append((f"bulk import of {n:,} rows, rows/s", summary.inserted / t_bulk,
                 "raw COPY + join, rows/s", n / t_raw))


def activation(engine, rows: list) -> None:
    with engine.connect() as conn:
        # The same areas again under new ids (a draft copied from the live one), as a redraw that changes
        # nothing on the ground would: every open case moves to new ids, none changes owner.
        draft = conn.scalar(sa.text("SELECT gisapp_generation_copy(1, 'bench: a copy')"))
        open_cases = conn.scalar(sa.text("SELECT count(*) FROM incident i JOIN case_status s ON s.code = i.status "
                                         "AND s.open"))
        counts = conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM building), (SELECT count(*) FROM checkpoint)")).one()
        conn.execute(sa.text("ANALYZE area"))
        conn.execute(sa.text("SAVEPOINT before"))
        t0 = time.perf_counter()
        moved = conn.scalar(sa.text("SELECT gisapp_activate_generation(:d)"), {"d": draft})
        t_activate = time.perf_counter() - t0
        conn.execute(sa.text("ROLLBACK TO SAVEPOINT before"))
        t0 = time.perf_counter()
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))   # the floor: no rule, no trigger
        conn.execute(sa.text("""UPDATE incident i SET generation_id = :d, micro_grid_id = m.id
                                FROM area o JOIN area m ON m.generation_id = :d AND m.code = o.code
                                WHERE o.generation_id = 1 AND o.id = i.micro_grid_id AND i.status IN
                                      (SELECT code FROM case_status WHERE open)"""), {"d": draft})
        t_plain = time.perf_counter() - t0
        conn.rollback()
    rows.append((f"activation: {open_cases:,} open cases ({moved:,} change owner), {counts[0]:,} buildings, "
                 f"{counts[1]:,} checkpoints, s", t_activate, "plain UPDATE of the cases, s", t_plain))


def show(row: tuple) -> None:
    name, value, base_name, base_value = row
    print(f"{name:62} {value:12.1f}   {base_name:30} {base_value:12.1f}   {value / base_value:5.2f}×", flush=True)


def built(engine) -> bool:
    """Whether the scratch database already holds this scale's city (building it takes the longest)."""
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(sa.text(
                "SELECT EXISTS (SELECT 1 FROM generation WHERE id = 1 AND synthetic AND description LIKE :d) "
                "AND EXISTS (SELECT 1 FROM generation WHERE id = 2)"), {"d": f"%scale {SCALE},%"}))
    except sa.exc.DBAPIError:
        return False


def main() -> None:
    # The owner's URL: the app's role (DATABASE_URL) may not create the scratch database.
    base = get_settings().effective_owner_url
    url = with_database(base, database_name(base) + "_bench")
    engine = get_engine(url)
    if os.environ.get("BENCH_REBUILD") == "1" or not built(engine):
        drop_database(url)
        migrate.upgrade(url, get_settings(), app_role=sa.engine.make_url(url).username)
        t0 = time.perf_counter()
        with engine.begin() as conn:
            for line in generate(conn, SCALE, 1):
                print("  " + line, flush=True)
            import_areas(conn, NYC / "nycd_community_districts.geojson", "street", "BoroCD", "BoroCD", generation=2)
        print(f"  the {SCALE} was built in {time.perf_counter() - t0:.0f} s", flush=True)
    else:
        migrate.upgrade(url, get_settings(), app_role=sa.engine.make_url(url).username)
        print(f"  reusing the {SCALE} built by an earlier run (BENCH_REBUILD=1 builds it again)", flush=True)
    vacuum(engine)
    rows: list = []
    for step in (lookup, single_insert):
        step(engine, rows)
        show(rows[-1])      # as it comes: the whole run takes a while at city scale
        vacuum(engine)
    bulk_import(engine, rows, int(os.environ.get("BENCH_ROWS", SCALES[SCALE].incidents)))
    show(rows[-1])
    vacuum(engine)
    activation(engine, rows)
    show(rows[-1])
    print(f"{'measure':62} {'value':>12}   {'baseline':30} {'value':>12}   ratio")
    for row in rows:
        show(row)
    engine.dispose()


if __name__ == "__main__":
    main()
