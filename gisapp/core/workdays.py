"""The Chinese working calendar in the database, so SLA deadlines are computed there for every writer.

Holidays and make-up workdays (调休) come from the chinese-calendar package, never hard-coded.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from sqlalchemy.engine import Connection


def calendar_rows() -> list[dict]:
    """Every day of the years the package knows, with whether it is a working day."""
    known = set(chinese_calendar.constants.holidays) | set(chinese_calendar.constants.workdays)
    first, last = date(min(known).year, 1, 1), date(max(known).year, 12, 31)
    rows = []
    day = first
    while day <= last:
        _, name = chinese_calendar.get_holiday_detail(day)
        rows.append({"day": day, "workday": chinese_calendar.is_workday(day), "name": name or ""})
        day += timedelta(days=1)
    return rows


def sync_calendar(conn: Connection) -> int:
    """Write the calendar when the package knows days the table lacks. Returns rows written."""
    rows = calendar_rows()
    have = conn.execute(sa.text("SELECT count(*), max(day) FROM calendar_day")).one()
    if have[0] == len(rows) and have[1] == rows[-1]["day"]:
        return 0
    conn.execute(sa.text("""
        INSERT INTO calendar_day (day, workday, name) VALUES (:day, :workday, :name)
        ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, name = excluded.name"""), rows)
    return len(rows)
