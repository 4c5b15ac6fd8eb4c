"""What every API module shares about a request: where links point, and reading a JSON body."""

from __future__ import annotations

import json

from flask import request
from flask_babel import gettext as _

from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings


def base_url() -> str:
    """GISAPP_PUBLIC_URL when set (behind a proxy), else the URL this request came in on."""
    return (get_settings().public_url or request.host_url).rstrip("/")


def json_object() -> dict:
    """The request body as a JSON object, or the 400/415/422 that says what is wrong with it."""
    if not request.is_json:
        raise ApiError(415, [("body", _("Content-Type must be application/json"))])
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, [("body", _("malformed JSON: %(reason)s", reason=str(exc)))]) from None
    except RecursionError:
        raise ApiError(400, [("body", _("JSON is nested too deeply"))]) from None
    if not isinstance(body, dict):
        raise ApiError(422, [("body", _("must be a JSON object"))])
    return body
