"""`gisapp calendar status|load`: the working calendar, and a year's notice loaded from a YAML file."""

from __future__ import annotations

import sqlalchemy as sa

NOTICE = """\
year: 2027
title: 示例：2027年部分节假日安排（测试用）
holidays:
  - {from: 2027-02-05, to: 2027-02-13, name: 春节}
workdays:
  - {day: 2027-02-14, name: 春节调休}
"""


def test_status_says_where_the_days_come_from(gisapp):
    out = gisapp("calendar", "status").output
    assert "2026: official" in out and "2027: rule" in out


def test_load_reports_the_changed_days_and_writes_only_with_commit(gisapp, conn, tmp_path):
    path = tmp_path / "2027.yml"
    path.write_text(NOTICE, encoding="utf-8")
    dry = gisapp("calendar", "load", path).output
    assert "2027-02-14: day off → working day (春节调休)" in dry and "2027-02-11: working day → day off" in dry
    assert "Dry run" in dry
    assert conn.scalar(sa.text("SELECT source FROM calendar_day WHERE day = '2027-02-14'")) == "rule"
    gisapp("calendar", "load", path, "--commit")
    assert conn.scalar(sa.text("SELECT workday FROM calendar_day WHERE day = '2027-02-14'")) is True
    assert conn.scalar(sa.text("SELECT title FROM calendar_notice WHERE year = 2027")).startswith("示例")
    assert conn.scalar(sa.text("SELECT count(*) FROM audit_log WHERE action = 'calendar.load'")) >= 1


def test_a_bad_file_is_refused_naming_the_field(gisapp, tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("year: 2027\nholidays:\n  - {day: 2028-01-01}\n", encoding="utf-8")
    result = gisapp("calendar", "load", path, ok=False)
    assert result.exit_code == 1 and "holidays: 2028-01-01 is not in 2027" in result.output
    path.write_text("year: [2027\n", encoding="utf-8")
    assert gisapp("calendar", "load", path, ok=False).exit_code == 1
