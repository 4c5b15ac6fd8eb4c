"""GET /health: is the database reachable, which generation is active, how much is stored."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import jsonify

from gisapp.core.db import begin
from gisapp.metrics.overview import counts
from . import bp


@bp.get("/health")
def health():
    try:
        with begin() as conn:
            row = counts(conn)
            postgis = conn.scalar(sa.text("SELECT postgis_lib_version()"))
            calendar_until = conn.scalar(sa.text("SELECT max(day) FROM calendar_day"))
    except sa.exc.SQLAlchemyError as exc:
        return jsonify({"status": "error", "database": "unreachable",
                        "errors": [{"field": "database", "message": type(exc).__name__}]}), 503
    generation = row.pop("generation")
    warnings = []
    # Past the calendar's last day, SLA time counts Monday–Friday and misses the holidays.
    if calendar_until is None or calendar_until < date.today() + timedelta(days=90):
        warnings.append({"field": "calendar", "message": f"the working calendar ends on {calendar_until}; "
                         "upgrade the chinesecalendar package and run `gisapp db upgrade`"})
    return jsonify({"status": "ok", "database": "ok", "postgis": postgis, "generation": generation,
                    "counts": row, "calendar_until": calendar_until and calendar_until.isoformat(),
                    "warnings": warnings})
