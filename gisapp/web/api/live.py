"""GET /api/v1/events (catch-up as JSON) and /api/v1/events/stream (server-sent events).

A stream holds one of its worker's threads while it is open, so streams are capped: per worker at
half its threads (ordinary requests always have the other half) and per user. Past either cap the
answer is 503 with Retry-After, and the browser's EventSource tries again by itself.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _

from gisapp.boundaries.generations import active_generation
from gisapp.core.db import begin
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.live.feed import FeedQuery, events_after, last_event_id, stream
from gisapp.live.listener import get_listener

from ..auth import current_who
from . import bp
from .doc import takes

RETRY_SECONDS = 15


class StreamSlots:
    """The streams one worker (one app) has open, in all and per user; with what they sent."""

    def __init__(self, total: int, per_user: int):
        self.total, self.per_user = total, per_user
        self.by_user: Counter[int | None] = Counter()
        self.opened = self.bytes_sent = 0
        self._lock = threading.Lock()

    @property
    def open(self) -> int:
        return sum(self.by_user.values())

    def take(self, user_id: int | None) -> str | None:
        """None when a slot was taken; else which cap is full ("worker" or "user")."""
        with self._lock:
            if self.open >= self.total:
                return "worker"
            if self.by_user[user_id] >= self.per_user:
                return "user"
            self.by_user[user_id] += 1
            self.opened += 1
            return None

    def give_back(self, user_id: int | None) -> None:
        with self._lock:
            self.by_user[user_id] -= 1
            if self.by_user[user_id] <= 0:
                del self.by_user[user_id]

    def counted(self, chunks):
        for chunk in chunks:
            self.bytes_sent += len(chunk.encode("utf-8"))
            yield chunk


def stream_slots() -> StreamSlots:
    slots = current_app.extensions.get("gisapp_stream_slots")
    if slots is None:
        settings = get_settings()
        slots = current_app.extensions.setdefault("gisapp_stream_slots",
                                                  StreamSlots(settings.stream_slots, settings.streams_per_user))
    return slots


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
@takes("map.view", query=FeedQuery)
def events():
    """Every event after an id (a case's change), oldest first: catch-up for a live map."""
    query = _query()
    with begin() as conn:
        batch = events_after(conn, query.after, query.limit, who=current_who())
        last = batch[-1]["id"] if batch else max(query.after, 0)
        return jsonify({"events": batch, "last": last, "generation": active_generation(conn)})


@bp.get("/events/stream")
@takes("map.view", query=FeedQuery, media="text/event-stream")
def events_stream():
    """The same events as server-sent events, live; a reconnect sends Last-Event-ID and resumes there."""
    after = _query().after
    who = current_who()
    slots = stream_slots()
    full = slots.take(who.user_id)
    if full is not None:
        message = (_("this server is serving as many live streams as it can; the page retries by itself")
                   if full == "worker" else _("you have too many live pages open; close one"))
        response = jsonify({"errors": [{"field": "stream", "message": message}]})
        response.status_code, response.headers["Retry-After"] = 503, str(RETRY_SECONDS)
        return response

    def read(last: int):
        with begin() as conn:
            return events_after(conn, last, who=who), active_generation(conn)

    response = Response(slots.counted(stream(after, read, get_listener())), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no",
                                 "X-Gisapp-Worker": str(os.getpid())})
    response.call_on_close(lambda: slots.give_back(who.user_id))
    return response
