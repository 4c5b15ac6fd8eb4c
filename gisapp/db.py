"""Engines and transactions: the only place that knows how to reach PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .config import database_name, get_settings, sqlalchemy_url, with_database


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """One pooled engine per URL; created lazily, never at import time."""
    return sa.create_engine(sqlalchemy_url(url or get_settings().database_url), pool_pre_ping=True)


@contextmanager
def begin(url: str | None = None) -> Iterator[Connection]:
    """A connection in a transaction: committed on success, rolled back on any error."""
    with get_engine(url).begin() as conn:
        yield conn


def ensure_database(url: str) -> bool:
    """Create the database named in `url` when it is missing. Returns True if it was created."""
    name = database_name(url)
    admin = sa.create_engine(sqlalchemy_url(with_database(url, "postgres")), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            return not exists
    finally:
        admin.dispose()
