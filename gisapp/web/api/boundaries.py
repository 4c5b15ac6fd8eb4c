"""Areas over HTTP: the chain at a point (like MapIt's /point) and the list of areas."""

from __future__ import annotations

from flask import jsonify, request

from gisapp.boundaries.lookup import AreasQuery, LookupQuery, chain_at, list_areas
from gisapp.core.db import begin
from gisapp.core.validation import parse

from ..auth import current_who
from . import bp
from .doc import takes


@bp.get("/areas/lookup")
@takes("areas.read", query=LookupQuery)
def lookup():
    """The area chain at a point, by the assignment rule (like MapIt's /point)."""
    point = parse(LookupQuery, request.args.to_dict(), status=400)
    with begin() as conn:
        return jsonify(chain_at(conn, point.lon, point.lat, point.crs, who=current_who()))


@bp.get("/areas")
@takes("areas.read", query=AreasQuery)
def areas():
    """The areas of a generation (the active one by default), with their open cases."""
    query = parse(AreasQuery, request.args.to_dict(), status=400)
    with begin() as conn:
        items = list_areas(conn, query.generation, query.level, who=current_who())
    return jsonify({"count": len(items), "areas": items})
