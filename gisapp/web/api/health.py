"""GET /health: is the database reachable, which generation is active, how much is stored."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from gisapp.core.db import begin
from gisapp.core.health import database_facts
from gisapp.core.settings import get_settings
from gisapp.metrics.overview import counts

from . import bp
from .doc import takes


@bp.get("/health")
@takes()
def health():
    """Is the database reachable; the active generation, counts, and warnings for an operator."""
    try:
        with begin() as conn:
            row = counts(conn)
            facts = database_facts(conn, get_settings().timezone)
    except sa.exc.SQLAlchemyError as exc:
        return jsonify({"status": "error", "database": "unreachable",
                        "errors": [{"field": "database", "message": type(exc).__name__}]}), 503
    generation = row.pop("generation")
    return jsonify({"status": "ok", "database": "ok", "postgis": facts["postgis"], "generation": generation,
                    "counts": row, "calendar_until": facts["calendar_until"], "warnings": facts["warnings"]})
