"""Helpers every API module shares: where links point, and reading query numbers."""

from __future__ import annotations

import json
import re
from datetime import date

from flask import request

from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings


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


def json_object() -> dict:
    """The request body as a JSON object, or the 400/415/422 that says what is wrong with it."""
    if not request.is_json:
        raise ApiError(415, [("body", "Content-Type must be application/json")])
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, [("body", f"malformed JSON: {exc}")]) from None
    except RecursionError:
        raise ApiError(400, [("body", "JSON is nested too deeply")]) from None
    if not isinstance(body, dict):
        raise ApiError(422, [("body", "must be a JSON object")])
    return body


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def query_date(name: str) -> date | None:
    """?name=YYYY-MM-DD, strictly (fromisoformat alone would take 20261001 or 2026-W40-1)."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, [(name, f"must be a date YYYY-MM-DD, got {raw[:40]!r}")]) from None
