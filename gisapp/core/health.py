"""Facts about the database a health check reports: PostGIS, and how far the working calendar reaches."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .workdays import unofficial_soon

CALENDAR_MARGIN = timedelta(days=90)


def database_facts(conn: Connection, timezone: str) -> dict:
    """{postgis, calendar_until, calendar_official_until, warnings}; past the calendar's last day SLA time
    counts Mon–Fri only, and days by rule lack the 调休 make-up working days.

    `timezone` is the app's GISAPP_TIMEZONE: the database counts days in the zone `gisapp db upgrade`
    wrote, and the two must agree or the pages and the database disagree on what "today" is."""
    postgis, until, db_zone = conn.execute(sa.text(
        "SELECT postgis_lib_version(), (SELECT max(day) FROM calendar_day), gisapp_timezone()")).one()
    warnings = []
    if db_zone != timezone:
        warnings.append({"field": "timezone", "message": f"the database counts days in {db_zone}, the app in "
                         f"{timezone}; run `gisapp db upgrade` with the GISAPP_TIMEZONE you serve with"})
    soon = unofficial_soon(conn)
    if until is None or until < date.today() + CALENDAR_MARGIN:
        warnings.append({"field": "calendar", "message": f"the working calendar ends on {until}; "
                         "run `gisapp db upgrade` (it extends the calendar by rule)"})
    elif soon is not None:
        warnings.append({"field": "calendar", "message": f"from {soon} the working calendar has no official data: "
                         "statutory holidays count by rule, 调休 make-up days are missing; load the year's notice "
                         "with `gisapp calendar load FILE --commit`"})
    return {"postgis": postgis, "calendar_until": until and until.isoformat(),
            "calendar_official_until": soon and (soon - timedelta(days=1)).isoformat(), "warnings": warnings}
