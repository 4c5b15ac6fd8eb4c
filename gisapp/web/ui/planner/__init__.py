"""/planner: the planner's desk, where a draft generation is redrawn, checked, compared and put live."""

from __future__ import annotations


def register(app) -> None:
    from . import edit, page, review

    for element in (page, edit, review):
        element.register(app)
