"""Live events: NOTIFY wakes the listener, streams read the table, and both survive failures."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from fixtures.people import committed_bearer
from fixtures.waiting import wait_until
from gisapp.access.permissions import SYSTEM
from gisapp.core import db
from gisapp.live.feed import events_after, last_event_id, stream
from gisapp.live.listener import Listener

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def commit_report(database_url, first_micro_grid):
    """commit_report() → the id of a report committed (NOTIFY is sent on commit only)."""
    def commit() -> int:
        with db.get_engine(database_url).begin() as c:
            return c.scalar(sa.text("""
                INSERT INTO incident (client_ref, category, description, geom)
                VALUES (:ref, 'lighting', 'live test', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
                RETURNING id"""), {"ref": f"live-{time.time_ns()}", **first_micro_grid})
    return commit


@pytest.fixture
def listener(database_url):
    heard = Listener(database_url).start()
    assert wait_until(lambda: heard.connected)
    yield heard
    heard.stop()


def test_a_committed_report_reaches_a_stream(database_url, listener, commit_report):
    engine = db.get_engine(database_url)
    with engine.connect() as c:
        after = last_event_id(c)

    def read(last):
        with engine.connect() as c:
            return events_after(c, last, who=SYSTEM), 1
    messages = stream(after, read, listener, seconds=10, ping=5)
    assert next(messages).startswith("retry:")
    first = json.loads(next(messages).split("data: ", 1)[1])
    assert first == {"type": "ping", "last": after, "generation": 1}   # says where it stands at once
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(next(messages)), daemon=True)
    reader.start()   # the stream reads the table after `after`: a commit before it waits is caught up too
    incident = commit_report()
    reader.join(5)
    assert got, "no message within 5 s"
    body = json.loads(got[0].split("data: ", 1)[1])
    assert body["type"] == "events" and incident in [e["incident_id"] for e in body["events"]]
    assert got[0].startswith(f"id: {body['last']}\n")


def test_the_listener_comes_back_after_losing_its_connection(database_url, listener, commit_report):
    with db.get_engine(database_url).connect() as c:
        killed = c.scalar(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE application_name = 'gisapp-listener' AND pid <> pg_backend_pid()"))
    assert killed >= 1
    assert wait_until(lambda: listener.reconnects >= 1 and listener.connected)
    seen = listener.seq
    commit_report()
    assert listener.wait(seen, 5.0) != seen, "no NOTIFY heard after reconnecting"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_every_gunicorn_worker_streams_new_reports(database_url, commit_report):
    import requests
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gisapp"), "serve", "--port", str(port),
                               "--workers", "2",
                               "--threads", "8"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _up(base), 30), "gunicorn did not start"
        with db.get_engine(database_url).connect() as c:
            after = last_event_id(c)
        streams, workers = [], set()
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:   # until both workers hold a stream
            try:   # a worker still booting, or one whose threads are all streaming, answers nothing
                r = requests.get(f"{base}/api/v1/events/stream?after={after}", stream=True, timeout=3,
                                 headers=committed_bearer("viewer"))
            except requests.RequestException:
                continue
            if r.status_code != 200:   # 503: that worker holds as many streams as this user may have
                r.close()
                continue
            workers.add(r.headers["X-Gisapp-Worker"])
            streams.append(r)
        assert len(workers) == 2
        incident = commit_report()
        results = [None] * len(streams)

        def read(i, r):
            for line in r.iter_lines(decode_unicode=True):
                if line.startswith("data: ") and f'"incident_id":{incident}' in line:
                    results[i] = True
                    return
        threads = [threading.Thread(target=read, args=(i, r), daemon=True) for i, r in enumerate(streams)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert all(results), f"{results.count(None)} of {len(streams)} streams missed report {incident}"
        for r in streams:
            r.close()
    finally:
        server.terminate()
        server.wait(15)


def _up(base: str) -> bool:
    import requests
    try:
        return requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False
