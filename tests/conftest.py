"""Real PostGIS for every test: a fresh test database per run, each test rolled back.

The database is `<DATABASE_URL's db>_test` (or GISAPP_TEST_DATABASE_URL). It is dropped and
rebuilt at the start of a run, migrated, and given the demo district, committed, so that
browser tests (whose server runs in another thread) see it too. Everything a test writes
goes through `gisapp.db.bind`, inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from gisapp.core import db, migrate
from gisapp.core import settings as config


@pytest.fixture(scope="session")
def database_url() -> str:
    url = config.Settings.from_env().effective_test_database_url
    os.environ["DATABASE_URL"] = url          # the app, the CLI and the browser server all use it
    config.get_settings.cache_clear()
    db.drop_database(url)
    migrate.upgrade(url, config.get_settings())
    from gisapp.demo.load import load_demo
    with db.get_engine(url).begin() as conn:
        for _ in load_demo(conn):
            pass
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
def client(conn):
    from gisapp.web.app import create_app
    app = create_app(config.get_settings())
    app.server.testing = True
    return app.server.test_client()


pytest_plugins = ["fixtures.kpi_cases"]

_FIGURES: list[str] = []


@pytest.fixture
def realdata_figures():
    """Tests append measured figures here; they are printed at the end of the run."""
    return _FIGURES


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("measured on real data")
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
