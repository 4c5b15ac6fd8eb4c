"""Schema that can evolve: released revisions never change, and an upgraded database equals a fresh one."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from gisapp.core import migrate
from gisapp.core.db import drop_database, get_engine
from gisapp.core.settings import database_name, get_settings, libpq_url, with_database
from gisapp.demo.load import demo_dir, load_areas, load_buildings, load_checkpoints

MIGRATIONS = migrate.REVISIONS
# Every released revision file with its checksum. A new revision is released by adding its files
# here; from then on they are frozen (tables and data only: functions live in core/sql/).
RELEASED = {
    "versions/0001_initial.py": "c28703d4189e9ffc582ae8b9cd39a953d707b9808d63bc752fc2e2d7decd820c",
    "versions/0002_workflow.py": "82328042e23153a5c5af577e763b9318d62b180df9e78d2b2f0acde3bf347c00",
    "versions/0003_map.py": "671d94b8afb2a8817d10090edd36fd1e95cc3d5988a956682bc5cea8c97c7f76",
    "versions/0004_vocabulary.py": "c61c7ba8e69f19a0029593e3d9b66c21e435ec0709409e16e1a8f695597f0fd8",
    "versions/0005_access.py": "0c970efedd70799d9bfd0a7692e621ec78273bcaf2a51b55196009c5a54d387b",
    "versions/0006_desk.py": "8db7525d1e8a751ea741e07f70df2acf9155f63a8faa0fc324bb31d0beeda14f",
    "versions/0007_calendar.py": "f4d7e3125c196b654a738f57a290d12eb9e62cb46a6c104d6ecd6d0e9f10f86f",
    "sql/0007_calendar.sql": "850c5301366566b26c924927dee9c277c33571f2366e486a6f4079cd2b7e65fd",
    "versions/0008_intake.py": "64cf0efbd89063612daf5d22dbf6cbe1ed9cd8325b1283892cc7b8888509ff79",
    "sql/0008_intake.sql": "145d96a5c422c7cd57c4d4fef51477d58b1fba217f7d5ae90d766d819a16a416",
    "versions/0009_piece_rank.py": "9c3fb56c4dc2b9575cb1ee069bfe8e912173ccc3e3d6726a881c122b5ea7de36",
    "sql/0009_piece_rank.sql": "e3f055c6cbbf1802217a62fdb1a05716c858d6431747ac3cb034cbd09ea0281e",
    "versions/0010_lineage.py": "376d4edce9b1db7c990fc919a2713e34fe9df01ef5987ec51a6208e94c59f860",
    "sql/0010_lineage.sql": "1d9e5acb9a7f77560b1e42f451ea35d45daeb6758622bbcb347ad5a1d6020553",
    "sql/0006_desk.sql": "c5986bf48a558e5a204bf4f88227443152e1ce1431c4bb2361e11afb450e61e5",
    "sql/0001_assign.sql": "a63d57e781e4d70607eef5a2bddaace225081d18566728ce19f849e44207841d",
    "sql/0001_crs.sql": "197041a9f51d2dc14e162f542ce35c65a2b5bd36610e41f95e03a28a8198ff58",
    "sql/0001_incident.sql": "2e79ba255726f8a304c6b985a5c36db79834e0a7479f90369e841b5f18ab34d6",
    "sql/0001_schema.sql": "1ba7b190a3f1e0a7815a5540f63ba850ffaee55c241adb39c4cbd68bd80df458",
    "sql/0002_sla.sql": "2a1d155aeb5f1286b8b7b85d5a79d2b6d494bd9f165f5a1ba8eb63f94f0e9d4c",
    "sql/0002_transition.sql": "d6cb54533d28ac3a838950fbd698e8ef666b596fd117ca8191413a057dc90e65",
    "sql/0002_workflow.sql": "2d564e28ae1eaccb18a52f047ffd61cba352d881cc70de1561dba8913ba447f5",
    "sql/0003_map.sql": "76c2ef7662ff798414b408b26faebe8d77ca65dd11a444546266a57b62818d61",
    "sql/0004_vocabulary.sql": "924a7a45ef4324287e3a3ce438c6166b72832300bf4aa2190c580db29e93b906",
    "sql/0005_access.sql": "d9a3da84b4e5300dbed94d75f00d82ef9bedd568b1e69bb357a23818d6c07e2e",
}
VOCABULARY = ("case_status", "user_role", "case_action", "satisfaction", "task_status", "area_level_label",
              "transition", "category", "department", "sla_rule")


def _revision_files() -> list[str]:
    return sorted(str(p.relative_to(MIGRATIONS)) for pattern in ("versions/*.py", "sql/*.sql")
                  for p in MIGRATIONS.glob(pattern))


def test_released_revisions_are_frozen():
    changed = [name for name, digest in RELEASED.items()
               if hashlib.sha256((MIGRATIONS / name).read_bytes()).hexdigest() != digest]
    assert changed == [], "released revisions never change: write a new revision instead"


def test_every_revision_file_is_released_or_new_on_purpose():
    assert _revision_files() == sorted(RELEASED), "add the new revision's files and checksums to RELEASED"


def test_revisions_hold_no_functions_views_or_triggers_after_0004():
    later = [name for name in _revision_files() if re.match(r"(versions|sql)/0*(\d+)_", name)
             and int(re.match(r"(?:versions|sql)/0*(\d+)_", name).group(1)) > 4]
    found = [name for name in later if re.search(r"CREATE (OR REPLACE )?(FUNCTION|VIEW|TRIGGER)",
                                                 (MIGRATIONS / name).read_text(encoding="utf-8"), re.I)]
    assert found == [], "functions, views and triggers belong in gisapp/core/sql/"


def _pg_dump() -> str:
    local = Path("/usr/lib/postgresql/15/bin/pg_dump")
    return str(local) if local.exists() else shutil.which("pg_dump")


def _schema(url: str) -> list[str]:
    out = subprocess.run([_pg_dump(), "--schema-only", "--no-owner", "--no-privileges", libpq_url(url)],
                         check=True, capture_output=True, text=True).stdout
    skip = re.compile(r"^(--|SET |SELECT pg_catalog\.set_config|\\(un)?restrict )")
    return [line for line in out.splitlines() if line.strip() and not skip.match(line)]


def _vocabulary(url: str) -> dict[str, list]:
    with get_engine(url).connect() as conn:
        return {t: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1, 2"))]
                for t in VOCABULARY}


def _fill_at_first_revision(url: str) -> int:
    """The demo district and its reports, written the way revision 0001 knew them."""
    folder = demo_dir()
    with get_engine(url).begin() as conn:
        for _ in load_areas(conn, folder):
            pass
        load_buildings(conn, folder)
        load_checkpoints(conn, folder)
        with (folder / "incidents.csv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        conn.execute(sa.text("""
            INSERT INTO incident (client_ref, category, description, source, input_lon, input_lat, reported_at)
            VALUES (:client_ref, :category, :description, :source, CAST(:lon AS float8), CAST(:lat AS float8),
                    now() - make_interval(secs => CAST(:hours_ago AS float8) * 3600))"""), rows)
        return conn.scalar(sa.text("SELECT count(*) FROM incident"))


@pytest.fixture
def scratch_urls(owner_url):
    base = database_name(owner_url)
    urls = [with_database(owner_url, f"{base}_{suffix}") for suffix in ("fresh", "upgraded")]
    yield urls
    for url in urls:
        get_engine(url).dispose()
        drop_database(url)


def test_a_database_upgraded_from_the_first_revision_equals_a_fresh_one(scratch_urls):
    fresh, upgraded = scratch_urls
    for url in scratch_urls:
        drop_database(url)
    migrate.upgrade(fresh, get_settings())
    assert migrate.upgrade(upgraded, get_settings(), to="0001")[1] == "0001"
    assert _fill_at_first_revision(upgraded) == 400
    before, after, _ = migrate.upgrade(upgraded, get_settings())
    assert (before, after) == ("0001", max(k for k in RELEASED if k.startswith("versions/"))[9:13])
    assert _schema(upgraded) == _schema(fresh)
    assert _vocabulary(upgraded) == _vocabulary(fresh)
    with get_engine(upgraded).connect() as conn:   # the old reports went through the new vocabulary
        assert conn.scalar(sa.text("SELECT count(*) FROM incident WHERE NOT gisapp_is_open(status)")) == 0


def _defined(kind: str) -> set[str]:
    pattern = re.compile(rf"CREATE (?:OR REPLACE )?(?:CONSTRAINT )?{kind}\s+(\w+)", re.I)
    return {m.group(1) for path in migrate.REPEATABLE.glob("*.sql")
            for m in pattern.finditer(path.read_text(encoding="utf-8"))}


def test_the_database_holds_exactly_the_functions_views_and_triggers_of_the_repeatable_files(conn):
    def names(query: str) -> set[str]:
        return set(conn.scalars(sa.text(query)))
    ours = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {} AND d.deptype = 'e')"
    assert names(f"""SELECT t.tgname FROM pg_trigger t WHERE NOT t.tgisinternal
                     AND {ours.format('t.oid')}""") == _defined("TRIGGER")
    assert names(f"""SELECT c.relname FROM pg_class c WHERE c.relkind = 'v'
                     AND c.relnamespace = 'public'::regnamespace AND {ours.format('c.oid')}""") == _defined("VIEW")
    assert names("SELECT proname FROM pg_proc WHERE proname LIKE 'gisapp\\_%'") == _defined("FUNCTION")
