"""Working a case in the console: the panel's callbacks, its buttons, the placement pin and the live notice.

Every click goes through the cases room's models and the user's role (the API's rules), as the
signed-in user. A note is sent only with the action it was typed for and cleared after it; actions
that destroy work (the vocabulary's `destructive`) come last and ask first; an unlocated report is
placed only after the operator has seen where it would land.
"""

from __future__ import annotations

import dash_leaflet as dl
import sqlalchemy as sa
from dash import ALL, Input, Output, State, ctx, html, no_update
from dash_extensions.javascript import Namespace
from flask_babel import gettext as _

from gisapp.access.permissions import Who
from gisapp.cases import desk, workflow
from gisapp.cases.read import case_outline, get_case, visible
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.core.vocabulary import ACTION, TASK_STATUS

from ...auth import acting, current_who
from ...guard import callback
from ..i18n import STATUS_LABELS, TASK_LABELS, action_label, in_chinese, label, say_errors
from . import panel

JS = Namespace("gisapp", "map")


def _refused() -> ApiError:
    return ApiError(403, [("permission", _("your role may not do this"))])


def _move_task(who: Who, case_id: int, task: int, status: str, note: str):
    move = parse(workflow.TaskMoveIn, {"note": note, "status": status})

    def run(c):
        if workflow.task_case(c, task) != case_id:
            raise ApiError(404, [("task", _("no task %(id)s", id=task))])
        workflow.move_own_task(c, task, move.status, who, move.note)
    return run


def _work(who: Who, trigger, case_id, version, note, satisfaction, duplicate_of, department, upload, upload_name,
          pin, pending=None):
    """What a click asks for, checked by the room's models and the user's role (ApiError if not): a unit
    of work to run. `pending` is the destructive action the operator has just confirmed."""
    note = note or ""
    if trigger == "case-callout":
        if not who.may("cases.call_out"):
            raise _refused()
        callout = parse(workflow.CalloutIn, {"note": note, "department": department or ""})
        return lambda c: workflow.call_department(c, case_id, callout.department, who.display, callout.note)
    if isinstance(trigger, dict) and trigger.get("type") == "case-task":
        if not who.may("tasks.move"):
            raise _refused()
        return _move_task(who, case_id, int(trigger["task"]), str(trigger["to"]), note)
    if not who.may("cases.act"):
        raise _refused()
    if trigger == "case-place":
        spot = parse(workflow.PlaceIn, {"lon": (pin or {}).get("lon"), "lat": (pin or {}).get("lat")})
        return lambda c: workflow.place(c, case_id, spot.lon, spot.lat, who.display)
    action = pending if trigger == "case-confirm" else trigger["action"]
    files = [{"filename": upload_name or "", "data": upload}] if upload else None
    command = parse(workflow.ActionIn, {"note": note, "action": action, "version": version,
                                        "satisfaction": satisfaction, "duplicate_of": duplicate_of,
                                        "attachments": files})
    return lambda c: workflow.perform(c, case_id, command, who.display, get_settings().max_body_bytes)


def _run(fn, case_id: int, who: Who) -> tuple[str, bool]:
    try:
        with acting() as conn:
            if not visible(conn, case_id, who):
                return _("This case is not yours to work on."), False
            fn(conn)
    except ApiError as exc:
        return say_errors(exc), False
    except (sa.exc.DBAPIError, ValueError, OverflowError):   # e.g. a number too big for its column
        return _("The database refused this action; nothing was saved."), False
    return _("Done."), True


def _tasks(tasks: list[dict], who: Who) -> html.Ul:
    """Department tasks; the buttons only for those who may move them (a department: its own)."""
    zh = in_chinese()

    def movable(t: dict) -> bool:
        return who.may("tasks.move") and who.department in (None, t["department"])
    return html.Ul([html.Li([f"{t['name_zh'] if zh else t['name_en']}: ", html.B(label(TASK_LABELS, t["status"])),
                             *[html.Button(label(TASK_LABELS, nxt), n_clicks=0, className="task",
                                           id={"type": "case-task", "task": t["id"], "to": nxt})
                               for nxt in [TASK_STATUS[t["status"]].next] if nxt and movable(t)]])
                    for t in tasks], className="tasks")


def _buttons(actions: list[str], case: dict) -> list:
    """Safe actions first; destructive ones last, and they ask first. Merge and keep sit with the
    duplicate hint when there is one."""
    hinted = {"merge", "keep"} if case["possible_duplicate_of"] else set()
    shown = [a for a in actions if a not in hinted]
    ordered = sorted(shown, key=lambda a: ACTION[a].destructive if a in ACTION else False)
    return [html.Button(action_label(a), id={"type": "case-risky" if a in ACTION and ACTION[a].destructive
                                             else "case-action", "action": a},
                        n_clicks=0, className="action action-" + a + (" destructive" if ACTION[a].destructive else ""))
            for a in ordered if a in ACTION]


def _departments(options: list[dict]) -> list[dict]:
    zh = in_chinese()
    return [{"label": ("★ " if d["usual"] else "") + d["name_zh" if zh else "name_en"], "value": d["code"]}
            for d in options]


def _overlay(case: dict, outline: dict | None) -> list:
    layers = [dl.GeoJSON(data={"type": "Feature", "geometry": outline, "properties": {}},
                         style={"color": "#d9480f", "weight": 3, "fillOpacity": 0.06})] if outline else []
    if case["lon"] is not None:
        layers.append(dl.CircleMarker(center=[case["lat"], case["lon"]], radius=9, color="#d9480f", fill=True,
                                      fillOpacity=0.9))
    return layers


EMPTY = 11


def register(app) -> None:
    _panel(app)
    _pin(app)
    _actions(app)


def _panel(app) -> None:
    @callback(app, "cases.read", Output("case-detail", "children"), Output("case-actions", "children"),
              Output("case-version", "data"), Output("case-overlay", "children"), Output("case-map", "viewport"),
              Output("case-tasks", "children"), Output("case-history", "children"),
              Output("case-department", "options"), Output("case-notice", "children"), Output("case-hint", "data"),
              Output("case-duplicate-of", "style"),
              Input("case-selected", "data"), Input("case-refresh", "data"), Input("live-state", "data"),
              State("case-version", "data"))
    def show(case_id, _refresh, _live, shown):
        """The panel, and what it shows ({id, version, event}: the case, its version and its last event),
        so a click acts only on the case on screen and a live update redraws only what changed."""
        if not case_id:
            return (html.P(_("Choose a case in the table."), className="hint"), [], None, [], no_update, None,
                    None, [], None, None, no_update)
        who = current_who()
        with begin() as conn:
            case = get_case(conn, int(case_id), who=who)
            if case is None:
                return (html.P(_("No case %(id)s", id=case_id), className="hint"), [], None, [], no_update, None,
                        None, [], None, None, no_update)
            live = ctx.triggered_id == "live-state"
            seen = shown if isinstance(shown, dict) and shown.get("id") == case["id"] else None
            last = workflow.last_event_id(conn, case["id"])
            if live and seen is not None and seen.get("event") == last:   # the feed moved for other cases
                return (no_update,) * EMPTY
            events = workflow.history(conn, case["id"], who)
            may_act = who.may("cases.act")
            actions = workflow.allowed_actions(conn, case["id"]) if may_act else []
            outline = case_outline(conn, case["id"])
            near = desk.place_in_words(conn, case["id"])
            reporter = desk.reporter(conn, case["id"], who)
            departments = desk.proposed_departments(conn, case["category"])
        notice = None
        others = [e for e in events if seen is not None and e["id"] > (seen.get("event") or 0)
                  and e.get("user_id") != who.user_id]
        if live and others:
            notice = html.Div(_("Someone else changed this case just now; it is now %(status)s. The panel shows "
                                "it as it is now.", status=label(STATUS_LABELS, case["status"])), className="notice")
        viewport = {"center": [case["lat"], case["lon"]], "zoom": 17, "transition": "flyTo"} \
            if case["lon"] is not None else no_update
        hint = case["possible_duplicate_of"]
        state = {"id": case["id"], "version": case["version"], "event": last}
        return (panel.facts(case, near, reporter, may_act), _buttons(actions, case), state,
                _overlay(case, outline), no_update if live else viewport, _tasks(case["department_tasks"], who),
                html.Div([html.H4(_("Timeline")), panel.timeline(events, case)]), _departments(departments),
                notice, hint, {"display": "none"} if hint else {})

    @callback(app, "cases.read", Output("case-note", "value", allow_duplicate=True),
              Output("case-pin", "data", allow_duplicate=True),
              Output("case-message", "children", allow_duplicate=True),
              Output("case-upload", "contents", allow_duplicate=True),
              Output("case-duplicate-of", "value"), Output("case-satisfaction", "value"),
              Output("case-department", "value"),
              Input("case-selected", "data"), prevent_initial_call=True)
    def fresh_case(_case_id):
        """Nothing typed, chosen or attached for one case is ever sent with another."""
        return "", None, None, None, None, None, None

    @callback(app, "cases.read", Output("case-upload-label", "children"), Input("case-upload", "filename"),
              prevent_initial_call=True)
    def show_upload(filename):
        return f"📎 {filename}" if filename else _("Attach a photo (JPEG, PNG, WebP or PDF) to the next action")


def _actions(app) -> None:
    @callback(app, "cases.read", Output("case-confirm", "displayed"), Output("case-confirm", "message"),
              Output("case-pending", "data"), Input({"type": "case-risky", "action": ALL}, "n_clicks"),
              State("case-selected", "data"), State("case-hint", "data"), prevent_initial_call=True)
    def ask(_clicks, case_id, hint):
        """A destructive action asks first, naming what it will do."""
        if not ctx.triggered or not ctx.triggered[0]["value"] or not isinstance(ctx.triggered_id, dict):
            return no_update, no_update, no_update
        action = ctx.triggered_id["action"]
        if action == "merge" and hint:
            message = _("Merge case %(id)s into case %(other)s? The case is closed as a duplicate.", id=case_id,
                        other=hint)
        else:
            message = _("%(action)s case %(id)s? This cannot be undone.", action=action_label(action), id=case_id)
        return True, message, action

    @callback(app, "cases.read", Output("case-message", "children"), Output("case-refresh", "data"),
              Output("case-upload", "contents"), Output("case-note", "value"),
              Output("case-pin", "data", allow_duplicate=True),
              Input({"type": "case-action", "action": ALL}, "n_clicks"), Input("case-callout", "n_clicks"),
              Input({"type": "case-task", "task": ALL, "to": ALL}, "n_clicks"), Input("case-place", "n_clicks"),
              Input("case-confirm", "submit_n_clicks"),
              State("case-selected", "data"), State("case-version", "data"), State("case-note", "value"),
              State("case-satisfaction", "value"), State("case-duplicate-of", "value"), State("case-hint", "data"),
              State("case-department", "value"), State("case-upload", "contents"), State("case-upload", "filename"),
              State("case-pin", "data"), State("case-pending", "data"), State("case-refresh", "data"),
              prevent_initial_call=True)
    def perform(_clicks, _callout, _task_clicks, _place, _confirmed, case_id, shown, note, satisfaction,
                duplicate_of, hint, department, upload, upload_name, pin, pending, refresh):
        trigger = ctx.triggered_id
        keep = (no_update,) * 5
        if not case_id or not ctx.triggered or not ctx.triggered[0]["value"]:
            return keep
        if not isinstance(shown, dict) or shown.get("id") != case_id:
            # the buttons on screen are still the last case's: act on nothing rather than the wrong case
            return _("The panel is still loading the chosen case; try again in a moment."), *keep[1:]
        who = current_who()
        try:
            work = _work(who, trigger, int(case_id), shown.get("version"), note, satisfaction, hint or duplicate_of,
                         department, upload, upload_name, pin, pending)
        except ApiError as exc:
            return say_errors(exc), *keep[1:]
        message, ok = _run(work, int(case_id), who)
        if not ok:
            return message, *keep[1:]
        return message, (refresh or 0) + 1, None, "", None


def _pin(app) -> None:
    @callback(app, "cases.read", Output("case-pin", "data"), Input("case-map", "clickData"),
              State("case-selected", "data"), prevent_initial_call=True)
    def drop_pin(click, case_id):
        """A click on the map of an unlocated case drops a pin; nothing is saved yet."""
        latlng = (click or {}).get("latlng") or {}
        if not case_id or latlng.get("lat") is None or not current_who().may("cases.act"):
            return no_update
        with begin() as conn:
            mine = visible(conn, int(case_id), current_who())
            status = conn.scalar(sa.text("SELECT status FROM incident WHERE id = :i"), {"i": int(case_id)})
        return {"lat": latlng["lat"], "lon": latlng["lng"]} if mine and status == "unlocated" else no_update

    @callback(app, "cases.read", Output("case-placing", "hidden"), Output("case-landing", "children"),
              Output("case-place", "disabled"), Output("case-pin-group", "children"),
              Input("case-pin", "data"), State("case-selected", "data"))
    def show_pin(pin, case_id):
        """The pin, draggable, and where the case would land: the operator confirms with that name in view."""
        if not pin or not case_id:
            return True, None, True, []
        try:
            spot = parse(workflow.PlaceIn, {"lon": pin.get("lon"), "lat": pin.get("lat")})
        except ApiError as exc:
            return False, say_errors(exc), True, []
        with begin() as conn:
            land = desk.landing(conn, spot.lon, spot.lat)
        where = (land["chain"] or land["name"]) if land else None
        text = _("Place case %(id)s in %(place)s?", id=case_id, place=where) if where else \
            _("This point is outside every area: the case would stay unlocated.")
        marker = dl.Marker(position=[spot.lat, spot.lon], draggable=True, id="case-pin-marker",
                           eventHandlers={"dragend": JS("pinMoved")})
        return False, text, not where, [marker]

    @callback(app, "cases.read", Output("case-pin", "data", allow_duplicate=True), Input("case-unpin", "n_clicks"),
              prevent_initial_call=True)
    def unpin(clicks):
        return None if clicks else no_update
