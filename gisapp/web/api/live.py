"""GET /api/v1/events (catch-up as JSON) and /api/v1/events/stream (server-sent events)."""

from __future__ import annotations

import os

from flask import Response, jsonify, request

from gisapp.boundaries.generations import active_generation
from gisapp.core.db import begin
from gisapp.core.validation import parse
from gisapp.live.feed import FeedQuery, events_after, last_event_id, stream
from gisapp.live.listener import get_listener

from . import bp
from .doc import takes


def _query() -> FeedQuery:
    """Last-Event-ID (sent by a reconnecting browser) wins over ?after=; no value: from now on."""
    args = request.args.to_dict()
    if request.headers.get("Last-Event-ID"):
        args["after"] = request.headers["Last-Event-ID"]
    query = parse(FeedQuery, args, status=400)
    if query.after is None:
        with begin() as conn:
            query = query.model_copy(update={"after": last_event_id(conn)})
    return query


@bp.get("/events")
@takes(query=FeedQuery)
def events():
    """Every event after an id (a case's change), oldest first: catch-up for a live map."""
    query = _query()
    with begin() as conn:
        batch = events_after(conn, query.after, query.limit)
        last = batch[-1]["id"] if batch else max(query.after, 0)
        return jsonify({"events": batch, "last": last, "generation": active_generation(conn)})


def _read(after: int):
    with begin() as conn:
        return events_after(conn, after), active_generation(conn)


@bp.get("/events/stream")
@takes(query=FeedQuery, media="text/event-stream")
def events_stream():
    """The same events as server-sent events, live; a reconnect sends Last-Event-ID."""
    return Response(stream(_query().after, _read, get_listener()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no",
                             "X-Gisapp-Worker": str(os.getpid())})
