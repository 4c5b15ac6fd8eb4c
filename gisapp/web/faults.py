"""When something fails: the database away is 503 with Retry-After (clients retry, nothing is lost),
a bad request to a callback is a 4xx in the API's error shape, and nothing shows a stack trace.

The engine pings a connection before using it (core/db.py), so once PostgreSQL is back the next
request simply works.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

RETRY_AFTER = 5
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/_dash-"))


def _answer(status: int, field: str, message: str):
    if wants_json():
        response = jsonify({"errors": [{"field": field, "message": message}]})
        response.status_code = status
    else:
        from .login import message_page
        response = message_page(_("Something went wrong") if status >= 500 else _("This request was refused"),
                                message, status)
    return response


def unavailable(exc: Exception):
    """The database is away (down, restarting, out of connections): try again shortly."""
    current_app.logger.warning("database unavailable: %s", str(exc).splitlines()[0][:200])
    response = _answer(503, "database", _("the database is unavailable; try again in a few seconds"))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def _http(exc: HTTPException):
    if not wants_json():
        return exc
    return _answer(exc.code or 400, "request", exc.description or exc.name)


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http(exc)
    current_app.logger.exception("unexpected error")
    return _answer(500, "server", _("internal error; it has been logged"))


def install(server: Flask) -> None:
    for kind in UNAVAILABLE:
        server.register_error_handler(kind, unavailable)
    server.register_error_handler(HTTPException, _http)
    server.register_error_handler(Exception, _unexpected)
