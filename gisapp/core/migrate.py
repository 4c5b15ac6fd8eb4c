"""Bring a database to the current schema: frozen alembic revisions, then the repeatable SQL files.

Revisions (migrations/versions) hold tables and data and never change once released. Functions,
views and triggers live in sql/*.sql and are re-applied, in file order, on every upgrade: every
trigger and view of ours is dropped and made again, every function is replaced, and a gisapp_
function that no file defines any more is dropped. So a database upgraded from any revision and a
fresh one end up the same (tests/core/test_migrate.py builds both and compares them).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from .db import ensure_database, get_engine
from .settings import Settings, user_name
from .workdays import sync_calendar

HERE = Path(__file__).resolve().parent
REVISIONS = HERE / "migrations"
REPEATABLE = HERE / "sql"

# Objects of ours, never those an extension (PostGIS) brings.
_OURS = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"
_TRIGGERS = sa.text(f"""
    SELECT format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace AND {_OURS.format(oid="t.oid")}""")
_VIEWS = sa.text(f"""
    SELECT format('DROP VIEW IF EXISTS %s CASCADE', c.oid::regclass)
    FROM pg_class c WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace
      AND {_OURS.format(oid="c.oid")}""")
# Our functions, each with its row's version: CREATE OR REPLACE writes a new row version, so a function
# whose version is unchanged after the files ran is one no file defines any more (stale).
_FUNCTIONS = sa.text(f"""
    SELECT p.oid, p.ctid::text, format('DROP FUNCTION %s', p.oid::regprocedure)
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'gisapp\\_%'
      AND {_OURS.format(oid="p.oid")}""")


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(REVISIONS))
    cfg.attributes["connection"] = conn
    return cfg


def revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _run(conn: Connection, sql: str) -> None:
    """SQL as written (several statements, % signs and all), on the connection's own transaction."""
    with conn.connection.dbapi_connection.cursor() as cur:
        cur.execute(sql)


def apply_repeatable(conn: Connection) -> list[str]:
    """Re-create every function, view and trigger from sql/*.sql; returns the files applied."""
    _run(conn, "SET LOCAL check_function_bodies = off")   # a file may name a function of a later file
    for query in (_TRIGGERS, _VIEWS):
        for (statement,) in conn.execute(query).all():
            _run(conn, statement)
    before = set(conn.execute(_FUNCTIONS).all())
    files = sorted(REPEATABLE.glob("*.sql"))
    if not files:   # a package built without its SQL would leave the released revisions' old functions
        raise RuntimeError(f"no repeatable SQL files in {REPEATABLE}: the package is incomplete")
    for path in files:
        _run(conn, path.read_text(encoding="utf-8"))
    for _oid, _version, statement in before & set(conn.execute(_FUNCTIONS).all()):
        _run(conn, statement)
    _run(conn, "SET LOCAL check_function_bodies = on")
    return [p.name for p in files]


# The app's role may read and write, but never rewrite history: no UPDATE or DELETE on these.
APPEND_ONLY = ("incident_event", "attachment", "audit_log")
_GRANTS = """
    GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {role};
    GRANT USAGE ON SCHEMA public TO {role};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
    REVOKE UPDATE, DELETE, TRUNCATE ON {append_only} FROM {role};
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version, spatial_ref_sys FROM {role};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


def grant(conn: Connection, role: str) -> bool:
    """Make `role` (created if missing, without a password) the app's least-privilege login.
    False when the app connects as the owner itself, which no grant can restrict."""
    if not role or role == conn.scalar(sa.text("SELECT current_user")):
        return False
    if not conn.scalar(sa.text("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :r)"), {"r": role}):
        _run(conn, conn.scalar(sa.text("SELECT format('CREATE ROLE %I LOGIN', CAST(:r AS text))"), {"r": role}))
    quoted = conn.execute(sa.text("SELECT quote_ident(:r), quote_ident(current_database())"), {"r": role}).one()
    _run(conn, _GRANTS.format(role=quoted[0], db=quoted[1], append_only=", ".join(APPEND_ONLY)))
    return True


def upgrade(url: str, settings: Settings, to: str = "head", app_role: str | None = None) -> tuple[str | None, str, int]:
    """Create the database if needed, migrate it as the owner (`url`), grant the app's role (the user
    of DATABASE_URL, or `app_role`) what it may do, and write the settings and calendar that triggers
    read. Returns (revision before, revision after, calendar days written).

    `to` other than head stops at that frozen revision without the repeatable files (the upgrade
    test builds old databases this way)."""
    ensure_database(url)
    with get_engine(url).begin() as conn:
        before = revision(conn)
        command.upgrade(_config(conn), to)
        after = revision(conn)
        if to != "head":
            return before, after, 0
        apply_repeatable(conn)
        grant(conn, user_name(settings.database_url) if app_role is None else app_role)
        conn.execute(sa.text("INSERT INTO app_setting VALUES (:k, :v) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                     [{"k": "snap_metres", "v": str(settings.snap_metres)},
                      {"k": "timezone", "v": settings.timezone}])
        days = sync_calendar(conn)
    return before, after, days
