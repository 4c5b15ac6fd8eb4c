"""GET /health: is the database reachable, which generation is active, how much is stored."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from ..db import begin
from ..overview import counts
from . import bp


@bp.get("/health")
def health():
    try:
        with begin() as conn:
            row = counts(conn)
            postgis = conn.scalar(sa.text("SELECT postgis_lib_version()"))
    except sa.exc.SQLAlchemyError as exc:
        return jsonify({"status": "error", "database": "unreachable",
                        "errors": [{"field": "database", "message": type(exc).__name__}]}), 503
    generation = row.pop("generation")
    return jsonify({"status": "ok", "database": "ok", "postgis": postgis,
                    "generation": generation, "counts": row})
