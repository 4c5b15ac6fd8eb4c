"""Security review, part 6: live streams and slow clients cannot starve the app.

Against gunicorn with gisapp's worker (as `gisapp serve` runs it): streams past the cap are 503 with
Retry-After while ordinary requests still answer; 200 connections that never finish their headers
hold no thread; and in a browser, an idle map tab through 1,000 events opens one stream and receives
each event once.
"""

from __future__ import annotations

import socket
import time

import pytest
import requests
import sqlalchemy as sa

from fixtures.people import committed_bearer
from fixtures.serving import answers, gunicorn
from fixtures.waiting import wait_until
from gisapp.core import db


@pytest.fixture
def served(database_url):
    """gunicorn, one worker of 8 threads (so at most 4 streams), 2 streams per user."""
    with gunicorn(workers=1, threads=8, GISAPP_STREAMS_PER_USER="2") as base:
        yield base


def _stream(base: str, headers: dict) -> requests.Response:
    return requests.get(f"{base}/api/v1/events/stream", headers=headers, stream=True, timeout=5)


def test_streams_past_the_cap_are_503_and_the_api_stillanswers(served):
    viewer, operator, planner = (committed_bearer(r) for r in ("viewer", "operator", "planner"))
    held = [_stream(served, viewer), _stream(served, viewer)]
    assert [r.status_code for r in held] == [200, 200]
    third = _stream(served, viewer)   # the same user's third: the per-user cap
    assert third.status_code == 503 and int(third.headers["Retry-After"]) > 0
    assert third.json()["errors"][0]["field"] == "stream"
    held += [_stream(served, operator), _stream(served, operator)]
    full = _stream(served, planner)   # half of the worker's 8 threads are streaming: the worker's cap
    assert full.status_code == 503
    started = time.monotonic()
    assert requests.get(f"{served}/api/v1/reports", headers=operator, timeout=5).status_code == 200
    assert answers(served) and time.monotonic() - started < 2
    for r in held:
        r.close()
    # A closed stream is noticed at its next write (a ping at most 15 s later), and its slot is free.
    assert wait_until(lambda: _stream(served, planner).status_code == 200, 25)


def test_connections_that_never_finish_their_headers_hold_no_thread(served):
    host, port = served.removeprefix("http://").split(":")
    stalled = []
    for _ in range(200):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")   # and never the rest
        stalled.append(s)
    try:
        started = time.monotonic()
        assert answers(served, timeout=3)
        assert time.monotonic() - started < 2
    finally:
        for s in stalled:
            s.close()


@pytest.mark.browser
def test_an_idle_map_tab_through_1000_events_opens_one_stream_and_gets_each_event_once(dash_duo, app,
                                                                                       first_micro_grid,
                                                                                       realdata_figures):
    from fixtures.people import open_as
    open_as(dash_duo, app, "operator", "/?lat=31.2365&lon=121.5025&z=13")
    dash_duo.wait_for_element("#ticker .ticker-item", timeout=15)
    slots = app.server.extensions["gisapp_stream_slots"]
    assert wait_until(lambda: slots.opened == 1, 10)
    before = slots.bytes_sent
    engine = db.get_engine()
    for _batch in range(10):
        with engine.begin() as c:
            c.execute(sa.text("""INSERT INTO incident (category, description, geom)
                                 SELECT 'other', 'idle tab ' || n, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
                                 FROM generate_series(1, 100) n"""), first_micro_grid)
    with engine.connect() as c:
        last = c.scalar(sa.text("SELECT max(incident_id) FROM incident_event"))
    dash_duo.wait_for_contains_text("#ticker", f"#{last}", timeout=20)
    sent = slots.bytes_sent - before
    realdata_figures.append(f"idle map tab through 1,000 events: {slots.opened} stream, {sent:,} bytes "
                            f"({sent / 1000:.0f} per event)")
    assert slots.opened == 1, "the tab reconnected and replayed"
    assert 1000 * 150 < sent < 1000 * 700, sent   # each event once, as a bounded summary
