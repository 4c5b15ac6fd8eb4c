"""What each API route takes and who may call it, said next to the route, for the guard and for the
OpenAPI description (openapi.py).

A route's summary is the first line of its docstring; `@takes` names the models its handler parses
and the permission (gisapp.access.permissions) it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from ..guard import allow
from ..limits import ATTR as LIMITS


@dataclass(frozen=True)
class Takes:
    body: type[BaseModel] | None = None    # a JSON body, checked by this model (422 names the fields)
    query: type[BaseModel] | None = None   # query-string arguments, checked by this model (400)
    ok: int = 200
    media: str = "application/json"        # what a success answers with
    permission: str = "signed_in"
    limited: bool = False                   # abuse limits apply (429)


TAKES: dict[str, Takes] = {}   # view function name → what it takes


def takes(permission: str, *, body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
          ok: int = 200, media: str = "application/json"):
    def mark(view):
        TAKES[view.__name__] = Takes(body, query, ok, media, permission, bool(getattr(view, LIMITS, None)))
        return allow(permission)(view)
    return mark
