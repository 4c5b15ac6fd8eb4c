"""GET /api/v1/events (catch-up as JSON) and /api/v1/events/stream (server-sent events)."""

from __future__ import annotations

import os

from flask import Response, jsonify, request

from gisapp.boundaries.generations import active_generation
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.live.feed import events_after, last_event_id, stream
from gisapp.live.listener import get_listener

from . import bp


def _after() -> int:
    """Last-Event-ID (sent by a reconnecting browser) wins over ?after=; no value: from now on."""
    raw = request.headers.get("Last-Event-ID") or request.args.get("after")
    if raw is None or raw == "":
        with begin() as conn:
            return last_event_id(conn)
    if not raw.isdecimal() or len(raw) > 18:
        raise ApiError(400, [("after", f"must be an event id (a whole number), got {raw[:30]!r}")])
    return int(raw)


def _limit() -> int:
    raw = request.args.get("limit", "100")
    if not raw.isdecimal() or not 1 <= int(raw) <= 1000:
        raise ApiError(400, [("limit", "must be a whole number from 1 to 1000")])
    return int(raw)


@bp.get("/events")
def events():
    after, limit = _after(), _limit()
    with begin() as conn:
        batch = events_after(conn, after, limit)
        last = batch[-1]["id"] if batch else max(after, 0)
        return jsonify({"events": batch, "last": last, "generation": active_generation(conn)})


def _read(after: int):
    with begin() as conn:
        return events_after(conn, after), active_generation(conn)


@bp.get("/events/stream")
def events_stream():
    after = _after()
    return Response(stream(after, _read, get_listener()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no",
                             "X-Gisapp-Worker": str(os.getpid())})
