"""GET /health: is the database reachable, which generation is active, how much is stored."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from gisapp.core.db import begin
from gisapp.core.health import database_facts
from gisapp.core.settings import get_settings
from gisapp.metrics.overview import counts

from ..auth import current_who
from . import bp
from .doc import takes


@bp.get("/health")
@takes("public")
def health():
    """Is the database reachable, and the active generation; for those who read KPIs, counts and warnings."""
    who = current_who()
    detailed = who is not None and who.may("kpis.read")
    try:
        with begin() as conn:
            row = counts(conn)
            facts = database_facts(conn, get_settings().timezone) if detailed else None
    except sa.exc.SQLAlchemyError as exc:
        response = jsonify({"status": "error", "database": "unreachable",
                            "errors": [{"field": "database", "message": type(exc).__name__}]})
        response.headers["Retry-After"] = "5"
        return response, 503
    generation = row.pop("generation")
    body = {"status": "ok", "database": "ok", "generation": generation}
    if detailed:
        body.update(postgis=facts["postgis"], counts=row, calendar_until=facts["calendar_until"],
                    calendar_official_until=facts["calendar_official_until"], warnings=facts["warnings"])
    return jsonify(body)
