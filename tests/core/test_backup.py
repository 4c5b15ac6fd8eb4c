"""README's backup recipe, run: pg_dump of the test database while the app serves it, pg_restore into a
new database, `gisapp db upgrade` on it, and the restored copy serves the same map and cases."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import requests

from fixtures.people import committed_bearer
from fixtures.serving import gunicorn
from gisapp.core import migrate
from gisapp.core.db import drop_database, ensure_database, get_engine
from gisapp.core.settings import database_name, get_settings, libpq_url, with_database

BIN = Path("/usr/lib/postgresql/15/bin")
BBOX = "bbox=121.48,31.22,121.53,31.25"


def _tool(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else shutil.which(name)


def _served(base: str, headers: dict, case: int) -> dict:
    def get(path: str):
        r = requests.get(f"{base}{path}", headers=headers, timeout=30)
        assert r.status_code == 200, (path, r.status_code)
        return r.json()
    def layer(name: str, z: int) -> list:   # in id order: a restored table keeps its rows, not their order on disk
        features = get(f"/api/v1/layers/{name}?{BBOX}&z={z}")["features"]
        assert features, name
        return sorted(features, key=lambda f: str(f["id"]))
    cases = get("/api/v1/reports?per_page=200")
    return {"grids": layer("grids", 15), "micro_grids": layer("micro_grids", 15), "buildings": layer("buildings", 16),
            "count": cases["count"],
            "cases": [(c["id"], c["status"], c["version"], c["assignment"], c["handler"]) for c in cases["items"]],
            "history": get(f"/api/v1/reports/{case}/events")["events"]}


def test_a_restored_dump_serves_the_same_map_and_cases(database_url, owner_url, tmp_path):
    headers = committed_bearer("operator")
    with get_engine(database_url).connect() as c:
        case = c.exec_driver_sql("SELECT max(incident_id) FROM incident_event").scalar()
    dump = tmp_path / "gisapp.dump"
    with gunicorn(workers=1, threads=4) as base:
        subprocess.run([_tool("pg_dump"), "-Fc", "-d", libpq_url(owner_url), "-f", str(dump)], check=True)
        original = _served(base, headers, case)
    restored_owner = with_database(owner_url, database_name(owner_url) + "_restored")
    drop_database(restored_owner)
    try:
        ensure_database(restored_owner)
        subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges", "-d", libpq_url(restored_owner),
                        str(dump)], check=True)
        migrate.upgrade(restored_owner, get_settings())   # grants for the app's role, settings, calendar
        restored_app = with_database(database_url, database_name(restored_owner))
        with gunicorn(workers=1, threads=4, DATABASE_URL=restored_app,
                      GISAPP_OWNER_DATABASE_URL=restored_owner) as base:
            assert _served(base, headers, case) == original
    finally:
        get_engine(with_database(database_url, database_name(restored_owner))).dispose()
        drop_database(restored_owner)
