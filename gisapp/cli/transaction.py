"""How admin commands write: one transaction, rolled back unless --commit (as in MapIt), and one way to fail."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from gisapp.core.db import connect, start

COMMIT_HELP = "Write the changes. Without it, the command reports what it would do and rolls back."


@contextmanager
def transaction(commit: bool):
    """One transaction for the whole command; rolled back unless --commit."""
    with connect() as conn:
        trans = start(conn)
        try:
            yield conn
        except BaseException:
            trans.rollback()
            raise
        if commit:
            trans.commit()
        else:
            trans.rollback()
            click.secho("Dry run: nothing was written. Run again with --commit to write.", fg="yellow")


def fail(lines: list[str], header: str) -> None:
    click.secho(header, fg="red", err=True)
    for line in lines[:50]:
        click.echo(f"  - {line}", err=True)
    if len(lines) > 50:
        click.echo(f"  … and {len(lines) - 50} more", err=True)
    sys.exit(1)
