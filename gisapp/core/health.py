"""Facts about the database a health check reports: PostGIS, and how far the working calendar reaches."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

CALENDAR_MARGIN = timedelta(days=90)


def database_facts(conn: Connection, timezone: str) -> dict:
    """{postgis, calendar_until, warnings}; past the calendar's last day SLA time counts Mon–Fri only.

    `timezone` is the app's GISAPP_TIMEZONE: the database counts days in the zone `gisapp db upgrade`
    wrote, and the two must agree or the pages and the database disagree on what "today" is."""
    postgis, until, db_zone = conn.execute(sa.text(
        "SELECT postgis_lib_version(), (SELECT max(day) FROM calendar_day), gisapp_timezone()")).one()
    warnings = []
    if db_zone != timezone:
        warnings.append({"field": "timezone", "message": f"the database counts days in {db_zone}, the app in "
                         f"{timezone}; run `gisapp db upgrade` with the GISAPP_TIMEZONE you serve with"})
    if until is None or until < date.today() + CALENDAR_MARGIN:
        warnings.append({"field": "calendar", "message": f"the working calendar ends on {until}; "
                         "upgrade the chinesecalendar package and run `gisapp db upgrade`"})
    return {"postgis": postgis, "calendar_until": until and until.isoformat(), "warnings": warnings}
