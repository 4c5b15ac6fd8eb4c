"""Dash pages and map elements, one module per room; assets are served locally (command centres run offline).

Each module registers its page and callbacks on the app it is given, so several apps in one process
(the tests make many) each get all of them.
"""

from __future__ import annotations


def register(app) -> None:
    from . import audit, boundaries, cases, live, not_found_404, planner, screen, tasks
    from .map import page, search_box, view

    for element in (live, view, page, search_box, screen, cases, tasks, boundaries, planner, audit, not_found_404):
        element.register(app)
