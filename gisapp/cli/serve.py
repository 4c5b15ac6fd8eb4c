"""`gisapp serve`: the web app under gunicorn, or Flask's debug server."""

from __future__ import annotations

import os

import click

from gisapp.core.settings import DEV_SECRET, get_settings


@click.command()
@click.option("--host", default=None, help="Interface to listen on [GISAPP_HOST, 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [GISAPP_PORT, 8050].")
@click.option("--workers", type=int, default=None, help="gunicorn workers [GISAPP_WORKERS, 2].")
@click.option("--threads", type=int, default=None,
              help="Threads per worker [GISAPP_THREADS, 32]; each open map holds one for its live stream.")
@click.option("--dev", is_flag=True, help="Flask's debug server with reload, for development.")
@click.option("--api-only", is_flag=True, help="Only the JSON API under /api/v1: no pages, and Dash is not loaded.")
def serve(host: str | None, port: int | None, workers: int | None, threads: int | None, dev: bool,
          api_only: bool) -> None:
    """Serve the app and API against DATABASE_URL. Loads nothing. Outside demo mode (GISAPP_DEMO) it refuses
    the development secret key."""
    from gisapp.web.server import run
    if threads:   # the workers read it too (live streams take at most half of them)
        os.environ["GISAPP_THREADS"] = str(threads)
        get_settings.cache_clear()
    settings = get_settings()
    if settings.secret_key == DEV_SECRET and not settings.demo:
        raise click.ClickException("GISAPP_SECRET_KEY is the development key; set your own "
                                   "(GISAPP_SECRET_KEY=$(openssl rand -hex 32)), or GISAPP_DEMO=1 for a demo")
    run(host or settings.host, port or settings.port, workers or settings.workers, dev,
        threads=threads or settings.threads, api_only=api_only)
