"""Find a place on the map by what an operator types: a case id, an area's code or name, a building's
code, name or address, a road's name or a named place (东方明珠).

The map's search box and its deep links (?area=, ?incident=) share this, so "it zooms there and
highlights it" means the same thing everywhere. In the search box several matches come back as a
list to choose from; a deep link (?area=) names one area, by code or exact name first.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who, case_scope

MAX_HITS = 12
_FEATURE = "json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON({g}, 7)::json, 'properties', '{{}}'::json)"
_BOUNDS = "json_build_array(json_build_array(ST_YMin({g}), ST_XMin({g})), json_build_array(ST_YMax({g}), ST_XMax({g})))"
_HIT = "{feature}::text AS feature, {lon} AS lon, {lat} AS lat, {bounds}::text AS bounds"


def _shape(g: str) -> str:
    """The columns of a hit drawn as a shape (zoomed to its bounds)."""
    return _HIT.format(feature=_FEATURE.format(g=g), lon="NULL::float8", lat="NULL::float8",
                       bounds=_BOUNDS.format(g=g))


def _point(g: str) -> str:
    """The columns of a hit drawn as a point (centred on it)."""
    return _HIT.format(feature=_FEATURE.format(g=g), lon=f"ST_X({g})", lat=f"ST_Y({g})", bounds="NULL::text")


INCIDENT = f"""
    SELECT 'incident' AS kind, i.id::text AS key, '#' || i.id AS label, '' AS detail, {_point('i.geom')}
    FROM incident i WHERE i.id = :id AND i.geom IS NOT NULL AND """

# Exact code or name first, then names that contain the text; a grid is named with its community.
AREAS = sa.text(f"""
    SELECT 'area' AS kind, code AS key, gisapp_area_label(id) AS label, level::text AS detail, {_shape('geom')}
    FROM area WHERE generation_id = gisapp_active_generation()
      AND (code = :q OR name = :q OR (:fuzzy AND name ILIKE '%' || :like || '%'))
    ORDER BY code = :q DESC, name = :q DESC, level, code LIMIT :n""")

BUILDINGS = sa.text(f"""
    SELECT 'building' AS kind, code AS key, coalesce(nullif(name, ''), address, code) AS label,
           coalesce(address, '') AS detail, {_shape('geom')}
    FROM building WHERE code = :q OR address = :q
       OR (:fuzzy AND ((name <> '' AND name ILIKE '%' || :like || '%') OR address ILIKE '%' || :like || '%'))
    ORDER BY code = :q DESC, address = :q DESC, address, code LIMIT :n""")

# One hit per road name: its pieces drawn together.
ROADS = sa.text(f"""
    SELECT 'road' AS kind, name AS key, name AS label, '' AS detail, {_shape('g')}
    FROM (SELECT name, ST_Collect(geom) AS g FROM basemap_feature
          WHERE kind IN ('major_road', 'minor_road', 'path') AND name <> ''
            AND (name = :q OR (:fuzzy AND name ILIKE '%' || :like || '%'))
          GROUP BY name) r
    ORDER BY name = :q DESC, name LIMIT :n""")

POIS = sa.text(f"""
    SELECT 'poi' AS kind, id::text AS key, name AS label, kind AS detail, {_point('geom')}
    FROM poi WHERE name = :q OR (:fuzzy AND name ILIKE '%' || :like || '%')
    ORDER BY name = :q DESC, char_length(name), id LIMIT :n""")

PLACES = (AREAS, BUILDINGS, ROADS, POIS)


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
    row = conn.execute(AREAS, {"q": text, "like": _like(text), "fuzzy": fuzzy, "n": 1}).first()
    return _hit(row) if row else None


def find_all(conn: Connection, text: str, who: Who, limit: int = MAX_HITS) -> list[dict]:
    """Every match, best first: a case id (#123 or 123); then exact codes, names and addresses; only
    when nothing matches exactly, the names and addresses that contain the text."""
    text = (text or "").strip()
    if not text or len(text) > 200 or "\x00" in text:
        return []
    digits = text.lstrip("#")
    hits = []
    if digits.isdecimal() and len(digits) < 19:
        hit = find_incident(conn, int(digits), who)
        if hit:
            hits.append(hit)
    for fuzzy in (False, True):
        # a few of each kind, so a road is not crowded out by the buildings along it
        params = {"q": text, "like": _like(text), "fuzzy": fuzzy, "n": max(3, limit // len(PLACES))}
        for query in PLACES:
            hits += [_hit(r) for r in conn.execute(query, params)]
        if hits:
            break
    return hits[:limit]


def generation_view(conn: Connection) -> dict:
    """Where a map opens: the whole active generation, or central Lujiazui when there is none yet."""
    row = conn.execute(sa.text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                               "FROM (SELECT ST_Extent(geom) AS e FROM map_area) x")).first()
    if row is None or row[0] is None:
        return {"center": [31.2397, 121.4998], "zoom": 14}
    return {"bounds": [[row[1], row[0]], [row[3], row[2]]]}
