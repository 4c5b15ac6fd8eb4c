"""Facts about the database a health check reports: PostGIS, and how far the working calendar reaches."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

CALENDAR_MARGIN = timedelta(days=90)


def database_facts(conn: Connection) -> dict:
    """{postgis, calendar_until, warnings}; past the calendar's last day SLA time counts Mon–Fri only."""
    postgis = conn.scalar(sa.text("SELECT postgis_lib_version()"))
    until = conn.scalar(sa.text("SELECT max(day) FROM calendar_day"))
    warnings = []
    if until is None or until < date.today() + CALENDAR_MARGIN:
        warnings.append({"field": "calendar", "message": f"the working calendar ends on {until}; "
                         "upgrade the chinesecalendar package and run `gisapp db upgrade`"})
    return {"postgis": postgis, "calendar_until": until and until.isoformat(), "warnings": warnings}
