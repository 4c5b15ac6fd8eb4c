"""`gisapp db`: the schema."""

from __future__ import annotations

import click

from gisapp.core import migrate, vocabulary
from gisapp.core.db import connect
from gisapp.core.settings import get_settings


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the database if needed, migrate it (as GISAPP_OWNER_DATABASE_URL), grant the app's role."""
    settings = get_settings()
    before, after, days = migrate.upgrade(settings.effective_owner_url, settings)
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})")
               + (f"; working calendar: {days} days" if days else ""))


@db.command("vocabulary")
@click.option("--write", is_flag=True, help="Replace gisapp/core/vocabulary_generated.py instead of printing it.")
def db_vocabulary(write: bool) -> None:
    """The Python copy of the vocabulary tables (statuses, actions, levels …), as the database has them."""
    with connect() as conn:
        text = vocabulary.render(conn)
    if not write:
        click.echo(text, nl=False)
        return
    vocabulary.GENERATED.write_text(text, encoding="utf-8")
    click.echo(f"wrote {vocabulary.GENERATED}", err=True)
