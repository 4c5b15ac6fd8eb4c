"""GET /api/v1/kpis: the KPIs of gisapp.kpis for an area and date range, with drill-down."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request

from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.metrics import kpis as kpi_mod

from . import bp
from .inputs import query_date

_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False, "": False}


def _date(name: str, errors: list) -> date | None:
    try:
        return query_date(name)
    except ApiError as exc:
        errors.extend(exc.errors)
        return None


@bp.get("/kpis")
def kpis():
    """?area=CODE (default: the whole active generation) &from=&to= (local days, to exclusive) &drill=1."""
    errors: list[tuple[str, str]] = []
    area = request.args.get("area") or None
    if area is not None and (len(area) > 200 or "\x00" in area):
        errors.append(("area", "is not an area code"))
    start, end = _date("from", errors), _date("to", errors)
    if start and end and start >= end:
        errors.append(("to", f"must be after from ({start.isoformat()})"))
    drill = _FLAGS.get(request.args.get("drill", "").lower())
    if drill is None:
        errors.append(("drill", "must be 1 or 0"))
    if errors:
        raise ApiError(400, errors)
    with begin() as conn:
        try:
            body = kpi_mod.area_kpis(conn, area, start, end, drill=drill)
        except kpi_mod.UnknownArea as exc:
            raise ApiError(404, [("area", str(exc))]) from None
    return jsonify(body)
