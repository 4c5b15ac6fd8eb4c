"""Areas over HTTP: the chain at a point (like MapIt's /point), the list of areas, and the generations with
their validation and diff for planners."""

from __future__ import annotations

import json

from flask import Response, jsonify, request

from gisapp.boundaries import checks
from gisapp.boundaries import diff as diff_mod
from gisapp.boundaries import generations as generations_mod
from gisapp.boundaries.diff import DiffQuery
from gisapp.boundaries.lookup import AreasQuery, LookupQuery, chain_at, list_areas
from gisapp.boundaries.problems import ImportProblem
from gisapp.core.db import begin, connect, start
from gisapp.core.errors import N_, ApiError, Text
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


def _generation(conn, number: int) -> int:
    """The generation asked for in the path, or 404 (a number no generation could have included)."""
    if not 0 < number < 2**31 or generations_mod.state(conn, number) is None:
        raise ApiError(404, [("generation", Text(N_("no generation %(generation)s"), generation=number))])
    return number


@bp.get("/generations")
@takes("areas.read")
def generations():
    """Every generation (draft, active, retired) with its areas' count and levels, and what it was copied from."""
    with begin() as conn:
        rows = generations_mod.generations(conn)
    return jsonify({"generations": [{**r, "created_at": r["created_at"] and r["created_at"].isoformat(),
                                     "activated_at": r["activated_at"] and r["activated_at"].isoformat()}
                                    for r in rows]})


@bp.get("/generations/<int:number>/problems")
@takes("boundaries.edit", media="application/geo+json")
def generation_problems(number: int):
    """What validation finds in a generation, as GeoJSON: each problem's geometry, kind, areas and m²."""
    with begin() as conn:
        findings = checks.check_generation(conn, _generation(conn, number), geometry=True)
    errors = len(checks.blocking(findings))
    body = {**checks.as_geojson(findings), "generation": number, "errors": errors, "warnings": len(findings) - errors}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/geo+json")


@bp.get("/generations/<int:number>/diff")
@takes("boundaries.edit", query=DiffQuery)
def generation_diff(number: int):
    """How each area of a generation changed against another, and what would change owner.

    Against the active generation by default; computed and not stored (`gisapp generations diff --commit`
    stores it)."""
    asked = parse(DiffQuery, request.args.to_dict(), status=400)
    with connect() as conn:
        work = start(conn)
        try:
            gen = _generation(conn, number)
            against = _generation(conn, asked.against) if asked.against else None
            result = diff_mod.diff(conn, gen, against)
        except ImportProblem:
            raise ApiError(404, [("against", Text(N_("no generation to compare with")))]) from None
        finally:
            work.rollback()
    return jsonify({"generation": result.generation, "against": result.against, "classes": result.classes,
                    "moves": result.moves, "population_moved": result.population_moved})
