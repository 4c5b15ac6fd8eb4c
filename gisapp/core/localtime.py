"""What "today" and "the last N days" mean: local days in GISAPP_TIMEZONE, counted by the database.

SQL has the one definition (gisapp_today, gisapp_day_start in core/sql/10_settings.sql, driven by
the timezone that `gisapp db upgrade` writes from GISAPP_TIMEZONE); Python asks it, so the map's
panel, the big screen and the KPIs never count different days.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

RECENT_DAYS = 30   # "the last 30 days" of the map panel, the big screen and the choropleth


def today(conn: Connection) -> date:
    return conn.scalar(sa.text("SELECT gisapp_today()"))


def last_days(conn: Connection, days: int = RECENT_DAYS) -> tuple[date, date]:
    """[first day, the day after today): the last `days` local days, today included."""
    now = today(conn)
    return now - timedelta(days=days - 1), now + timedelta(days=1)
