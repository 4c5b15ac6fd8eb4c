"""What the operator's console shows beside a case: the place in words, who reported it, the
departments to propose for it, and where an unlocated report would land.

The console (web/ui/cases/) and the department queue (web/ui/tasks.py) read these; the API keeps its
own shape (read.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who
from gisapp.access.privacy import redact_all, unmasked

NEAR_BUILDING_M = 80     # a building this close names the place
NEAR_ROAD_M = 250        # a named road this close names the place

PLACE = sa.text("""
    WITH p AS (SELECT geom, geom::geography AS g, building_id FROM incident WHERE id = :i AND geom IS NOT NULL)
    SELECT b.name AS building, b.address, b.dist AS building_m, r.name AS road, r.dist AS road_m
    FROM p
    LEFT JOIN LATERAL (
        SELECT coalesce(nullif(x.name, ''), x.code) AS name, x.address,
               round(ST_Distance(x.geom::geography, p.g)) AS dist
        FROM building x
        WHERE x.id = p.building_id OR (x.geom && ST_Expand(p.geom, :near_building / 50000.0)   -- the index first
                                       AND ST_DWithin(x.geom::geography, p.g, :near_building))
        ORDER BY x.id = p.building_id DESC, x.geom <-> p.geom LIMIT 1) b ON true
    LEFT JOIN LATERAL (
        SELECT f.name, round(ST_Distance(f.geom::geography, p.g)) AS dist
        FROM basemap_feature f
        WHERE f.kind IN ('major_road', 'minor_road', 'path') AND f.name <> ''
          AND f.geom && ST_Expand(p.geom, :near_road / 50000.0)       -- the index first (50 km a degree, or more)
          AND ST_DWithin(f.geom::geography, p.g, :near_road)
        ORDER BY f.geom <-> p.geom LIMIT 1) r ON true""")


def place_in_words(conn: Connection, incident_id: int) -> dict | None:
    """{building, address, building_m, road, road_m} near a located case (any may be None), or None."""
    row = conn.execute(PLACE, {"i": incident_id, "near_building": NEAR_BUILDING_M,
                               "near_road": NEAR_ROAD_M}).mappings().first()
    return dict(row) if row else None


def reporter(conn: Connection, incident_id: int, who: Who) -> str | None:
    """The signed-in person who reported a case, for roles that may see personal data; else None."""
    if not unmasked(who):
        return None
    return conn.scalar(sa.text("""
        SELECT u.display_name FROM incident i JOIN app_user u ON u.id = i.reported_by WHERE i.id = :i"""),
        {"i": incident_id})


def proposed_departments(conn: Connection, category: str | None) -> list[dict]:
    """Every department, those that usually serve `category` first (revision 0006's department_category)."""
    return [dict(r) for r in conn.execute(sa.text("""
        SELECT d.code, d.name_zh, d.name_en, dc.rank IS NOT NULL AS usual
        FROM department d LEFT JOIN department_category dc ON dc.department = d.code AND dc.category = :c
        ORDER BY dc.rank NULLS LAST, d.code"""), {"c": category}).mappings()]


def landing(conn: Connection, lon: float, lat: float) -> dict | None:
    """Where a report placed at (lon, lat) would land, by the same rule the save applies (gisapp_assign,
    edge and snap rules included): the finest area's code and name, and the names of its chain."""
    row = conn.execute(sa.text("""
        WITH a AS (SELECT * FROM gisapp_assign(ST_SetSRID(ST_MakePoint(:x, :y), 4326), NULL))
        SELECT leaf.code, leaf.name, leaf.level::text AS level, a.snapped_m,
               concat_ws(' › ', s.name, c.name, g.name, m.name) AS chain
        FROM a
        JOIN area leaf ON leaf.id = coalesce(a.micro_grid_id, a.grid_id, a.community_id, a.street_id, a.district_id)
        LEFT JOIN area s ON s.id = a.street_id LEFT JOIN area c ON c.id = a.community_id
        LEFT JOIN area g ON g.id = a.grid_id LEFT JOIN area m ON m.id = a.micro_grid_id"""),
        {"x": lon, "y": lat}).mappings().first()
    return dict(row) if row else None


def task_queue(conn: Connection, who: Who) -> list[dict]:
    """The open department tasks `who` answers for (a department user: its own department's; an operator:
    all), urgent cases first and then the oldest call, with the case's category, place and description."""
    department = who.department
    rows = conn.execute(sa.text("""
        SELECT t.id, t.incident_id, t.department, d.name_zh, d.name_en, t.status, t.called_at, t.arrived_at,
               t.called_by, i.category, c.name_zh AS category_zh, c.name_en AS category_en, i.description,
               i.urgent, gisapp_area_label(gisapp_leaf_id(i)) AS area_name, ts.next
        FROM department_task t
        JOIN task_status ts ON ts.code = t.status
        JOIN department d ON d.code = t.department
        JOIN incident i ON i.id = t.incident_id
        JOIN category c ON c.code = i.category
        WHERE ts.next IS NOT NULL AND (CAST(:dep AS text) IS NULL OR t.department = :dep)
        ORDER BY i.urgent DESC, t.called_at, t.id"""), {"dep": department}).mappings()
    return redact_all((dict(r) for r in rows), who)
