"""Areas: the chain at a point (like MapIt's /point) and the list of areas."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request

from gisapp.boundaries.importer import list_areas
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.cases.intake import check_lonlat
from gisapp.core.schema import CRSES, LEVELS
from gisapp.cases.read import CHAIN_LEVELS, assignment_of
from . import bp
from .base import query_float

_LEVEL_COLS = ", ".join(f"a_{lv}.code AS {lv}_code, a_{lv}.name AS {lv}_name" for lv in CHAIN_LEVELS)
_LEVEL_JOINS = " ".join(f"LEFT JOIN area a_{lv} ON a_{lv}.id = hit.{lv}_id" for lv in CHAIN_LEVELS)
LOOKUP = sa.text(f"""
    WITH pt AS (SELECT gisapp_to_wgs84(:lon, :lat, :crs) AS geom),
    hit AS (SELECT a.* FROM pt, gisapp_assign(pt.geom, NULL) a)
    SELECT ST_X(pt.geom) AS lon, ST_Y(pt.geom) AS lat, hit.*, {_LEVEL_COLS}
    FROM pt CROSS JOIN hit {_LEVEL_JOINS}""")
AREA_DETAILS = sa.text("""
    SELECT level::text AS level, code, name, population, households, responsible_name, responsible_phone
    FROM area WHERE id = ANY(:ids) ORDER BY area.level""")


@bp.get("/areas/lookup")
def lookup():
    lon, lat = query_float("lon"), query_float("lat")
    crs = request.args.get("crs", "wgs84").lower()
    errors = check_lonlat(lon, lat) + ([] if crs in CRSES else [("crs", f"must be one of {', '.join(CRSES)}")])
    if errors:
        raise ApiError(400, errors)
    with begin() as conn:
        hit = conn.execute(LOOKUP, {"lon": lon, "lat": lat, "crs": crs}).mappings().one()
        ids = [hit[f"{lv}_id"] for lv in CHAIN_LEVELS if hit[f"{lv}_id"] is not None]
        areas = [dict(r) for r in conn.execute(AREA_DETAILS, {"ids": ids}).mappings()]
    return jsonify({
        "lon": hit["lon"], "lat": hit["lat"], "crs": crs, "generation": hit["generation_id"],
        "snapped": hit["snapped_m"] is not None,
        "snapped_m": None if hit["snapped_m"] is None else round(hit["snapped_m"], 2),
        "assignment": assignment_of(hit),
        "areas": areas,
    })


@bp.get("/areas")
def areas():
    level = request.args.get("level")
    if level is not None and level not in LEVELS:
        raise ApiError(400, [("level", f"must be one of {', '.join(LEVELS)}")])
    generation = request.args.get("generation")
    if generation is not None and not (generation.isdecimal() and generation.isascii() and len(generation) < 10):
        raise ApiError(400, [("generation", "must be a generation number")])
    with begin() as conn:
        items = list_areas(conn, int(generation) if generation else None, level)
    return jsonify({"count": len(items), "areas": items})
