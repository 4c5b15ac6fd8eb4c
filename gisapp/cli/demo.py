"""`gisapp demo load`: the demo district, into an empty database; `gisapp demo generate`: a synthetic city;
`gisapp demo users`: the demo's people."""

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


@demo.command("generate")
@click.option("--scale", type=click.Choice(["town", "city"]), default="town", show_default=True,
              help="town: 200 micro-grids and 2,000 cases; city: 100,000 micro-grids, 300,000 buildings "
                   "and 1,000,000 cases over the past year.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed makes the same city.")
@click.option("--commit", is_flag=True, help=COMMIT_HELP)
def demo_generate(scale: str, seed: int, commit: bool) -> None:
    """Generate a synthetic city (marked synthetic everywhere) into an empty database."""
    from gisapp.demo.city import generate
    from gisapp.demo.load import holds_data
    with transaction(commit) as conn:
        if holds_data(conn):
            fail(["a synthetic city is generated only into an empty database"],
                 "demo generate: the database already holds data")
        for line in generate(conn, scale, seed):
            click.echo(line)


@demo.command("users")
def demo_users() -> None:
    """One user per role (demo mode only, GISAPP_DEMO=1): prints their names, and a password once."""
    from gisapp.core.db import begin
    from gisapp.core.settings import get_settings
    from gisapp.demo.users import make_demo_users
    if not get_settings().demo:
        raise click.ClickException("demo users exist only in demo mode (GISAPP_DEMO=1); "
                                   "make real accounts with `gisapp users add`")
    with begin() as conn:
        password, people = make_demo_users(conn)
    click.echo("demo users, one per role:")
    for u in people:
        click.echo(f"  {u['name']:<18} {u['role']:<11} {u['scope']}".rstrip())
    if password:
        click.echo(f"password for all of them (shown this once): {password}")
    else:
        click.echo("their password was shown when they were made; set another with "
                   "`gisapp users passwd demo.admin --password-stdin`")
