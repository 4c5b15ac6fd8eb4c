"""Areas: the chain at a point (like MapIt's /point) and the list of areas."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request

from ..areas import list_areas
from ..db import begin
from ..errors import ApiError
from ..intake import check_lonlat
from ..models import CRSES, LEVELS
from ..reports import CHAIN_LEVELS
from . import bp
from .base import query_float

LOOKUP = sa.text("""
    WITH pt AS (SELECT gisapp_to_wgs84(:lon, :lat, :crs) AS geom),
    hit AS (SELECT a.* FROM pt, gisapp_assign(pt.geom, NULL) a)
    SELECT ST_X(pt.geom) AS lon, ST_Y(pt.geom) AS lat, hit.generation_id, hit.snapped_m,
           ar.level::text AS level, ar.code, ar.name, ar.population, ar.households,
           ar.responsible_name, ar.responsible_phone
    FROM pt CROSS JOIN hit
    LEFT JOIN area ar ON ar.id IN (hit.micro_grid_id, hit.grid_id, hit.community_id,
                                    hit.street_id, hit.district_id)
    ORDER BY ar.level""")


@bp.get("/areas/lookup")
def lookup():
    lon, lat = query_float("lon"), query_float("lat")
    crs = request.args.get("crs", "wgs84").lower()
    errors = check_lonlat(lon, lat) + ([] if crs in CRSES else [("crs", f"must be one of {', '.join(CRSES)}")])
    if errors:
        raise ApiError(400, errors)
    with begin() as conn:
        rows = conn.execute(LOOKUP, {"lon": lon, "lat": lat, "crs": crs}).mappings().all()
    found = [dict(r) for r in rows if r["code"] is not None]
    chain = {lv: None for lv in CHAIN_LEVELS}
    for r in found:
        chain[r["level"]] = {"code": r["code"], "name": r["name"]}
    keep = ("level", "code", "name", "population", "households", "responsible_name", "responsible_phone")
    return jsonify({
        "lon": rows[0]["lon"], "lat": rows[0]["lat"], "crs": crs,
        "generation": rows[0]["generation_id"],
        "snapped": rows[0]["snapped_m"] is not None,
        "snapped_m": None if rows[0]["snapped_m"] is None else round(rows[0]["snapped_m"], 2),
        "assignment": chain if found else None,
        "areas": [{k: r[k] for k in keep} for r in found],
    })


@bp.get("/areas")
def areas():
    level = request.args.get("level")
    if level is not None and level not in LEVELS:
        raise ApiError(400, [("level", f"must be one of {', '.join(LEVELS)}")])
    generation = request.args.get("generation")
    if generation is not None and not generation.isdigit():
        raise ApiError(400, [("generation", "must be a generation number")])
    with begin() as conn:
        items = list_areas(conn, int(generation) if generation else None, level)
    return jsonify({"count": len(items), "areas": items})
