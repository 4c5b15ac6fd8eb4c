"""Security review, part 7: faults. Nothing lost, nothing doubled.

- A throwaway PostgreSQL cluster (pg_ctl, as scripts/localdb.sh starts one) restarted while a client
  sends reports with client_refs and retries: 503 with Retry-After meanwhile, never a 500, and every
  report stored exactly once.
- 50 clients at once on the same and on different cases: conflicts are 409, nothing else fails, no
  update is lost and no event doubled; and merging A into B while B into A never deadlocks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from fixtures.people import committed_bearer
from fixtures.serving import ROOT, free_port, gunicorn
from gisapp.core import db

BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*cmd: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


@pytest.fixture
def throwaway_cluster():
    """A PostgreSQL 15 cluster of this test's own: (owner URL, app URL, pg_ctl command prefix)."""
    folder = Path(tempfile.mkdtemp(prefix="gisapp-faults-"))
    data, port = folder / "pg", free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(_as_postgres(str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                "-E", "UTF8", "--locale=C.UTF-8"), check=True, capture_output=True)
    ctl = _as_postgres(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                       "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1")
    subprocess.run([*ctl, "-w", "start"], check=True, capture_output=True)
    owner = f"postgresql://postgres@127.0.0.1:{port}/gisapp"
    try:
        yield owner, f"postgresql://gisapp_app@127.0.0.1:{port}/gisapp", ctl
    finally:
        db.get_engine(owner).dispose()
        subprocess.run([*ctl, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _cli(env: dict, *args: str, stdin: str | None = None) -> str:
    gisapp = str(Path(sys.executable).parent / "gisapp")
    return subprocess.run([gisapp, *args], env={**os.environ, **env}, cwd=ROOT, input=stdin, text=True,
                          capture_output=True, check=True).stdout


def test_a_database_restart_mid_stream_loses_and_doubles_nothing(throwaway_cluster, realdata_figures):
    owner, app_url, ctl = throwaway_cluster
    env = {"DATABASE_URL": app_url, "GISAPP_OWNER_DATABASE_URL": owner, "GISAPP_SECRET_KEY": "faults-" + "k" * 20,
           "GISAPP_REPORT_LIMIT": "100000 per minute"}
    _cli(env, "db", "upgrade")
    _cli(env, "users", "add", "reporter", "--role", "operator")
    token = _cli(env, "tokens", "create", "reporter").strip()
    headers = {"Authorization": f"Bearer {token}"}
    refs = [f"restart-{n}" for n in range(300)]
    statuses: list[int] = []
    with gunicorn(workers=2, threads=8, **env) as base:
        def send(ref: str) -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    r = requests.post(f"{base}/api/v1/reports", headers=headers, timeout=10,
                                      json={"category": "other", "lon": 121.5, "lat": 31.23, "client_ref": ref})
                except requests.RequestException:
                    time.sleep(0.2)
                    continue
                statuses.append(r.status_code)
                if r.status_code in (200, 201):
                    return
                assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0, (r.status_code, r.text[:200])
                time.sleep(0.2)
            raise AssertionError(f"{ref} was never stored")

        restarter = threading.Thread(target=lambda: (time.sleep(1.0), subprocess.run(
            [*ctl, "-m", "fast", "-w", "stop"], check=True, capture_output=True), time.sleep(3),
            subprocess.run([*ctl, "-w", "start"], check=True, capture_output=True)))
        restarter.start()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(send, refs))
        restarter.join()
    realdata_figures.append(f"database restarted under 300 reports: {statuses.count(503)} answers 503 + Retry-After, "
                            f"{statuses.count(500)} answers 500, each report stored once")
    assert 503 in statuses and 500 not in statuses
    with db.get_engine(owner).connect() as c:
        stored = dict(c.execute(sa.text("SELECT client_ref, count(*) FROM incident GROUP BY client_ref")).all())
    assert stored == dict.fromkeys(refs, 1)


@pytest.fixture
def served(database_url):
    with gunicorn(workers=2, threads=16) as base:
        yield base


def _new_cases(n: int, first_micro_grid: dict) -> list[int]:
    with db.get_engine().begin() as c:
        return list(c.scalars(sa.text("""
            INSERT INTO incident (category, description, geom)
            SELECT 'other', 'race ' || n, ST_SetSRID(ST_MakePoint(:lon + n * 1e-6, :lat), 4326)
            FROM generate_series(1, :n) n RETURNING id"""), {**first_micro_grid, "n": n}))


def test_fifty_clients_at_once_conflicts_are_409_and_nothing_is_lost(served, first_micro_grid):
    operator = committed_bearer("operator")
    shared, *own = _new_cases(26, first_micro_grid)
    with db.get_engine().connect() as c:
        version = c.scalar(sa.text("SELECT version FROM incident WHERE id = :i"), {"i": shared})
    ref = f"race-{time.time_ns()}"

    def client(n: int) -> tuple[str, int]:
        if n < 25:   # the same case, the same version: one wins
            r = requests.post(f"{served}/api/v1/reports/{shared}/events", headers=operator, timeout=30,
                              json={"action": "accept", "version": version})
            return "same", r.status_code
        if n < 40:   # a case each
            r = requests.post(f"{served}/api/v1/reports/{own[n - 25]}/events", headers=operator, timeout=30,
                              json={"action": "accept"})
            return "own", r.status_code
        r = requests.post(f"{served}/api/v1/reports", headers=operator, timeout=30,   # one report, sent 10 times
                          json={"category": "other", "lon": first_micro_grid["lon"], "lat": first_micro_grid["lat"],
                                "client_ref": ref})
        return "report", r.status_code

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(client, range(50)))
    same = sorted(s for kind, s in results if kind == "same")
    assert same == [200] + [409] * 24
    assert [s for kind, s in results if kind == "own"] == [200] * 15
    assert sorted(s for kind, s in results if kind == "report") == [200] * 9 + [201]
    with db.get_engine().connect() as c:
        accepts = c.scalar(sa.text("SELECT count(*) FROM incident_event WHERE incident_id = :i AND action = 'accept'"),
                           {"i": shared})
        stored = c.scalar(sa.text("SELECT count(*) FROM incident WHERE client_ref = :r"), {"r": ref})
        statuses = set(c.scalars(sa.text("SELECT status FROM incident WHERE id = ANY(:ids)"), {"ids": own[:15]}))
    assert (accepts, stored, statuses) == (1, 1, {"accepted"})


def test_crossed_merges_never_deadlock(served, first_micro_grid):
    operator = committed_bearer("operator")
    cases = _new_cases(50, first_micro_grid)
    pairs = list(zip(cases[::2], cases[1::2], strict=True))

    def merge(job: tuple[int, int]) -> int:
        a, b = job
        return requests.post(f"{served}/api/v1/reports/{a}/events", headers=operator, timeout=30,
                             json={"action": "merge", "duplicate_of": b}).status_code

    jobs = [p for a, b in pairs for p in ((a, b), (b, a))]
    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(merge, jobs))
    for n in range(len(pairs)):
        assert sorted(statuses[2 * n:2 * n + 2]) == [200, 409], (pairs[n], statuses[2 * n:2 * n + 2])
