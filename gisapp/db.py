"""Engines and transactions: the only place that knows how to reach PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .config import database_name, get_settings, sqlalchemy_url, with_database

# Set by `bind()`: every unit of work then runs as a savepoint on this one connection.
# Tests use it to wrap a whole request or command in a transaction they roll back.
_bound: ContextVar[Connection | None] = ContextVar("gisapp_bound_connection", default=None)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """One pooled engine per URL; created lazily, never at import time."""
    return sa.create_engine(sqlalchemy_url(url or get_settings().database_url), pool_pre_ping=True)


@contextmanager
def bind(conn: Connection) -> Iterator[Connection]:
    token = _bound.set(conn)
    try:
        yield conn
    finally:
        _bound.reset(token)


@contextmanager
def connect() -> Iterator[Connection]:
    """A connection with no transaction of its own (the bound one, if any)."""
    bound = _bound.get()
    if bound is not None:
        yield bound
        return
    with get_engine().connect() as conn:
        yield conn


def start(conn: Connection):
    """Begin a transaction on `conn`, or a savepoint when one is already open."""
    return conn.begin_nested() if conn.in_transaction() else conn.begin()


@contextmanager
def begin() -> Iterator[Connection]:
    """A unit of work: committed on success, rolled back on any error."""
    with connect() as conn, start(conn):
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
