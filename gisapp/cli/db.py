"""`gisapp db`: the schema."""

from __future__ import annotations

import click

from gisapp.core import migrate
from gisapp.core.settings import get_settings


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the database if needed, migrate it to the newest schema, sync settings it reads."""
    before, after, days = migrate.upgrade(get_settings().database_url, get_settings())
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})")
               + (f"; working calendar: {days} days" if days else ""))
