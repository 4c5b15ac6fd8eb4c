"""The planner page's edits: choosing an area and a tool, clicking points, and each edit, undo and attribute
save through gisapp.boundaries.editing (the server keeps shared borders shared)."""

from __future__ import annotations

import sqlalchemy as sa
from dash import Input, Output, State, ctx, no_update
from flask_babel import gettext as _

from gisapp.boundaries import drafts, editing
from gisapp.boundaries import generations as generations_mod
from gisapp.boundaries.edits import Attributes, Draw, Merge, Split, Transfer
from gisapp.boundaries.problems import ImportProblem
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.refusals import refusal
from gisapp.core.validation import parse

from ...auth import current_who
from ...guard import callback
from ..i18n import EDIT_LABELS, label, say_errors
from .page import ATTRIBUTES, DRAWING, PERMISSION, _options, draft_number

TOOLS = ("transfer", "split", "merge", "draw")


def register(app) -> None:
    _choose(app)
    _draw(app)
    _apply(app)


def _lonlat(points: list) -> list:
    return [(p[1], p[0]) for p in points or []]


def _choose(app) -> None:
    @callback(app, PERMISSION, Output("plan-generation", "options"), Output("plan-generation", "value"),
              Output("plan-message", "children", allow_duplicate=True),
              Input("plan-new", "n_clicks"), prevent_initial_call=True)
    def new_draft(clicks):
        if not clicks:
            return no_update, no_update, no_update
        try:
            with begin() as conn:
                number = generations_mod.new_draft(conn, None, _("drawn on the planner page"))
                options = _options(drafts.drafts(conn))
        except ImportProblem:
            return no_update, no_update, _("There is no live generation to copy: import areas first.")
        return options, number, _("Draft %(n)s is a copy of the live generation.", n=number)

    @callback(app, PERMISSION, Output("plan-tool", "data"), Output("plan-sketch", "data"),
              *[Input(f"plan-tool-{t}", "n_clicks") for t in TOOLS], Input("plan-cancel", "n_clicks"),
              Input("plan-generation", "value"), prevent_initial_call=True)
    def tool(*_clicks):
        chosen = (ctx.triggered_id or "").removeprefix("plan-tool-")
        return (chosen if chosen in TOOLS else None), []

    @callback(app, PERMISSION, Output("plan-selected-area", "data"), Output("plan-refresh", "data"),
              Output("plan-message", "children", allow_duplicate=True),
              Output("plan-tool", "data", allow_duplicate=True), Input("plan-areas", "clickData"),
              State("plan-tool", "data"), State("plan-selected-area", "data"), State("plan-generation", "value"),
              State("plan-refresh", "data"), prevent_initial_call=True)
    def click_area(feature, tool, chosen, generation, refresh):
        """A click on an area chooses it, or, with the merge tool, merges it into the chosen one."""
        props = (feature or {}).get("properties") or {}
        if not props.get("code") or tool in DRAWING:
            return no_update, no_update, no_update, no_update
        if tool != "merge" or not chosen:
            return {"code": props["code"], "version": props["version"]}, no_update, None, no_update
        edit = {"keep": chosen["code"], "keep_version": chosen["version"], "absorb": props["code"],
                "absorb_version": props["version"]}
        message, done = _run(generation, "merge", edit)
        if not done:
            return no_update, no_update, message, no_update
        return _fresh(generation, chosen["code"]), (refresh or 0) + 1, message, None


def _draw(app) -> None:
    @callback(app, PERMISSION, Output("plan-sketch", "data", allow_duplicate=True),
              Input("plan-map", "clickData"), Input("plan-unpoint", "n_clicks"),
              State("plan-tool", "data"), State("plan-sketch", "data"), prevent_initial_call=True)
    def point(click, _unpoint, tool, points):
        points = list(points or [])
        if ctx.triggered_id == "plan-unpoint":
            return points[:-1]
        latlng = (click or {}).get("latlng") or {}
        if tool not in DRAWING or latlng.get("lat") is None:
            return no_update
        return [*points, [latlng["lat"], latlng["lng"]]]


def _fresh(generation, code: str) -> dict | None:
    """The chosen area again, with the version the edit gave it."""
    number = draft_number(generation)
    if number is None:
        return None
    with begin() as conn:
        found = drafts.area(conn, number, code)
    return {"code": found["code"], "version": found["version"]} if found else None


MODELS = {"transfer": Transfer, "split": Split, "merge": Merge, "draw": Draw, "attributes": Attributes}


def _run(generation, action: str, values: dict) -> tuple[str, bool]:
    """One edit in its own transaction: (what to tell the planner, whether it was made)."""
    number = draft_number(generation)
    if number is None:
        return _("Choose a draft first."), False
    try:
        edit = parse(MODELS[action], values)
        with begin() as conn:
            getattr(editing, action)(conn, number, edit, current_who().name)
    except ApiError as exc:
        return say_errors(exc), False
    except sa.exc.DBAPIError as exc:
        return _refused(exc), False
    return {"transfer": _("Border moved."), "split": _("Area split."), "merge": _("Areas merged."),
            "draw": _("Area added."), "attributes": _("Saved.")}[action], True


def _refused(exc: sa.exc.DBAPIError) -> str:
    """A rule the database refused, or a shape GEOS could not combine, in the planner's words; else a bug."""
    known = refusal(exc)
    if known is not None:
        return say_errors(known)
    if "GEOS" in str(exc.orig) or "TopologyException" in str(exc.orig):
        return _("The drawn shape could not be combined with the borders: draw it again, more simply.")
    raise exc


def _apply(app) -> None:
    @callback(app, PERMISSION, Output("plan-refresh", "data", allow_duplicate=True),
              Output("plan-message", "children", allow_duplicate=True),
              Output("plan-tool", "data", allow_duplicate=True), Output("plan-sketch", "data", allow_duplicate=True),
              Output("plan-selected-area", "data", allow_duplicate=True),
              Input("plan-finish", "n_clicks"), State("plan-tool", "data"), State("plan-sketch", "data"),
              State("plan-selected-area", "data"), State("plan-generation", "value"), State("plan-level", "value"),
              State("plan-new-code", "value"), State("plan-new-name", "value"), State("plan-refresh", "data"),
              prevent_initial_call=True)
    def finish(clicks, tool, points, chosen, generation, level, code, name, refresh):
        if not clicks or tool not in DRAWING:
            return (no_update,) * 5
        if tool != "draw" and not chosen:
            return no_update, _("Choose an area on the map first."), no_update, no_update, no_update
        shape = _lonlat(points)
        if tool == "transfer":
            values = {"code": chosen["code"], "version": chosen["version"], "polygon": shape}
        elif tool == "split":
            values = {"code": chosen["code"], "version": chosen["version"], "line": shape}
        else:
            values = {"level": level, "code": (code or "").strip(), "name": (name or "").strip(), "polygon": shape}
        message, done = _run(generation, tool, values)
        if not done:
            return no_update, message, no_update, no_update, no_update
        return (refresh or 0) + 1, message, None, [], _fresh(generation, values["code"])

    @callback(app, PERMISSION, Output("plan-refresh", "data", allow_duplicate=True),
              Output("plan-message", "children", allow_duplicate=True),
              Output("plan-selected-area", "data", allow_duplicate=True),
              Input("plan-save", "n_clicks"), *[State(f"plan-attr-{k}", "value") for k in ATTRIBUTES],
              State("plan-selected-area", "data"), State("plan-generation", "value"), State("plan-refresh", "data"),
              prevent_initial_call=True)
    def save(clicks, *values):
        *fields, chosen, generation, refresh = values
        if not clicks or not chosen:
            return no_update, no_update, no_update
        given = dict(zip(ATTRIBUTES, fields))
        edit = {"code": chosen["code"], "version": chosen["version"], "new_code": given.pop("code") or None,
                **{k: (v if v not in (None, "") or k.startswith("responsible") else None) for k, v in given.items()}}
        message, done = _run(generation, "attributes", edit)
        if not done:
            return no_update, message, no_update
        return (refresh or 0) + 1, message, _fresh(generation, edit["new_code"] or chosen["code"])

    @callback(app, PERMISSION, Output("plan-refresh", "data", allow_duplicate=True),
              Output("plan-message", "children", allow_duplicate=True),
              Output("plan-selected-area", "data", allow_duplicate=True),
              Input("plan-undo", "n_clicks"), State("plan-generation", "value"), State("plan-refresh", "data"),
              State("plan-selected-area", "data"), prevent_initial_call=True)
    def undo(clicks, generation, refresh, chosen):
        number = draft_number(generation)
        if not clicks or not number:
            return no_update, no_update, no_update
        try:
            with begin() as conn:
                undone = editing.undo(conn, number, current_who().name)
        except ApiError as exc:
            return no_update, say_errors(exc), no_update
        except sa.exc.DBAPIError as exc:
            return no_update, _refused(exc), no_update
        if undone is None:
            return no_update, _("Nothing left to undo."), no_update
        again = _fresh(generation, chosen["code"]) if chosen else None
        return (refresh or 0) + 1, _("Undone: %(edit)s.", edit=label(EDIT_LABELS, undone["action"])), again
