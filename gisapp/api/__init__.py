"""JSON API under /api/v1: thin Flask adapters over intake, reports and areas."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def register(server: Flask) -> None:
    from . import areas, health, reports  # noqa: F401  (the modules add routes to bp)

    server.register_blueprint(bp)

    @server.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.to_dict()), exc.status

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        limit = server.config.get("MAX_CONTENT_LENGTH")
        return jsonify({"errors": [{"field": "body", "message": f"is larger than {limit} bytes"}]}), 413

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return jsonify({"errors": [{"field": "request", "message": exc.description}]}), exc.code

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Never a bare 500 page: log it and answer in the API's own error shape.
        server.logger.exception("unexpected API error")
        return jsonify({"errors": [{"field": "server", "message": "internal error; it has been logged"}]}), 500
