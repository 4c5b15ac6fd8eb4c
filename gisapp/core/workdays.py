"""The Chinese working calendar in the database, so SLA deadlines are computed there for every writer.

Three sources, never hard-coded, each day tagged with where it came from (calendar_day.source):
- official: the chinese-calendar package, which carries the State Council's notices it knows;
- rule: years it has no data for, from the `holidays` package's statutory holidays and weekends
  (without the 调休 make-up working days, which only the year's notice can tell);
- notice: a year's notice an administrator loads (`gisapp calendar load`); it always wins.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import chinese_calendar
import holidays
import sqlalchemy as sa
from pydantic import Field, model_validator
from sqlalchemy.engine import Connection

from .errors import N_, Text
from .validation import Body, refuse_at, text

RULE_YEARS_AHEAD = 5          # the rule-based fallback reaches this many years past today
WARN_DAYS = 60                # warn when a day this soon has no official data


def _official() -> dict[date, tuple[bool, str]]:
    known = set(chinese_calendar.constants.holidays) | set(chinese_calendar.constants.workdays)
    out, day, last = {}, date(min(known).year, 1, 1), date(max(known).year, 12, 31)
    while day <= last:
        _, name = chinese_calendar.get_holiday_detail(day)
        out[day] = (chinese_calendar.is_workday(day), name or "")
        day += timedelta(days=1)
    return out


def _by_rule(year: int) -> dict[date, tuple[bool, str]]:
    """A year without official data: statutory holidays off, weekends off, every other day worked."""
    statutory = holidays.China(years=year, language="zh_CN")
    out, day = {}, date(year, 1, 1)
    while day.year == year:
        name = statutory.get(day)
        out[day] = (name is None and day.isoweekday() < 6, name or "")
        day += timedelta(days=1)
    return out


def calendar_rows(today: date | None = None) -> list[dict]:
    """Every day from the package's first year to RULE_YEARS_AHEAD years past today."""
    official = _official()
    last_year = max(max(official).year, (today or date.today()).year + RULE_YEARS_AHEAD)
    rows = [{"day": d, "workday": w, "name": n, "source": "official"} for d, (w, n) in sorted(official.items())]
    for year in range(max(official).year + 1, last_year + 1):
        rows += [{"day": d, "workday": w, "name": n, "source": "rule"} for d, (w, n) in sorted(_by_rule(year).items())]
    return rows


_SYNC = sa.text("""
    INSERT INTO calendar_day (day, workday, name, source)
    SELECT * FROM unnest(CAST(:days AS date[]), CAST(:workdays AS boolean[]), CAST(:names AS text[]),
                         CAST(:sources AS text[]))
    ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, name = excluded.name, source = excluded.source
    WHERE calendar_day.source <> 'notice'
      AND (calendar_day.workday, calendar_day.name, calendar_day.source)
          IS DISTINCT FROM (excluded.workday, excluded.name, excluded.source)""")


def sync_calendar(conn: Connection, today: date | None = None) -> int:
    """Write the days the packages know and the table lacks or holds otherwise, in one statement; a
    loaded notice's days are kept. Returns the rows written."""
    rows = calendar_rows(today)
    return conn.execute(_SYNC, {"days": [r["day"] for r in rows], "workdays": [r["workday"] for r in rows],
                                "names": [r["name"] for r in rows], "sources": [r["source"] for r in rows]}).rowcount


# --- a year's notice (国务院办公厅关于 YYYY 年部分节假日安排的通知) -------------------------------


class _Written(Body):
    """Parts of a file a person writes: dates may be text ("2027-02-05") as well as YAML dates."""
    model_config = Body.model_config | {"strict": False}


class Span(_Written):
    """One holiday: a day, or the days from..to (both included)."""
    day: date | None = None
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")
    name: text(40) = ""

    @model_validator(mode="after")
    def _one_day_or_a_range(self) -> Span:
        if (self.day is None) == (self.start is None or self.end is None):
            raise refuse_at(Span, "day", N_("give a day, or from and to"), self.day)
        if self.start and self.end and not self.start <= self.end <= self.start + timedelta(days=31):
            raise refuse_at(Span, "to", N_("must be on or after from, within 31 days"), self.end)
        return self

    def days(self) -> list[date]:
        if self.day is not None:
            return [self.day]
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


class NoticeIn(_Written):
    """The year's notice as an administrator writes it down (YAML or JSON): its holidays and its 调休
    make-up working days. Every other day of the year is worked Monday to Friday."""
    year: Annotated[int, Field(ge=2000, le=2100)]
    title: text(300) = ""
    holidays: Annotated[list[Span], Field(min_length=1, max_length=60)]
    workdays: Annotated[list[Span], Field(max_length=60)] = []

    @model_validator(mode="after")
    def _inside_the_year(self) -> NoticeIn:
        for field in ("holidays", "workdays"):
            outside = [d for s in getattr(self, field) for d in s.days() if d.year != self.year]
            if outside:
                raise refuse_at(NoticeIn, field, Text(N_("%(day)s is not in %(year)s"), day=outside[0],
                                                      year=self.year), outside[0])
        both = {d for s in self.holidays for d in s.days()} & {d for s in self.workdays for d in s.days()}
        if both:
            raise refuse_at(NoticeIn, "workdays", Text(N_("%(day)s is also a holiday"), day=min(both)), min(both))
        return self

    def year_days(self) -> dict[date, tuple[bool, str]]:
        out, day = {}, date(self.year, 1, 1)
        while day.year == self.year:
            out[day] = (day.isoweekday() < 6, "")
            day += timedelta(days=1)
        out |= {d: (False, s.name) for s in self.holidays for d in s.days()}
        out |= {d: (True, s.name or "调休") for s in self.workdays for d in s.days()}
        return out


def load_notice(conn: Connection, notice: NoticeIn, loaded_by: str) -> list[dict]:
    """Write a year's notice; returns the days it changes, [{day, was, becomes, name}]. Deadlines of
    cases already filed stay as they were set (incident.*_due are stored, not computed)."""
    days = notice.year_days()
    current = {r.day: r for r in conn.execute(sa.text(
        "SELECT day, workday, name FROM calendar_day WHERE day BETWEEN :a AND :b"),
        {"a": date(notice.year, 1, 1), "b": date(notice.year, 12, 31)})}
    changes = [{"day": d, "was": current[d].workday if d in current else None, "becomes": w, "name": n}
               for d, (w, n) in sorted(days.items()) if d not in current or current[d].workday != w]
    conn.execute(sa.text("""
        INSERT INTO calendar_day (day, workday, name, source)
        SELECT *, 'notice' FROM unnest(CAST(:days AS date[]), CAST(:workdays AS boolean[]), CAST(:names AS text[]))
        ON CONFLICT (day) DO UPDATE SET workday = excluded.workday, name = excluded.name, source = 'notice'"""),
        {"days": list(days), "workdays": [w for w, _ in days.values()], "names": [n for _, n in days.values()]})
    conn.execute(sa.text("""
        INSERT INTO calendar_notice (year, title, loaded_by) VALUES (:y, :t, :by)
        ON CONFLICT (year) DO UPDATE SET title = excluded.title, loaded_by = excluded.loaded_by, loaded_at = now()"""),
        {"y": notice.year, "t": notice.title, "by": loaded_by})
    return changes


def unofficial_soon(conn: Connection, days: int = WARN_DAYS) -> date | None:
    """The first day within `days` from today (the database's) with no official data, or None."""
    return conn.scalar(sa.text("""
        SELECT min(d)::date FROM generate_series(gisapp_today(), gisapp_today() + :n, interval '1 day') d
        LEFT JOIN calendar_day c ON c.day = d::date
        WHERE c.day IS NULL OR c.source = 'rule'"""), {"n": days})
