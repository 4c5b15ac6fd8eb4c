"""The big screen's numbers (gisapp.metrics.board) on small hand-built worlds."""

from __future__ import annotations

import sqlalchemy as sa

from fixtures.worlds import new_generation, square
from gisapp.metrics import board, overview


def test_an_alert_names_the_area_that_owns_the_case_at_every_level(conn):
    # A generation of districts only: the district owns its cases, and the alert must say so.
    new_generation(conn, [("district", "D-ALERT", square(5, 5, 5.1, 5.1), None)])
    case = conn.scalar(sa.text("""
        INSERT INTO incident (category, urgent, geom) VALUES ('other', true, ST_SetSRID(ST_MakePoint(5.05, 5.05), 4326))
        RETURNING id"""))
    alert = next(a for a in board.alerts(conn, limit=50) if a["id"] == case)
    assert alert["area_name"] == "D-ALERT"


def test_the_wall_the_map_and_the_view_give_one_overdue_count(conn):
    # An open case reported 40 days ago and long past its deadline lies outside the 30-day KPI window,
    # so a tile that took the window's "overdue" would miss it.
    new_generation(conn, [("district", "D-OVERDUE", square(6, 6, 6.1, 6.1), None)])
    conn.execute(sa.text("""
        INSERT INTO incident (category, geom, reported_at)
        VALUES ('other', ST_SetSRID(ST_MakePoint(6.05, 6.05), 4326), now() - interval '40 days')"""))
    view = conn.scalar(sa.text("SELECT count(*) FROM incident_overdue WHERE overdue"))
    wall = next(t["value"] for t in board.tiles(conn) if t["key"] == "overdue")
    assert view >= 1
    assert wall == overview.summary(conn)["overdue"] == view


def test_the_wall_names_a_micro_grid_with_its_community(conn):
    """Every community has a 第2网格: the alert list says which one."""
    case = conn.scalar(sa.text("""
        SELECT i.id FROM incident i JOIN case_status s ON s.code = i.status
        WHERE s.open AND i.micro_grid_id IS NOT NULL ORDER BY i.id LIMIT 1"""))
    conn.execute(sa.text("UPDATE incident SET urgent = true, reported_at = now() WHERE id = :i"), {"i": case})
    community, micro = conn.execute(sa.text("""
        SELECT c.name, m.name FROM incident i JOIN area c ON c.id = i.community_id
        JOIN area m ON m.id = i.micro_grid_id WHERE i.id = :i"""), {"i": case}).one()
    alert = next(a for a in board.alerts(conn, limit=50) if a["id"] == case)
    assert alert["area_name"] == f"{community}·{micro}"
