"""Run alembic from inside the package, so `gisapp db upgrade` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from .db import ensure_database, get_engine

HERE = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str]:
    """Create the database if needed and migrate it. Returns (revision before, revision after)."""
    ensure_database(url)
    cfg = _config()
    with get_engine(url).begin() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        after = MigrationContext.configure(conn).get_current_revision()
    return before, after
