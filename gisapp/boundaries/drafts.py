"""What the planner's page reads of a draft: the drafts to choose from, the areas of one level in view, one
area with its version."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

MAX_FEATURES = 3000   # more areas than this in view: the page asks to zoom in


def drafts(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.text("""
        SELECT g.id, g.description, g.based_on, count(a.id) AS areas
        FROM generation g LEFT JOIN area a ON a.generation_id = g.id
        WHERE g.state = 'draft' GROUP BY g.id ORDER BY g.id DESC""")).mappings()]


def areas_in_view(conn: Connection, generation: int, level: str, bbox: list[float] | None) -> dict | None:
    """The areas of `level` in the box (west, south, east, north) as GeoJSON with code, name and version;
    None when there are more than MAX_FEATURES."""
    box = "AND a.geom && ST_MakeEnvelope(:w, :s, :e, :n, 4326)" if bbox else ""
    rows = conn.execute(sa.text(f"""
        SELECT a.code, a.name, a.version, p.code AS parent, ST_AsGeoJSON(a.geom, 7) AS geometry
        FROM area a LEFT JOIN area p ON p.id = a.parent_id
        WHERE a.generation_id = :g AND a.level = CAST(:l AS area_level) {box}
        ORDER BY a.code LIMIT :cap"""),
        {"g": generation, "l": level, "cap": MAX_FEATURES + 1,
         **(dict(zip("wsen", bbox)) if bbox else {})}).mappings().all()
    if len(rows) > MAX_FEATURES:
        return None
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r["code"], "geometry": json.loads(r["geometry"]),
         "properties": {"code": r["code"], "name": r["name"], "version": r["version"], "parent": r["parent"],
                        "tooltip": f"{r['code']} {r['name']}"}} for r in rows]}


def area(conn: Connection, generation: int, code: str) -> dict | None:
    row = conn.execute(sa.text("""
        SELECT a.code, a.name, a.level::text AS level, a.version, a.population, a.households, a.responsible_name,
               a.responsible_phone, p.code AS parent, round(a.area_m2) AS m2, ST_AsGeoJSON(a.geom, 7) AS geometry
        FROM area a LEFT JOIN area p ON p.id = a.parent_id
        WHERE a.generation_id = :g AND a.code = :c"""), {"g": generation, "c": code}).mappings().first()
    if row is None:
        return None
    found = dict(row)
    found["geometry"] = json.loads(found["geometry"])
    return found


def extent(conn: Connection, generation: int) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the generation's areas."""
    box = conn.execute(sa.text("SELECT ST_YMin(e), ST_XMin(e), ST_YMax(e), ST_XMax(e) FROM "
                               "(SELECT ST_Extent(geom) AS e FROM area WHERE generation_id = :g) x"),
                       {"g": generation}).one()
    return None if box[0] is None else [[box[0], box[1]], [box[2], box[3]]]
