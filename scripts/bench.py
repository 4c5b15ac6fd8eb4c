"""`make bench`: speed of assignment, as ratios against a baseline measured in the same run.

Uses a scratch database `<DATABASE_URL's db>_bench`, rebuilt each time. Figures:
- point lookup through the ST_Subdivide pieces vs ST_Covers on the whole polygons (NYC districts);
- one INSERT with the assignment trigger vs the same INSERT into a table without triggers;
- bulk CSV import (parse, validate, COPY, set-based INSERT) vs one INSERT per row from Python.
"""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from gisapp.boundaries.generations import activate
from gisapp.boundaries.importer import import_areas
from gisapp.cases import bulk
from gisapp.core import migrate
from gisapp.core.db import drop_database, get_engine
from gisapp.core.settings import database_name, get_settings, with_database

ROOT = Path(__file__).resolve().parents[1]
LA = ROOT / "tests" / "data" / "la311"
NYC = ROOT / "tests" / "data" / "nyc311"


def per_point(times: list[float], points: int) -> float:
    return statistics.median(times) / points * 1e6


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
        conn.execute(sa.text("VACUUM (ANALYZE) incident, incident_event"))


def main() -> None:
    # The owner's URL: the app's role (DATABASE_URL) may not create the scratch database.
    base = get_settings().effective_owner_url
    url = with_database(base, database_name(base) + "_bench")
    drop_database(url)
    migrate.upgrade(url, get_settings(), app_role=sa.engine.make_url(url).username)
    engine = get_engine(url)
    with engine.begin() as conn:
        import_areas(conn, LA / "la-city-council-districts-2012.json", "street", "name", "name", generation=1)
        import_areas(conn, NYC / "nycd_community_districts.geojson", "street", "BoroCD", "BoroCD", generation=1)
        activate(conn, 1)
        vertices = conn.scalar(sa.text("SELECT avg(ST_NPoints(geom))::int FROM area WHERE code::int > 100"))
        # Points over New York's detailed districts, where subdivision matters.
        pts = conn.execute(sa.text("""
            SELECT ST_X(p.geom), ST_Y(p.geom)
            FROM area, ST_Dump(ST_GeneratePoints(ST_Envelope(geom), 10, 7)) p
            WHERE code::int > 100 LIMIT 500""")).all()
    rows = []
    with engine.connect() as conn:
        by_pieces = sa.text("SELECT gisapp_locate(ST_SetSRID(ST_MakePoint(:x, :y), 4326), 1)")
        by_whole = sa.text("""SELECT id FROM area WHERE generation_id = 1
                              AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(:x, :y), 4326))
                              ORDER BY level DESC, area_m2, code LIMIT 1""")
        t_pieces = timed(lambda: [conn.execute(by_pieces, {"x": x, "y": y}) for x, y in pts], 5)
        t_whole = timed(lambda: [conn.execute(by_whole, {"x": x, "y": y}) for x, y in pts], 5)
        rows.append((f"lookup, NYC ({vertices} vertices/area), µs", per_point(t_pieces, len(pts)), "whole polygons, µs",
                     per_point(t_whole, len(pts))))

        conn.rollback()
    vacuum(engine)
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TEMP TABLE plain (LIKE incident INCLUDING DEFAULTS)"))
        x, y = pts[0]
        ins = sa.text("INSERT INTO incident (category, input_lon, input_lat) VALUES ('other', :x, :y)")
        ins_plain = sa.text("INSERT INTO plain (id, category, input_lon, input_lat, geom) VALUES "
                            "(nextval('incident_id_seq'), 'other', :x, :y, ST_SetSRID(ST_MakePoint(:x, :y), 4326))")
        t_ins = timed(lambda: conn.execute(ins, {"x": x, "y": y}), 300)
        t_plain = timed(lambda: conn.execute(ins_plain, {"x": x, "y": y}), 300)
        conn.rollback()
    rows.append(("INSERT with assignment + event (µs)", statistics.median(t_ins) * 1e6,
                 "INSERT, no triggers", statistics.median(t_plain) * 1e6))
    vacuum(engine)

    csv_path = LA / "MyLA311_2020_seed_10k.csv"
    with engine.connect() as conn:
        t0 = time.perf_counter()
        summary = bulk.import_csv(conn, csv_path, lon_field="longitude", lat_field="latitude",
                                  ref_field="srnumber", category_field="requesttype", source="open311")
        t_bulk = time.perf_counter() - t0
        conn.rollback()
    vacuum(engine)
    with engine.connect() as conn:
        with csv_path.open(encoding="utf-8") as f:
            sample = [(float(r["longitude"]), float(r["latitude"]))
                      for r in csv.DictReader(f) if r["longitude"] and r["latitude"]][:2000]
        t0 = time.perf_counter()
        for x, y in sample:
            conn.execute(ins, {"x": x, "y": y})
        t_loop = time.perf_counter() - t0
        conn.rollback()
    rows.append(("bulk CSV import, rows/s", summary.inserted / t_bulk, "one INSERT a row, rows/s",
                 len(sample) / t_loop))

    print(f"{'measure':40} {'value':>12}   {'baseline':22} {'value':>12}   ratio")
    for name, value, base_name, base_value in rows:
        print(f"{name:40} {value:12.1f}   {base_name:22} {base_value:12.1f}   {value / base_value:5.2f}×")
    engine.dispose()


if __name__ == "__main__":
    main()
