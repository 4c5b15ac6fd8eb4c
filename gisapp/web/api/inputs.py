"""What every API module shares about a request: where links point, and reading a JSON body."""

from __future__ import annotations

import json
import re

from flask import request

from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings

_SURROGATE = re.compile("[\ud800-\udfff]")


def base_url() -> str:
    """GISAPP_PUBLIC_URL when set (behind a proxy), else the URL this request came in on."""
    return (get_settings().public_url or request.host_url).rstrip("/")


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
    bad = _unstorable(body)
    if bad is not None:   # a lone \ud800 escape: JSON allows it, UTF-8 and PostgreSQL do not
        raise ApiError(422, [(bad, "must be valid Unicode text (it holds a lone UTF-16 surrogate)")])
    return body


def _unstorable(value, where: str = "body") -> str | None:
    """The first field (as `note`, `attachments[0].filename`) whose text holds a lone surrogate."""
    if isinstance(value, str):
        return where if _SURROGATE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        path = key if where == "body" else f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}"
        found = _unstorable(key, path) if isinstance(key, str) else None
        found = found or _unstorable(item, str(path))
        if found:
            return found
    return None
