"""`gisapp demo load`: the demo district, into an empty database."""

from __future__ import annotations

import click

from .transaction import COMMIT_HELP, fail, transaction


@click.group()
def demo() -> None:
    """The demo district on real OpenStreetMap data of Lujiazui."""


@demo.command("load")
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has areas.")
def demo_load(commit: bool, if_empty: bool) -> None:
    """Load the demo district (shipped in gisapp/demo/data, or GISAPP_DEMO_DIR) into an empty database."""
    from gisapp.demo.load import holds_data, load_demo
    with transaction(commit) as conn:
        if holds_data(conn):
            if if_empty:
                click.echo("demo: the database already holds data; nothing loaded")
                return
            fail(["the demo loads only into an empty database"], "demo: the database already holds data")
        for line in load_demo(conn):
            click.echo(line)
