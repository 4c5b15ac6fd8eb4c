"""The `gisapp` command: one module per command group. Admin commands are dry runs unless given --commit."""

from __future__ import annotations

import click
import sqlalchemy as sa

from gisapp.core.settings import get_settings, sqlalchemy_url

from . import boundaries, calendar, cases, db, demo, export, layers, metrics, serve, users


class _Group(click.Group):
    """Turns an unreachable database into one clear line instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            url = sa.engine.make_url(sqlalchemy_url(get_settings().database_url))
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"cannot use the database {url.render_as_string(hide_password=True)}: {reason}\n"
                "Set DATABASE_URL, run `gisapp db upgrade`, or run `make run` to set up the local default.") from None


@click.group(cls=_Group)
def main() -> None:
    """gisapp: grid-based urban governance on PostGIS (DATABASE_URL picks the database)."""


for command in (db.db, serve.serve, demo.demo, boundaries.areas_group, boundaries.generations, cases.reports,
                metrics.kpis_group, layers.layers_group, users.users_group, users.tokens_group,
                calendar.calendar_group, export.export_group):
    main.add_command(command)
