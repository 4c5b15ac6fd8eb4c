"""Load the demo district (data/demo, built by data/build_demo.py) through the normal import paths."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

import geopandas as gpd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .areas import activate, import_areas
from .models import LEVELS

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"


def demo_dir() -> Path:
    if not (DEMO_DIR / "areas_district.geojson").exists():
        raise FileNotFoundError(f"demo data not found in {DEMO_DIR}; run data/build_demo.py")
    return DEMO_DIR


def load_areas(conn: Connection, folder: Path, generation: int = 1) -> Iterator[str]:
    for level in LEVELS:
        result = import_areas(
            conn, folder / f"areas_{level}.geojson", level, "code", "name",
            parent_field=None if level == "district" else "parent_code",
            population_field="population", households_field="households",
            responsible_field="responsible_name", phone_field="responsible_phone", generation=generation)
        yield f"areas: {result.count} {level}"
    activate(conn, generation)
    yield f"generation {generation} active"


def load_buildings(conn: Connection, folder: Path) -> int:
    frame = gpd.read_file(folder / "buildings.geojson", engine="pyogrio")
    rows = [{"code": r.code, "name": r.name or "", "address": r.address or "",
             "households": None if r.households is None else int(r.households),
             "osm_id": None if r.osm_id is None else int(r.osm_id), "wkb": r.geometry.wkb}
            for r in frame.itertuples()]
    conn.execute(sa.text("""
        INSERT INTO building (code, name, address, households, osm_id, geom)
        VALUES (:code, :name, :address, :households, :osm_id,
                ST_Multi(ST_SetSRID(ST_GeomFromWKB(:wkb), 4326)))"""), rows)
    return len(rows)


def load_checkpoints(conn: Connection, folder: Path) -> int:
    frame = gpd.read_file(folder / "checkpoints.geojson", engine="pyogrio")
    rows = [{"code": r.code, "kind": r.kind, "name": r.name, "status": r.status,
             "minutes": int(r.last_seen_minutes_ago), "osm_id": None if r.osm_id is None else int(r.osm_id),
             "lon": r.geometry.x, "lat": r.geometry.y} for r in frame.itertuples()]
    conn.execute(sa.text("""
        INSERT INTO checkpoint (code, kind, name, status, last_seen, osm_id, geom)
        VALUES (:code, :kind, :name, :status, now() - make_interval(mins => :minutes), :osm_id,
                ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"""), rows)
    return len(rows)


def load_incidents(conn: Connection, folder: Path) -> int:
    """Times are stored as hours before now, so the demo always covers the last 90 days."""
    with (folder / "incidents.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    conn.execute(sa.text("SELECT set_config('gisapp.actor', 'demo', true)"))
    conn.execute(sa.text("""
        INSERT INTO incident (client_ref, category, description, source, input_lon, input_lat,
                              building_id, status, urgent, reported_at, created_at)
        VALUES (:client_ref, :category, :description, :source, :lon, :lat,
                (SELECT id FROM building WHERE code = NULLIF(:building_code, '')),
                :status, :urgent, now() - make_interval(secs => :hours * 3600),
                now() - make_interval(secs => :hours * 3600))"""),
        [{**r, "lon": float(r["lon"]), "lat": float(r["lat"]), "hours": float(r["hours_ago"]),
          "urgent": r["urgent"] == "1"} for r in rows])
    return len(rows)


def load_demo(conn: Connection) -> Iterator[str]:
    folder = demo_dir()
    yield from load_areas(conn, folder)
    yield f"buildings: {load_buildings(conn, folder)}"
    yield f"checkpoints: {load_checkpoints(conn, folder)}"
    yield f"incidents: {load_incidents(conn, folder)}"
    stats = conn.execute(sa.text("""
        SELECT count(*) FILTER (WHERE area_id IS NULL) FROM building""")).scalar()
    yield f"buildings outside every micro-grid: {stats}"
