"""Abuse limits (flask-limiter): sign-in per address and per account, reports per sender and per address.

Counters live in Redis (GISAPP_REDIS_URL), so every worker shares them; without Redis they are kept
per worker, with a warning at start-up. Views name their limits with @limited; install() applies
them to the app it is given, so each app (the tests make many) has its own limiter.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from flask import Flask, current_app, jsonify, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import RequestEntityTooLarge

from gisapp.core.settings import Settings, database_name

from .auth import current_who

log = logging.getLogger(__name__)
ATTR = "gisapp_limits"


def _address() -> str:
    return request.remote_addr or "unknown"


def _sender() -> str:
    """The signed-in user or token's user; the address when nobody is signed in."""
    who = current_who()
    return f"user:{who.user_id}" if who is not None else f"ip:{_address()}"


def _account() -> str:
    """The account a sign-in names (lower-cased: names are), so guessing one account is slowed everywhere."""
    return "name:" + (request.form.get("name") or "").strip().lower()[:40]


KEYS: dict[str, Callable[[], str]] = {"address": _address, "sender": _sender, "account": _account}


def limited(setting: str, *keys: str, methods: tuple[str, ...] = ("POST",), failures_only: bool = False):
    """Limit a view by the Settings field `setting` (e.g. "login_limit"), counted per each of `keys`.
    failures_only: only answers of 400 and above count (a good sign-in costs nothing)."""
    for key in keys:
        KEYS[key]

    def mark(view):
        rules = getattr(view, ATTR, [])
        setattr(view, ATTR, [*rules, *[(setting, key, methods, failures_only) for key in keys]])
        return view
    return mark


def storage_uri(settings: Settings) -> str:
    """Redis when it answers, else per-worker memory (with a warning)."""
    if not settings.redis_url:
        return "memory://"
    import redis
    try:
        redis.Redis.from_url(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        log.warning("abuse limits: Redis at %s is unavailable (%s); counting in memory, per worker",
                    settings.redis_url, exc)
        return "memory://"
    return settings.redis_url


def _too_many(exc: RateLimitExceeded):
    message = _("too many requests; try again in a minute")
    if request.path.startswith(("/api/", "/_dash-")):
        response = jsonify({"errors": [{"field": "rate", "message": message}]})
        response.status_code = 429
    else:
        from .login import message_page
        response = message_page(_("Too many attempts"), message, 429)
    response.headers["Retry-After"] = "60"
    return response


def _whole_body():
    """A chunked body has no length for werkzeug to check, and it would silently cut it at the limit:
    read it here (one byte past the limit at most) and refuse it with 413 if it is longer."""
    if request.content_length is not None or "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return None
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    raw = request.environ["wsgi.input"].read(limit + 1)
    if len(raw) > limit:
        raise RequestEntityTooLarge()
    request.environ.update({"wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))})
    request.environ.pop("wsgi.input_terminated", None)
    return None


def install_body_limit(server: Flask) -> None:
    """First of all before_request hooks: nothing reads a body before its size is known."""
    server.before_request(_whole_body)


def install(server: Flask, settings: Settings) -> Limiter:
    """A limiter for this app, with each view's @limited rules applied."""
    limiter = Limiter(key_func=_address, app=server, storage_uri=storage_uri(settings),
                      in_memory_fallback_enabled=True, headers_enabled=True, strategy="moving-window",
                      key_prefix=f"gisapp:{database_name(settings.database_url)}")
    for endpoint, view in list(server.view_functions.items()):
        for setting, key, methods, failures_only in getattr(view, ATTR, []):
            view = limiter.limit(lambda setting=setting: getattr(settings, setting), key_func=KEYS[key],
                                 methods=list(methods), scope=key,
                                 deduct_when=(lambda r: r.status_code >= 400) if failures_only else None)(view)
        server.view_functions[endpoint] = view
    server.register_error_handler(RateLimitExceeded, _too_many)
    return limiter
