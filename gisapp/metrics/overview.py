"""Counts of what the database holds: for the health check and the map's summary tiles."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

COUNTS = sa.text("""
    SELECT gisapp_active_generation() AS generation,
           (SELECT count(*) FROM area WHERE generation_id = gisapp_active_generation()) AS areas,
           (SELECT count(*) FROM building) AS buildings,
           (SELECT count(*) FROM checkpoint) AS checkpoints,
           (SELECT count(*) FROM incident) AS incidents,
           (SELECT count(*) FROM incident i JOIN case_status s ON s.code = i.status WHERE s.open) AS open,
           (SELECT count(*) FROM incident WHERE status = 'unlocated') AS unlocated""")

SUMMARY = sa.text("""
    SELECT (SELECT count(*) FROM incident i JOIN case_status s ON s.code = i.status WHERE s.open) AS open,
           (SELECT count(*) FROM incident_overdue WHERE overdue) AS overdue,
           (SELECT count(*) FROM incident WHERE status = 'unlocated') AS unlocated,
           (SELECT count(*) FROM checkpoint WHERE status = 'offline') AS checkpoints_offline""")


def counts(conn: Connection) -> dict:
    return dict(conn.execute(COUNTS).mappings().one())


def summary(conn: Connection) -> dict:
    """What an operator glances at beside the map: open, overdue, unlocated, checkpoints offline."""
    return dict(conn.execute(SUMMARY).mappings().one())
