"""Load the demo district (gisapp/demo/data, built by gisapp/demo/build.py) through the normal import paths."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.boundaries.generations import activate
from gisapp.boundaries.importer import import_areas
from gisapp.cases.workflow import transition
from gisapp.core.settings import get_settings
from gisapp.core.vocabulary import LEVEL_CODES
from gisapp.map.basemap import import_basemap, import_pois


def demo_dir() -> Path:
    """GISAPP_DEMO_DIR (by default the files shipped in the package); the OSM basemap is its sibling osm/."""
    folder = Path(get_settings().demo_dir)
    if not (folder / "areas_district.geojson").exists():
        raise FileNotFoundError(f"demo data not found in {folder}; run python -m gisapp.demo.build")
    return folder


def load_areas(conn: Connection, folder: Path, generation: int = 1) -> Iterator[str]:
    for level in LEVEL_CODES:
        result = import_areas(
            conn, folder / f"areas_{level}.geojson", level, "code", "name",
            parent_field=None if level == "district" else "parent_code",
            population_field="population", households_field="households",
            responsible_field="responsible_name", phone_field="responsible_phone", generation=generation)
        yield f"areas: {result.count} {level}"
    activate(conn, generation, validate=False)   # tests/demo checks the demo is valid
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
    insert = sa.text("""
        INSERT INTO incident (client_ref, category, description, source, input_lon, input_lat,
                              building_id, urgent, reported_at, created_at)
        VALUES (:client_ref, :category, :description, :source, :lon, :lat,
                (SELECT id FROM building WHERE code = NULLIF(:building_code, '')), :urgent,
                now() - make_interval(secs => :hours * 3600), now() - make_interval(secs => :hours * 3600))
        RETURNING id, reported_at, owner_level""")
    rng = random.Random(20261123)
    for r in rows:
        hours = float(r["hours_ago"])
        conn.execute(sa.text("SELECT set_config('gisapp.at', (now() - make_interval(secs => :h * 3600))::text, true), "
                             "set_config('gisapp.actor', 'demo', true)"), {"h": hours})
        case = conn.execute(insert, {**r, "lon": float(r["lon"]), "lat": float(r["lat"]), "hours": hours,
                                     "urgent": r["urgent"] == "1"}).mappings().one()
        replay(conn, case, r["status"], rng)
    conn.execute(sa.text("SELECT set_config('gisapp.at', '', true), set_config('gisapp.actor', '', true)"))
    return len(rows)


# The way to each demo status through the real workflow, with who does each step.
PATHS = {"accepted": ["accept"], "in_progress": ["accept", "start"], "feedback": ["accept", "start", "feedback"]}
PATHS["verified"] = PATHS["feedback"] + ["verify"]
PATHS["closed"] = PATHS["verified"] + ["close"]
PATHS["evaluated"] = PATHS["closed"] + ["evaluate"]
PATHS["reopened"] = PATHS["closed"] + ["evaluate", "reopen"]
PATHS["cancelled"] = ["cancel"]
ACTORS = {"verify": "核查员周敏", "close": "指挥中心", "evaluate": "回访专员", "reopen": "回访专员",
          "cancel": "指挥中心"}


def replay(conn: Connection, case, target: str, rng: random.Random) -> None:
    """Walk one case to its demo status at plausible past times (some late, so KPIs vary)."""
    steps = PATHS.get(target, [])
    if not steps:
        return
    start = case["reported_at"]
    span = min((datetime.now(UTC) - start).total_seconds() / 3600 * 0.95, rng.uniform(4, 120))
    # Most cases are taken within the hour or two, as the articles report; a few are late.
    first = min(rng.uniform(0.1, 2.5) if rng.random() < 0.92 else rng.uniform(3, 30), span * 0.3)
    marks = [first] + sorted(rng.uniform(first, span) for _ in steps[1:])
    handler = f"网格员{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('伟芳娜敏静丽强磊军洋')}"
    for step, hours in zip(steps, marks):
        data = {}
        if step == "evaluate":
            data["satisfaction"] = "unsatisfied" if target == "reopened" else rng.choices(
                ["satisfied", "basically", "unsatisfied"], [80, 16, 4])[0]
        conn.execute(sa.text("SELECT set_config('gisapp.at', :t, true)"),
                     {"t": (start + timedelta(hours=hours)).isoformat()})
        transition(conn, case["id"], step, ACTORS.get(step, handler),
                   "重复或无效上报" if step == "cancel" else "", satisfaction=data.get("satisfaction"))


def holds_data(conn: Connection) -> bool:
    """Whether the database already has areas, buildings, checkpoints or cases (the demo goes only into none)."""
    return bool(conn.scalar(sa.text("SELECT EXISTS (SELECT 1 FROM area) OR EXISTS (SELECT 1 FROM building) "
                                    "OR EXISTS (SELECT 1 FROM checkpoint) OR EXISTS (SELECT 1 FROM incident)")))


def load_demo(conn: Connection) -> Iterator[str]:
    folder = demo_dir()
    yield from load_areas(conn, folder)
    yield f"buildings: {load_buildings(conn, folder)}"
    yield f"checkpoints: {load_checkpoints(conn, folder)}"
    osm = folder.parent / "osm"
    basemap = import_basemap(conn, osm / "roads.geojson", osm / "water.geojson")
    yield "basemap: " + ", ".join(f"{n} {k}" for k, n in sorted(basemap.items()))
    yield f"named places (for search): {import_pois(conn, osm / 'pois.geojson')}"
    yield f"incidents: {load_incidents(conn, folder)}"
    stats = conn.execute(sa.text("""
        SELECT count(*) FILTER (WHERE area_id IS NULL) FROM building""")).scalar()
    yield f"buildings outside every micro-grid: {stats}"
