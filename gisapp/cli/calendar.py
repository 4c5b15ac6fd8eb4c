"""`gisapp calendar`: the working calendar SLA deadlines count on, and loading a year's official notice."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
import sqlalchemy as sa
import yaml

from gisapp.access import audit
from gisapp.core.db import connect
from gisapp.core.errors import ApiError
from gisapp.core.validation import parse
from gisapp.core.workdays import NoticeIn, load_notice, unofficial_soon

from .transaction import COMMIT_HELP, fail, transaction


@click.group("calendar")
def calendar_group() -> None:
    """The working calendar (holidays and 调休 make-up working days)."""


@calendar_group.command("status")
def calendar_status() -> None:
    """Where each year's days come from, and whether a day soon lacks official data."""
    with connect() as conn:
        years = conn.execute(sa.text("""
            SELECT extract(year FROM day)::int AS year, min(source) AS source,
                   count(*) FILTER (WHERE workday) AS workdays
            FROM calendar_day GROUP BY 1 ORDER BY 1 DESC LIMIT 8""")).all()
        soon = unofficial_soon(conn)
    for year, source, workdays in reversed(years):
        click.echo(f"{year}: {source} ({workdays} working days)")
    if soon:
        click.secho(f"warning: {soon} and later have no official data (only statutory holidays by rule, no 调休); "
                    "load the year's notice with `gisapp calendar load FILE --commit`", fg="yellow")


@calendar_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
def calendar_load(file: Path, commit: bool) -> None:
    """Load a year's notice (YAML: year, title, holidays, workdays) and list the days it changes.

    Deadlines of cases already filed are not moved: they were set when the cases were filed."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        fail([str(exc).splitlines()[0]], f"calendar load: {file} is not YAML; nothing written")
    try:
        notice = parse(NoticeIn, data if isinstance(data, dict) else {"year": data})
    except ApiError as exc:
        fail([f"{field}: {message}" for field, message in exc.errors], f"calendar load: {file}: nothing written")
    with transaction(commit) as conn:
        actor = f"cli:{getpass.getuser()}"
        changes = load_notice(conn, notice, actor)
        audit.record(conn, "calendar.load", actor=actor, target=f"calendar {notice.year}",
                     detail={"title": notice.title, "changed_days": len(changes)})
    word = {True: "working day", False: "day off", None: "not in the calendar"}
    for c in changes:
        click.echo(f"{c['day']}: {word[c['was']]} → {word[c['becomes']]}" + (f" ({c['name']})" if c["name"] else ""))
    click.echo(f"{notice.year}: {len(changes)} days change" + ("" if commit else " (dry run)"))
