"""Workload per area of one level, for planners balancing grid workers: people, households, buildings and
cases (open now, and reported in the last days), with the outline to map (notebooks/, the planner)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.vocabulary import LEVEL_CODES, level_column


def workload(conn: Connection, level: str = "grid", days: int = 90, generation: int | None = None) -> list[dict]:
    """One row per area of `level` in the generation (default: the active one), busiest first."""
    if level not in LEVEL_CODES:
        raise ValueError(f"level must be one of {', '.join(LEVEL_CODES)}")
    column = level_column(level)
    rows = conn.execute(sa.text(f"""
        WITH areas AS (
            SELECT a.id, a.code, a.name, gisapp_area_label(a.id) AS label, p.code AS parent,
                   a.responsible_name, a.population, a.households, a.area_m2, a.geom
            FROM area a LEFT JOIN area p ON p.id = a.parent_id
            WHERE a.generation_id = coalesce(:g, gisapp_active_generation()) AND a.level = CAST(:l AS area_level)
        ),
        cases AS (
            SELECT i.{column} AS area_id, count(*) FILTER (WHERE s.open) AS open_cases,
                   count(*) FILTER (WHERE i.reported_at >= now() - make_interval(days => :days)) AS recent_cases
            FROM incident i JOIN case_status s ON s.code = i.status
            WHERE i.{column} IN (SELECT id FROM areas) GROUP BY 1
        ),
        buildings AS (
            SELECT a.id AS area_id, count(b.id) AS buildings
            FROM areas a JOIN building b ON ST_Covers(a.geom, b.point) GROUP BY 1
        )
        SELECT a.code, a.name, a.label, a.parent, a.responsible_name, a.population, a.households,
               round(a.area_m2) AS m2, coalesce(b.buildings, 0) AS buildings,
               coalesce(c.open_cases, 0) AS open_cases, coalesce(c.recent_cases, 0) AS recent_cases,
               ST_AsGeoJSON(a.geom, 6) AS geometry
        FROM areas a LEFT JOIN cases c ON c.area_id = a.id LEFT JOIN buildings b ON b.area_id = a.id
        ORDER BY recent_cases DESC, a.code"""), {"g": generation, "l": level, "days": days}).mappings()
    return [{**r, "geometry": json.loads(r["geometry"])} for r in rows]
