"""Real PostGIS for every test: a fresh test database per run, each test rolled back.

The database is `<DATABASE_URL's db>_test` (or GISAPP_TEST_DATABASE_URL). It is dropped and
rebuilt at the start of a run, migrated, and given the demo district, committed, so that
browser tests (whose server runs in another thread) see it too. Everything a test writes
goes through `gisapp.db.bind`, inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import os
import secrets

import pytest
import sqlalchemy as sa

from gisapp.core import db, migrate
from gisapp.core import settings as config


@pytest.fixture(scope="session")
def owner_url() -> str:
    """The test database as its owner (migrations, and tests of what the app's role may not do)."""
    return config.Settings.from_env().effective_test_owner_url


@pytest.fixture(scope="session")
def database_url(owner_url) -> str:
    """The test database as the app connects to it: its least-privilege role."""
    url = config.Settings.from_env().effective_test_database_url
    os.environ["DATABASE_URL"] = url          # the app, the CLI and the browser server all use it
    os.environ["GISAPP_OWNER_DATABASE_URL"] = owner_url
    os.environ["GISAPP_SECRET_KEY"] = "test-" + secrets.token_hex(16)   # not demo mode: a secret of its own
    os.environ.pop("GISAPP_DEMO", None)
    # The abuse limits are tested on apps of their own (tests/web/test_limits.py); the rest of the suite
    # posts and signs in far faster than a person.
    os.environ["GISAPP_REPORT_LIMIT"] = os.environ["GISAPP_LOGIN_LIMIT"] = "100000 per minute"
    os.environ["GISAPP_REDIS_URL"] = "redis://127.0.0.1:6379/15"   # the tests' own counters
    config.get_settings.cache_clear()
    db.drop_database(owner_url)
    migrate.upgrade(owner_url, config.get_settings())
    from gisapp.demo.load import load_demo
    from gisapp.demo.users import make_demo_users
    with db.get_engine(url).begin() as conn:
        for _ in load_demo(conn):
            pass
        make_demo_users(conn)
    return url


def _micro_grid(url: str, last: bool) -> dict:
    with db.get_engine(url).connect() as c:
        return dict(c.execute(sa.text(f"""
            SELECT ST_X(p) AS lon, ST_Y(p) AS lat, m.code, m.name, g.code AS grid_code
            FROM area m JOIN area g ON g.id = m.parent_id, ST_PointOnSurface(m.geom) p
            WHERE m.level = 'micro_grid' AND m.generation_id = gisapp_active_generation()
            ORDER BY m.code {'DESC' if last else ''} LIMIT 1""")).mappings().one())


@pytest.fixture(scope="session")
def first_micro_grid(database_url) -> dict:
    """A point inside the demo's first micro-grid (by code): {lon, lat, code, name, grid_code}."""
    return _micro_grid(database_url, last=False)


@pytest.fixture(scope="session")
def last_micro_grid(database_url) -> dict:
    """The same for the last micro-grid: far from the first, so reports there are no duplicates of it."""
    return _micro_grid(database_url, last=True)


@pytest.fixture
def conn(database_url):
    """A connection in a transaction that is rolled back after the test, bound for the app code."""
    with db.get_engine(database_url).connect() as connection:
        outer = connection.begin()
        with db.bind(connection):
            yield connection
        outer.rollback()


@pytest.fixture
def owner_conn(owner_url, database_url):
    """The same, as the schema's owner: for what the app's role may not do (and tests that must)."""
    with db.get_engine(owner_url).connect() as connection:
        outer = connection.begin()
        with db.bind(connection):
            yield connection
        outer.rollback()


@pytest.fixture
def sql(conn):
    """Run one SQL statement and return all rows: sql("SELECT …", x=1)."""
    def run(statement: str, **params):
        result = conn.execute(sa.text(statement), params)
        return result.mappings().all() if result.returns_rows else result.rowcount
    return run


@pytest.fixture
def sql_count(database_url):
    """One committed-data scalar, read outside any test transaction (for browser tests)."""
    def run(statement: str):
        with db.get_engine(database_url).connect() as c:
            return c.scalar(sa.text(statement))
    return run


@pytest.fixture
def web(conn):
    """The whole app's Flask server, in the test's transaction."""
    from gisapp.web.app import create_app
    server = create_app(config.get_settings()).server
    server.testing = True
    return server


@pytest.fixture
def client_as(web, conn):
    """client_as("worker"): a test client with a bearer token of that role's demo user."""
    from fixtures.people import bearer

    def make(role: str):
        client = web.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = bearer(conn, role)["Authorization"]
        return client
    return make


@pytest.fixture
def client(client_as):
    """A test client acting as the demo operator (the command centre: every case, all personal data)."""
    return client_as("operator")


@pytest.fixture
def anonymous(web):
    return web.test_client()


pytest_plugins = ["fixtures.kpi_cases"]

_FIGURES: list[str] = []


@pytest.fixture
def realdata_figures():
    """Tests append measured figures here; they are printed at the end of the run."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("measured in this run")
        for line in _FIGURES:
            terminalreporter.write_line(line)


def pytest_setup_options():
    """Chromium flags for a closed network: no background calls to Google's hosts."""
    from selenium.webdriver.chrome.options import Options
    options = Options()
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--window-size=1600,1000"):
        options.add_argument(flag)
    return options


@pytest.fixture
def app(database_url):
    """The real app against the test database (demo committed), for dash.testing's server."""
    from gisapp.web.app import create_app
    return create_app(config.get_settings())
