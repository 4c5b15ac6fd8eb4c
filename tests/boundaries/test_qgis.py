"""Real QGIS (Debian's python3-qgis, headless) on the schema as it is: the tables open with the right type,
SRID and key; a draft area edited in QGIS keeps its lookup pieces and rules; a live one is refused; an
incident digitised through QGIS's feature form is assigned, planned and logged like any other."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gisapp.boundaries.generations import new_draft
from gisapp.core import db

DRIVER = Path(__file__).with_name("qgis_driver.py")
PYTHON = "/usr/bin/python3"   # Debian's, where python3-qgis lives (scripts/setup.sh installs it for tests)


def conninfo(url: str) -> str:
    u = make_url(url)
    parts = {"dbname": u.database, "host": u.host, "port": u.port, "user": u.username, "password": u.password}
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def test_qgis_edits_a_draft_is_refused_on_the_live_generation_and_digitises_a_case(database_url,
                                                                                   first_micro_grid):
    with db.get_engine(database_url).begin() as c:   # committed: QGIS connects on its own
        active = c.scalar(sa.text("SELECT gisapp_active_generation()"))
        draft = new_draft(c, description="QGIS 测试草稿")
    ref = f"qgis-{uuid.uuid4().hex[:12]}"
    given = {"conninfo": conninfo(database_url), "draft": draft, "active": active, "ref": ref, **first_micro_grid}
    try:
        run = subprocess.run([PYTHON, str(DRIVER), json.dumps(given)], capture_output=True, text=True, timeout=300,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": "/tmp"})
        assert run.returncode == 0, run.stderr[-2000:]
        seen = json.loads(run.stdout.strip().splitlines()[-1])
        assert seen["area"] == {"valid": True, "type": "MultiPolygon", "srid": 4326, "key": ["id"]}
        assert seen["incident"] == {"valid": True, "type": "Point", "srid": 4326, "key": ["id"]}
        assert seen["draft_edit"]["saved"], seen["draft_edit"]["errors"]
        assert not seen["live_edit"]["saved"] and "area_frozen" in "".join(seen["live_edit"]["errors"])
        assert seen["digitised"] == {"added": True, "saved": True, "errors": []}
        with db.get_engine(database_url).connect() as c:
            edited = c.execute(sa.text("""SELECT a.version, ST_Equals(p.geom, a.geom) FROM area a
                CROSS JOIN LATERAL (SELECT ST_Union(geom) AS geom FROM area_piece WHERE area_id = a.id) p
                WHERE a.generation_id = :g AND a.code = :c"""), {"g": draft, "c": seen["draft_edit"]["code"]}).one()
            assert tuple(edited) == (2, True), "the pieces follow QGIS's edit"
            live = c.scalar(sa.text("SELECT version FROM area WHERE generation_id = :g AND code = :c"),
                            {"g": active, "c": seen["live_edit"]["code"]})
            assert live == 1
            case = c.execute(sa.text("""SELECT i.status, m.code, i.accept_due IS NOT NULL,
                (SELECT count(*) FROM incident_event e WHERE e.incident_id = i.id)
                FROM incident i LEFT JOIN area m ON m.id = i.micro_grid_id WHERE i.client_ref = :r"""),
                {"r": ref}).one()
            assert tuple(case) == ("assigned", first_micro_grid["code"], True, 1)
    finally:
        with db.get_engine(database_url).begin() as c:
            c.execute(sa.text("DELETE FROM generation WHERE id = :g"), {"g": draft})

