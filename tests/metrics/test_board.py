"""The big screen's numbers (gisapp.metrics.board) on small hand-built worlds."""

from __future__ import annotations

import sqlalchemy as sa

from fixtures.worlds import new_generation, square
from gisapp.metrics import board


def test_an_alert_names_the_area_that_owns_the_case_at_every_level(conn):
    # A generation of districts only: the district owns its cases, and the alert must say so.
    new_generation(conn, [("district", "D-ALERT", square(5, 5, 5.1, 5.1), None)])
    case = conn.scalar(sa.text("""
        INSERT INTO incident (category, urgent, geom) VALUES ('other', true, ST_SetSRID(ST_MakePoint(5.05, 5.05), 4326))
        RETURNING id"""))
    alert = next(a for a in board.alerts(conn, limit=50) if a["id"] == case)
    assert alert["area_name"] == "D-ALERT"
