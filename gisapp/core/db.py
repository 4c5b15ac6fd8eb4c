"""Engines and transactions: the only place that knows how to reach PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .settings import database_name, get_settings, sqlalchemy_url, with_database

# Set by `bind()`: every unit of work then runs as a savepoint on this one connection.
# Tests use it to wrap a whole request or command in a transaction they roll back.
_bound: ContextVar[Connection | None] = ContextVar("gisapp_bound_connection", default=None)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """One pooled engine per URL; created lazily, never at import time. Connections are pinged before
    use, so a restarted database is simply reconnected; an unreachable one fails within seconds."""
    return sa.create_engine(sqlalchemy_url(url or get_settings().database_url), pool_pre_ping=True,
                            pool_timeout=10, connect_args={"connect_timeout": 5})


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


def _admin(url: str) -> Engine:
    return sa.create_engine(sqlalchemy_url(with_database(url, "postgres")), isolation_level="AUTOCOMMIT")


def ensure_database(url: str) -> bool:
    """Create the database named in `url` when it is missing. Returns True if it was created.

    It connects to the database itself first, so a role that may not use the `postgres`
    maintenance database still works when its database exists.
    """
    probe = sa.create_engine(sqlalchemy_url(url))
    try:
        with probe.connect():
            return False
    except sa.exc.OperationalError as exc:
        if "does not exist" not in str(exc.orig):
            raise
    finally:
        probe.dispose()
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{database_name(url)}"'))
        return True
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    """Drop the database named in `url` (tests and benchmarks rebuild theirs on every run)."""
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)'))
    finally:
        admin.dispose()
