"""JSON API under /api/v1: thin Flask adapters over intake, reports and areas."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from gisapp.core.errors import ApiError

from ..words import say

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(status: int, field: str, message: str):
    return jsonify({"errors": [{"field": field, "message": message}]}), status


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    """Field names stay machine words; messages follow Accept-Language (English by default)."""
    return jsonify(exc.to_dict(say)), exc.status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    return _error(413, "body", _("is larger than %(n)s bytes", n=current_app.config.get("MAX_CONTENT_LENGTH")))


# Other HTTP errors, the database away (503) and anything unexpected: web/faults.py, for the whole app,
# in this same shape under /api/.


def _api_methods() -> list[str]:
    """Methods an API route takes at this path (Dash's catch-all page also answers GET)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint.startswith(bp.name + "."):
            allowed.append(method)
    return allowed


def _route_errors_as_json():
    """Under /api/, unknown paths and methods answer in the error shape, not Dash's HTML page."""
    if not request.path.startswith(bp.url_prefix + "/") and request.path != bp.url_prefix:
        return None
    exc = request.routing_exception
    if isinstance(exc, MethodNotAllowed):
        return _error(405, "method", _("%(method)s is not allowed here; use %(allowed)s", method=request.method,
                                       allowed=", ".join(_api_methods())))
    if exc is not None or not (request.endpoint or "").startswith(bp.name + "."):
        return _error(404, "path", _("no API route %(path)s", path=request.path))
    return None


def register(server: Flask) -> None:
    from . import access, boundaries, cases, health, live, map, metrics, openapi  # noqa: F401  (the modules add routes to bp)

    server.register_blueprint(bp)
    server.before_request(_route_errors_as_json)
