"""The working calendar (gisapp.core.workdays) and working hours by lookup (gisapp_add_work_hours)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gisapp.core.errors import ApiError
from gisapp.core.validation import parse
from gisapp.core.workdays import NoticeIn, load_notice, unofficial_soon

SH = ZoneInfo("Asia/Shanghai")
# An example notice for 2027 (made up for the tests: the real one is published late in 2026).
NOTICE = {"year": 2027, "title": "示例：2027年部分节假日安排",
          "holidays": [{"day": "2027-01-01", "name": "元旦"},
                       {"from": "2027-02-05", "to": "2027-02-13", "name": "春节"},
                       {"from": "2027-10-01", "to": "2027-10-07", "name": "国庆节"}],
          "workdays": [{"day": "2027-02-14", "name": "春节调休"}, {"day": "2027-02-20"}, {"day": "2027-10-09"}]}


def due(conn, start: datetime, hours: float, walk: bool = False) -> datetime:
    fn = "gisapp_add_work_hours_walk" if walk else "gisapp_add_work_hours"
    return conn.scalar(sa.text(f"SELECT {fn}(:t, :h)"), {"t": start, "h": hours}).astimezone(SH).replace(tzinfo=None)


def test_the_calendar_reaches_past_the_official_data_by_rule(conn):
    rows = dict(conn.execute(sa.text("SELECT source, max(day) FROM calendar_day GROUP BY source")).all())
    assert rows["official"] == date(2026, 12, 31) or rows["official"].year > 2026
    assert rows["rule"] >= date(date.today().year + 5, 12, 31)
    spring = dict(conn.execute(sa.text(
        "SELECT day, workday FROM calendar_day WHERE day BETWEEN '2027-02-05' AND '2027-02-10'")).all())
    assert not any(spring.values())     # Spring Festival 2027 is off even with no official data


def test_over_spring_festival_2027_by_rule_then_by_the_notice(conn):
    thursday = datetime(2027, 2, 4, 16, 0, tzinfo=SH)
    # By rule: 1 h on Thu 4 Feb; 5–10 Feb off (the festival, its observed days, a weekend); 8 h Thu 11, 7 h Fri 12.
    assert due(conn, thursday, 16) == datetime(2027, 2, 12, 16, 0)
    changes = load_notice(conn, parse(NoticeIn, NOTICE), "test")
    assert {c["day"]: c["becomes"] for c in changes}[date(2027, 2, 14)] is True    # a make-up Sunday
    # By the notice: 1 h on Thu 4 Feb; off to Sat 13; 8 h on the make-up Sunday 14; 7 h on Mon 15.
    assert due(conn, thursday, 16) == datetime(2027, 2, 15, 16, 0)
    assert conn.scalar(sa.text("SELECT source FROM calendar_day WHERE day = '2027-06-01'")) == "notice"


def test_a_notice_does_not_move_the_deadlines_of_cases_already_filed(conn, first_micro_grid):
    filed = conn.scalar(sa.text("""
        INSERT INTO incident (category, geom, reported_at)
        VALUES ('drainage', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), '2027-02-04 16:00+08') RETURNING handle_due"""),
        first_micro_grid)
    case = conn.scalar(sa.text("SELECT id FROM incident WHERE handle_due = :d ORDER BY id DESC LIMIT 1"), {"d": filed})
    load_notice(conn, parse(NoticeIn, NOTICE), "test")
    assert conn.scalar(sa.text("SELECT handle_due FROM incident WHERE id = :i"), {"i": case}) == filed


def test_the_sync_keeps_a_loaded_notice(conn):
    from gisapp.core.workdays import sync_calendar
    load_notice(conn, parse(NoticeIn, NOTICE), "test")
    sync_calendar(conn)
    assert conn.scalar(sa.text("SELECT workday FROM calendar_day WHERE day = '2027-02-14'")) is True
    assert sync_calendar(conn) == 0      # nothing new: nothing written


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.datetimes(min_value=datetime(2025, 12, 20), max_value=datetime(2028, 1, 10)),
       hours=st.floats(min_value=0.25, max_value=400))
def test_working_hours_by_lookup_equal_the_walk_day_by_day(conn, start, hours):
    """The connection's transaction is read only here, so sharing it between examples is safe."""
    begin = start.replace(tzinfo=SH)
    assert abs(due(conn, begin, hours) - due(conn, begin, hours, walk=True)) < timedelta(seconds=1)


@pytest.mark.parametrize("notice, field", [
    ({**NOTICE, "holidays": [{"day": "2028-01-01"}]}, "holidays"),
    ({**NOTICE, "workdays": [{"day": "2027-02-06"}]}, "workdays"),
    ({**NOTICE, "holidays": [{"from": "2027-02-05"}]}, "holidays[0].day"),
    ({**NOTICE, "holidays": [{"from": "2027-02-05", "to": "2027-04-05"}]}, "holidays[0].to"),
    ({**NOTICE, "year": 1999}, "year"),
    ({"year": 2027}, "holidays"),
])
def test_a_bad_notice_is_refused_naming_the_field(notice, field):
    with pytest.raises(ApiError) as refused:
        parse(NoticeIn, notice)
    assert field in [f for f, _m in refused.value.errors]


def test_a_day_soon_without_official_data_is_found(conn):
    today = conn.scalar(sa.text("SELECT gisapp_today()"))
    conn.execute(sa.text("UPDATE calendar_day SET source = 'rule' WHERE day = :d"), {"d": today + timedelta(days=10)})
    assert unofficial_soon(conn) <= today + timedelta(days=10)
    conn.execute(sa.text("UPDATE calendar_day SET source = 'official' WHERE day BETWEEN :a AND :b"),
                 {"a": today, "b": today + timedelta(days=70)})
    assert unofficial_soon(conn) is None
