"""GET /api/v1/kpis: the KPIs of metrics.kpis for an area and date range, with drill-down."""

from __future__ import annotations

from flask import jsonify, request

from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.validation import parse
from gisapp.metrics import kpis as kpi_mod

from . import bp
from .doc import takes


@bp.get("/kpis")
@takes("kpis.read", query=kpi_mod.KpiQuery)
def kpis():
    """The KPIs of an area (default: the whole generation) for reports made in [from, to), local days."""
    query = parse(kpi_mod.KpiQuery, request.args.to_dict(), status=400)
    with begin() as conn:
        try:
            body = kpi_mod.area_kpis(conn, query.area, query.since, query.until, drill=query.drill)
        except kpi_mod.UnknownArea as exc:
            raise ApiError(404, [("area", exc.args[0])]) from None
    return jsonify(body)
