"""Helpers every API module shares: where links point, and reading query numbers."""

from __future__ import annotations

from flask import request

from ..config import get_settings
from ..errors import ApiError


def base_url() -> str:
    """GISAPP_PUBLIC_URL when set (behind a proxy), else the URL this request came in on."""
    return (get_settings().public_url or request.host_url).rstrip("/")


def query_float(name: str) -> float:
    raw = request.args.get(name)
    if raw is None or raw == "":
        raise ApiError(400, [(name, "is required")])
    try:
        return float(raw)
    except ValueError:
        raise ApiError(400, [(name, f"must be a number, got {raw[:40]!r}")]) from None
