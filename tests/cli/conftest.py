"""The `gisapp` command, run in-process on the rolled-back test connection."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from gisapp.cli import main


@pytest.fixture
def gisapp(conn):
    """gisapp("areas", "list") → the click Result; asserts success unless ok=False. input: its stdin."""
    def run(*args, ok=True, input=None):   # noqa: A002 (click's name)
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, input=input)
        if ok:
            assert result.exit_code == 0, result.output
        return result
    return run


@pytest.fixture
def write_geojson():
    """write_geojson(path, [(properties, ring), …]) → a GeoJSON file of polygons."""
    def write(path, features):
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
            for props, ring in features]}))
        return path
    return write


@pytest.fixture
def count(conn):
    """count("area", "generation_id = 2") → rows in a table, as the test's transaction sees them."""
    def run(table, where="true"):
        return conn.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE {where}"))
    return run
