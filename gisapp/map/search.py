"""Find a place on the map by what an operator types: incident id, area code or name, building code.

The map's search box, its deep links (?area=, ?incident=) and GET /api/v1/search share this, so
"it zooms there and highlights it" means the same thing everywhere.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who, case_scope

_FEATURE = "json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON({g}, 7)::json, 'properties', '{{}}'::json)"
_BOUNDS = "json_build_array(json_build_array(ST_YMin({g}), ST_XMin({g})), json_build_array(ST_YMax({g}), ST_XMax({g})))"

INCIDENT = f"""
    SELECT 'incident' AS kind, i.id::text AS key, '#' || i.id AS label,
           {_FEATURE.format(g='i.geom')}::text AS feature, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
           NULL::text AS bounds
    FROM incident i WHERE i.id = :id AND i.geom IS NOT NULL AND """

AREA = sa.text(f"""
    SELECT 'area' AS kind, code AS key, name AS label, {_FEATURE.format(g='geom')}::text AS feature,
           NULL::float8 AS lon, NULL::float8 AS lat, {_BOUNDS.format(g='geom')}::text AS bounds
    FROM area WHERE generation_id = gisapp_active_generation()
      AND (code = :q OR name = :q OR (:fuzzy AND name ILIKE '%' || :like || '%'))
    ORDER BY code = :q DESC, name = :q DESC, level, code LIMIT 1""")

BUILDING = sa.text(f"""
    SELECT 'building' AS kind, code AS key, coalesce(nullif(name, ''), code) AS label,
           {_FEATURE.format(g='geom')}::text AS feature, NULL::float8 AS lon, NULL::float8 AS lat,
           {_BOUNDS.format(g='geom')}::text AS bounds
    FROM building WHERE code = :q OR (:fuzzy AND name <> '' AND name ILIKE '%' || :like || '%')
    ORDER BY code = :q DESC, code LIMIT 1""")


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _hit(row) -> dict:
    out = dict(row._mapping)
    out["feature"] = json.loads(out["feature"])
    out["bounds"] = json.loads(out["bounds"]) if out["bounds"] else None
    return out


def find_incident(conn: Connection, incident_id: int, who: Who) -> dict | None:
    """A case `who` may see, by id."""
    scope, params = case_scope(who)
    row = conn.execute(sa.text(INCIDENT + scope), {"id": incident_id, **params}).first()
    return _hit(row) if row else None


def find_area(conn: Connection, text: str, fuzzy: bool = False) -> dict | None:
    row = conn.execute(AREA, {"q": text, "like": _like(text), "fuzzy": fuzzy}).first()
    return _hit(row) if row else None


def find(conn: Connection, text: str, who: Who) -> dict | None:
    """The first match: an incident id (#123 or 123), then an exact area or building code or name,
    then a name containing the text. None when nothing matches."""
    text = (text or "").strip()
    if not text or len(text) > 200 or "\x00" in text:
        return None
    digits = text.lstrip("#")
    if digits.isdecimal() and len(digits) < 19:
        hit = find_incident(conn, int(digits), who)
        if hit:
            return hit
    for fuzzy in (False, True):
        hit = find_area(conn, text, fuzzy)
        if hit:
            return hit
        row = conn.execute(BUILDING, {"q": text, "like": _like(text), "fuzzy": fuzzy}).first()
        if row:
            return _hit(row)
    return None


def generation_view(conn: Connection) -> dict:
    """Where a map opens: the whole active generation, or central Lujiazui when there is none yet."""
    row = conn.execute(sa.text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                               "FROM (SELECT ST_Extent(geom) AS e FROM map_area) x")).first()
    if row is None or row[0] is None:
        return {"center": [31.2397, 121.4998], "zoom": 14}
    return {"bounds": [[row[1], row[0]], [row[3], row[2]]]}
