"""GET /health: is the database reachable, which generation is active, how much is stored."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify

from ..db import begin
from . import bp

COUNTS = sa.text("""
    SELECT (SELECT count(*) FROM area WHERE generation_id = gisapp_active_generation()) AS areas,
           (SELECT count(*) FROM building) AS buildings,
           (SELECT count(*) FROM checkpoint) AS checkpoints,
           (SELECT count(*) FROM incident) AS incidents,
           (SELECT count(*) FROM incident WHERE status = 'unlocated') AS unlocated,
           gisapp_active_generation() AS generation,
           postgis_lib_version() AS postgis""")


@bp.get("/health")
def health():
    try:
        with begin() as conn:
            row = dict(conn.execute(COUNTS).mappings().one())
    except sa.exc.SQLAlchemyError as exc:
        return jsonify({"status": "error", "database": "unreachable",
                        "errors": [{"field": "database", "message": type(exc).__name__}]}), 503
    generation, postgis = row.pop("generation"), row.pop("postgis")
    return jsonify({"status": "ok", "database": "ok", "postgis": postgis,
                    "generation": generation, "counts": row})
