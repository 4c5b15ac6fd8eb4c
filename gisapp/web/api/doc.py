"""What each API route takes, said next to the route, for the OpenAPI description (openapi.py).

A route's summary is the first line of its docstring; `@takes` names the models its handler parses.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class Takes:
    body: type[BaseModel] | None = None    # a JSON body, checked by this model (422 names the fields)
    query: type[BaseModel] | None = None   # query-string arguments, checked by this model (400)
    ok: int = 200
    media: str = "application/json"        # what a success answers with


TAKES: dict[str, Takes] = {}   # view function name → what it takes


def takes(*, body: type[BaseModel] | None = None, query: type[BaseModel] | None = None, ok: int = 200,
          media: str = "application/json"):
    def mark(view):
        TAKES[view.__name__] = Takes(body, query, ok, media)
        return view
    return mark
