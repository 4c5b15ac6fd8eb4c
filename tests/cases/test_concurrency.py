"""Four API writers at once (issue 12): no deadlock, one case and one event per client_ref.

The writers commit, so they write into a scratch database of their own, dropped afterwards, and the
shared test database stays as every other test expects it.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from fixtures.worlds import new_generation, square
from gisapp.cases.intake import ReportIn, store
from gisapp.core import db, migrate
from gisapp.core import settings as config
from gisapp.core.settings import database_name, with_database

WRITERS, REPORTS = 4, 60


@pytest.fixture
def scratch(owner_url, database_url):
    url = with_database(owner_url, database_name(owner_url) + "_writers")
    db.drop_database(url)
    migrate.upgrade(url, config.get_settings(), app_role=sa.engine.make_url(database_url).username)
    with db.get_engine(url).begin() as conn:
        new_generation(conn, [("grid", "G", square(0, 0, 0.01, 0.01), None),
                              ("micro_grid", "M1", square(0, 0, 0.005, 0.01), "G"),
                              ("micro_grid", "M2", square(0.005, 0, 0.01, 0.01), "G")])
    yield with_database(database_url, database_name(url))
    db.get_engine(with_database(database_url, database_name(url))).dispose()
    db.get_engine(url).dispose()
    db.drop_database(url)


def test_four_writers_sending_the_same_reports_store_each_once(scratch):
    reports = [ReportIn.check({"category": "road", "lon": 0.0049 + (n % 5) * 0.00005, "lat": 0.005,
                               "client_ref": f"w-{n}"}, {"road"}, "Asia/Shanghai")
               for n in range(REPORTS)]          # close together, so the duplicate search meets the others

    def writer(seed: int) -> dict[str, int]:
        got = {}
        order = reports[:]
        random.Random(seed).shuffle(order)
        engine = db.get_engine(scratch)
        for report in order:
            with engine.begin() as conn:
                got[report.client_ref] = store(conn, report)[0]
        return got

    with ThreadPoolExecutor(WRITERS) as pool:
        answers = list(pool.map(writer, range(WRITERS)))     # a deadlock or any error is raised here
    assert all(a == answers[0] for a in answers), "every writer is told the same case for a client_ref"
    with db.get_engine(scratch).connect() as conn:
        per_ref = conn.execute(sa.text("SELECT client_ref, count(*) FROM incident GROUP BY 1")).all()
        events = conn.execute(sa.text("SELECT incident_id, count(*) FROM incident_event GROUP BY 1")).all()
        assigned = conn.scalar(sa.text("SELECT count(*) FROM incident WHERE micro_grid_id IS NOT NULL"))
    assert len(per_ref) == REPORTS and {n for _, n in per_ref} == {1}
    assert len(events) == REPORTS and {n for _, n in events} == {1}
    assert assigned == REPORTS
