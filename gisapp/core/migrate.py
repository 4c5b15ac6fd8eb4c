"""Run alembic from inside the package, so `gisapp db upgrade` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from .db import ensure_database, get_engine
from .settings import Settings
from .workdays import sync_calendar

HERE = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def upgrade(url: str, settings: Settings) -> tuple[str | None, str, int]:
    """Create the database if needed, migrate it, and write the settings and calendar that
    triggers read. Returns (revision before, revision after, calendar days written)."""
    ensure_database(url)
    cfg = _config()
    with get_engine(url).begin() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        after = MigrationContext.configure(conn).get_current_revision()
        conn.execute(sa.text("INSERT INTO app_setting VALUES (:k, :v) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                     [{"k": "snap_metres", "v": str(settings.snap_metres)},
                      {"k": "timezone", "v": settings.timezone}])
        days = sync_calendar(conn)
    return before, after, days
