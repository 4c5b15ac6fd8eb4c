"""Areas over HTTP: the chain at a point (like MapIt's /point) and the list of areas."""

from __future__ import annotations

from flask import jsonify, request

from gisapp.boundaries.lookup import chain_at, list_areas
from gisapp.cases.intake import check_lonlat
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.schema import CRSES
from gisapp.core.vocabulary import LEVEL_CODES

from . import bp
from .inputs import query_float


@bp.get("/areas/lookup")
def lookup():
    lon, lat = query_float("lon"), query_float("lat")
    crs = request.args.get("crs", "wgs84").lower()
    errors = check_lonlat(lon, lat) + ([] if crs in CRSES else [("crs", f"must be one of {', '.join(CRSES)}")])
    if errors:
        raise ApiError(400, errors)
    with begin() as conn:
        return jsonify(chain_at(conn, lon, lat, crs))


@bp.get("/areas")
def areas():
    level = request.args.get("level")
    if level is not None and level not in LEVEL_CODES:
        raise ApiError(400, [("level", f"must be one of {', '.join(LEVEL_CODES)}")])
    generation = request.args.get("generation")
    if generation is not None and not (generation.isdecimal() and generation.isascii() and len(generation) < 10):
        raise ApiError(400, [("generation", "must be a generation number")])
    with begin() as conn:
        items = list_areas(conn, int(generation) if generation else None, level)
    return jsonify({"count": len(items), "areas": items})
