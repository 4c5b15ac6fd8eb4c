"""One definition of each word: the database's vocabulary tables, and nothing that copies them by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from gisapp.core import vocabulary
from gisapp.map.registry import layer_registry

ROOT = Path(__file__).resolve().parents[2]
FROZEN = {"0001_schema.sql", "0001_crs.sql", "0001_assign.sql", "0001_incident.sql", "0002_sla.sql",
          "0002_workflow.sql", "0002_transition.sql", "0003_map.sql"}   # released history, never edited
NOT_OPEN = ("closed", "evaluated", "cancelled")
# Two of the statuses that end a case, quoted one after the other: a hand-written copy of "open".
LIST = re.compile(r"""(['"])({0})\1\s*,\s*(['"])({0})\3""".format("|".join(NOT_OPEN)))
SUFFIXES = {".py", ".sql", ".js", ".yml", ".yaml", ".css", ".html", ".sh"}


def test_the_python_copy_is_what_the_database_holds(conn):
    assert vocabulary.GENERATED.read_text(encoding="utf-8") == vocabulary.render(conn), \
        "run `gisapp db vocabulary --write` after changing a vocabulary table"


def test_the_statuses_that_end_a_case_are_the_database_s(conn):
    assert set(NOT_OPEN) == {s.code for s in vocabulary.STATUSES if not s.open}
    assert conn.scalar(sa.text("SELECT gisapp_is_open('closed')")) is False


def test_the_open_status_list_is_written_nowhere_else():
    copies = []
    for path in sorted([*(ROOT / "gisapp").rglob("*"), *(ROOT / "tests").rglob("*"), *(ROOT / "scripts").rglob("*")]):
        if path.suffix not in SUFFIXES or path.name in FROZEN or path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LIST.search(line):
                copies.append(f"{path.relative_to(ROOT)}:{number}")
    assert copies == [], "use case_status (SQL: JOIN case_status / gisapp_is_open; Python: core.vocabulary)"


@pytest.mark.parametrize("level", vocabulary.LEVEL_CODES)
def test_each_level_maps_to_its_incident_column(conn, level):
    columns = {r[0] for r in conn.execute(sa.text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'incident'"))}
    assert vocabulary.level_column(level) in columns
    with pytest.raises(KeyError):
        vocabulary.level_column("province")


def test_the_incident_layer_styles_every_status():
    layer = layer_registry().get("incidents")
    assert layer.style_by.field == "status"
    assert set(layer.style_by.values) == set(vocabulary.STATUS_CODES)
