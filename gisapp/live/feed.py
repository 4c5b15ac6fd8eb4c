"""The live feed: every event after an id, as JSON or as server-sent events.

A stream waits on the process's listener (listener.py), then reads `incident_event` after the last
id it sent. So a stream that reconnects, or a listener that lost the database, catches up from
the table itself and nothing is missed, whichever gunicorn worker a client lands on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from gisapp.access.permissions import Who, case_scope
from gisapp.core.validation import Query, Whole

from .listener import Listener

PING_SECONDS = 15.0        # a keep-alive message: lets the page see the stream is alive
STREAM_SECONDS = 300.0     # then the stream ends and the browser reconnects with Last-Event-ID
BATCH = 100                # events per message at most: a message stays a few tens of kilobytes

# A bounded summary of each event: what happened to which case, where. Never the note, never a name
# or a phone number (the case's history, behind its permission, has those).
EVENT_SELECT = """
    SELECT e.id, e.incident_id, e.at, e.action, e.from_status, e.to_status,
           i.category, c.name_zh AS category_zh, c.name_en AS category_en, i.urgent, i.status,
           own.code AS area_code, gisapp_area_label(own.id) AS area_name,
           ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat
    FROM incident_event e
    JOIN incident i ON i.id = e.incident_id
    JOIN category c ON c.code = i.category
    LEFT JOIN area own ON own.id = gisapp_leaf_id(i)"""


def _row(row) -> dict:
    out = dict(row)
    for key, value in out.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
    return out


class FeedQuery(Query):
    """?after=<event id>&limit=: the events after an id (none: from now on), oldest first."""
    after: Annotated[Whole, Field(le=10**18)] | None = None
    limit: Annotated[Whole, Field(ge=1, le=1000)] = 100


def events_after(conn: Connection, after: int, limit: int = BATCH, *, who: Who) -> list[dict]:
    """The events after an id of the cases `who` may see, oldest first."""
    scope, params = case_scope(who)
    rows = conn.execute(sa.text(EVENT_SELECT + f" WHERE e.id > :after AND {scope} ORDER BY e.id LIMIT :limit"),
                        {"after": after, "limit": limit, **params}).mappings()
    return [_row(r) for r in rows]


def recent_events(conn: Connection, limit: int = 20, *, who: Who) -> list[dict]:
    """The newest events of the cases `who` may see, newest first (the ticker)."""
    scope, params = case_scope(who)
    rows = conn.execute(sa.text(EVENT_SELECT + f" WHERE {scope} ORDER BY e.id DESC LIMIT :limit"),
                        {"limit": limit, **params}).mappings()
    return [_row(r) for r in rows]


def last_event_id(conn: Connection) -> int:
    return conn.scalar(sa.text("SELECT coalesce(max(id), 0) FROM incident_event"))


def _message(kind: str, last: int, generation: int | None, events: list[dict] | None = None) -> str:
    body = {"type": kind, "last": last, "generation": generation}
    if events is not None:
        body["events"] = events
    return f"id: {last}\ndata: {json.dumps(body, ensure_ascii=False, separators=(',', ':'))}\n\n"


def stream(after: int, read, listener: Listener, seconds: float = STREAM_SECONDS,
           ping: float = PING_SECONDS) -> Iterator[str]:
    """Server-sent events from `after` on. `read(after)` → (events, generation), in a transaction."""
    yield "retry: 1000\n\n"
    last, generation, sent_generation = after, None, None
    started = last_write = time.monotonic()
    while time.monotonic() - started < seconds:
        seen = listener.seq
        try:
            batch, generation = read(last)
        except SQLAlchemyError:
            yield ": database unavailable, retrying\n\n"
            listener.wait(seen, 2.0)
            continue
        if batch:
            last = batch[-1]["id"]
            yield _message("events", last, generation, batch)
            sent_generation, last_write = generation, time.monotonic()
            continue   # drain: there may be more than one batch
        if generation != sent_generation or time.monotonic() - last_write >= ping:
            yield _message("ping", last, generation)
            sent_generation, last_write = generation, time.monotonic()
        listener.wait(seen, max(0.05, ping - (time.monotonic() - last_write)))
