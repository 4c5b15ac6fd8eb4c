"""/cases: the operator console. A filterable case table, and a panel to work the chosen case.

Everyone sees the cases of their scope; what they may do to one follows their role. The actor of
every action is the signed-in user.
"""

from __future__ import annotations

from datetime import date, timedelta

import dash_ag_grid as dag
import dash_leaflet as dl
import sqlalchemy as sa
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from flask_babel import gettext as _

from gisapp.access.permissions import Who
from gisapp.cases import workflow
from gisapp.cases.read import CaseQuery, case_outline, categories, departments, get_case, list_cases, visible
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.core.vocabulary import LEVEL_CODES, STATUS_CODES, TASK_STATUS

from ..auth import acting, current_who
from ..guard import callback, page
from .chrome import page_header
from .i18n import (
    ACTION_LABELS,
    GRID_LOCALE,
    LEVEL_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    TASK_LABELS,
    category_label,
    in_chinese,
    label,
    local_time,
)

LIST_LIMIT = 500


def _columns() -> list[dict]:
    return [{"field": "id", "headerName": _("ID"), "width": 90},
            {"field": "status_label", "headerName": _("Status"), "width": 110},
            {"field": "category_label", "headerName": _("Category"), "width": 120},
            {"field": "owner_label", "headerName": _("Owner level"), "width": 110},
            {"field": "grid", "headerName": _("Grid"), "flex": 1},
            {"field": "reported", "headerName": _("Reported at"), "width": 150},
            {"field": "overdue_label", "headerName": _("Overdue"), "width": 90}]


def _rows(items: list[dict]) -> list[dict]:
    return [{"id": c["id"], "status_label": label(STATUS_LABELS, c["status"]),
             "category_label": category_label(c),
             "owner_label": label(LEVEL_LABELS, c["owner_level"]) if c["owner_level"] else "—",
             "grid": (c["assignment"] or {}).get("grid", {}) and c["assignment"]["grid"]["name"] or "—",
             "reported": local_time(c["reported_at"]), "overdue_label": "⚠" if c["overdue"] else ""}
            for c in items]


def layout(area: str | None = None, incident: str | None = None, **_query):
    """?area=CODE and ?incident=ID (the map panel's links) open the console filtered to them."""
    with begin() as conn:
        department_list, category_list = departments(conn), categories(conn)
    zh = in_chinese()
    return html.Div([
        page_header(_("Cases")),
        html.Div([
            dcc.Dropdown(id="cases-status", multi=True, placeholder=_("Status"),
                         options=[{"label": label(STATUS_LABELS, s), "value": s} for s in STATUS_CODES]),
            dcc.Dropdown(id="cases-category", placeholder=_("Category"),
                         options=[{"label": c["name_zh" if zh else "name_en"], "value": c["code"]}
                                  for c in category_list]),
            dcc.Dropdown(id="cases-level", placeholder=_("Owner level"),
                         options=[{"label": label(LEVEL_LABELS, lv), "value": lv} for lv in LEVEL_CODES]),
            dcc.Input(id="cases-area", placeholder=_("Area code"), debounce=True, value=(area or "")[:200]),
            dcc.DatePickerRange(id="cases-dates", display_format="YYYY-MM-DD", clearable=True,
                                start_date_placeholder_text=_("From"), end_date_placeholder_text=_("To")),
            dcc.Input(id="cases-text", placeholder=_("Search text, reference or ID"), debounce=True,
                      value=(incident or "")[:40]),
            dcc.Checklist(id="cases-overdue", options=[{"label": _("Overdue only"), "value": "1"}], value=[]),
        ], className="filters"),
        html.Div([html.Div([
            html.P(id="cases-count", className="hint"),
            dag.AgGrid(id="cases-grid", columnDefs=_columns(), rowData=[],
                       defaultColDef={"sortable": True, "resizable": True},
                       dashGridOptions={"rowSelection": "single", "pagination": True, "paginationPageSize": 20,
                                        "localeText": {k: _(v) for k, v in GRID_LOCALE.items()}},
                       getRowId="params.data.id", style={"height": "70vh"}, className="cases-grid")]),
            html.Div([
                html.Div(id="case-detail"),
                html.Div(_case_map([], [31.238, 121.5]), id="case-map-box"),
                html.Div(id="case-tasks"),
                html.Div([
                    dcc.Input(id="case-note", placeholder=_("Note or reason"), className="wide"),
                    dcc.Dropdown(id="case-satisfaction", placeholder=_("Satisfaction"), options=[
                        {"label": label(SATISFACTION_LABELS, code), "value": code} for code in SATISFACTION_LABELS]),
                    dcc.Input(id="case-duplicate-of", type="number", placeholder=_("Duplicate of case ID")),
                    dcc.Upload(html.Div(_("Attach a photo (JPEG, PNG, WebP or PDF) to the next action"),
                                        id="case-upload-label"), id="case-upload", className="upload"),
                    html.Div(id="case-actions", className="actions"),
                    html.Div([dcc.Dropdown(id="case-department", placeholder=_("Department"),
                                           options=[{"label": d["name_zh" if zh else "name_en"], "value": d["code"]}
                                                    for d in department_list]),
                              html.Button(_("Call department"), id="case-callout", n_clicks=0)], className="row"),
                    html.Div(id="case-message", role="status"),
                ], id="case-controls", className="panel"),
            ], className="case-side"),
        ], className="cases-body"),
        dcc.Store(id="case-selected"), dcc.Store(id="case-refresh", data=0), dcc.Store(id="case-version"),
        # A slow fallback; live updates from the database's NOTIFY come with the situation map.
        dcc.Interval(id="cases-poll", interval=30_000),
    ], className="page")


def _timeline(events: list[dict]) -> html.Ol:
    return html.Ol([html.Li([html.Span(local_time(e["at"], "MM-dd HH:mm"), className="when"), " ",
                             html.B(label(ACTION_LABELS, e["action"])), " · ", e["actor"],
                             f" — {e['note']}" if e["note"] else "",
                             *[html.A(f" 📎 {f['filename']}", href=f"/api/v1/attachments/{f['id']}", target="_blank")
                               for f in e["attachments"]]]) for e in events], className="timeline")


def _map_layers(case: dict, outline: dict | None) -> list:
    layers = [dl.GeoJSON(data=outline, style={"color": "#12325a", "weight": 2, "fillOpacity": 0.08})] if outline else []
    if case["lon"] is not None:
        layers.append(dl.CircleMarker(center=[case["lat"], case["lon"]], radius=8, color="#d9480f", fill=True))
    return layers


def _case_map(layers: list, centre: list[float]) -> dl.Map:
    """A fresh map per case, so Leaflet centres it on the case (the box always holds one, for clicks)."""
    return dl.Map(layers, center=centre, zoom=17, id="case-map", style={"height": "220px"},
                  attributionControl=False, className="case-map")


def _tasks(tasks: list[dict], who: Who) -> html.Ul:
    """Department tasks; the buttons only for those who may move them (a department: its own)."""
    zh = in_chinese()

    def movable(t: dict) -> bool:
        return who.may("tasks.move") and who.department in (None, t["department"])
    return html.Ul([html.Li([f"{t['name_zh'] if zh else t['name_en']}: ", html.B(label(TASK_LABELS, t["status"])),
                             *[html.Button(label(TASK_LABELS, nxt),
                                           id={"type": "case-task", "task": t["id"], "to": nxt},
                                           n_clicks=0, className="task")
                               for nxt in [TASK_STATUS[t["status"]].next] if nxt and movable(t)]])
                    for t in tasks], className="tasks")


def _run(fn, case_id: int, who: Who) -> tuple[str, bool]:
    try:
        with acting() as conn:
            if not visible(conn, case_id, who):
                return _("This case is not yours to work on."), False
            fn(conn)
    except ApiError as exc:
        return "; ".join(m for _f, m in exc.errors), False
    except (sa.exc.DBAPIError, ValueError, OverflowError) as exc:  # e.g. a number too big for its column
        return _("Refused: %(reason)s", reason=str(getattr(exc, "orig", exc)).splitlines()[0]), False
    return _("Done."), True


def _refused() -> ApiError:
    return ApiError(403, [("permission", _("your role may not do this"))])


def _move_task(who: Who, task: int, status: str, note: str):
    move = parse(workflow.TaskMoveIn, {"note": note, "status": status})

    def run(c):
        department = workflow.task_department(c, task)
        if department is None or (who.department is not None and department != who.department):
            raise _refused()
        workflow.update_task(c, task, move.status, who.display, move.note)
    return run


def _work(who: Who, trigger, case_id, version, note, satisfaction, duplicate_of, department, upload, upload_name,
          map_click):
    """What a click asks for, checked by the room's models and the user's role (ApiError if not): a unit
    of work to run."""
    note = note or ""
    if trigger == "case-callout":
        if not who.may("cases.call_out"):
            raise _refused()
        callout = parse(workflow.CalloutIn, {"note": note, "department": department or ""})
        return lambda c: workflow.call_department(c, case_id, callout.department, who.display, callout.note)
    if isinstance(trigger, dict) and trigger.get("type") == "case-task":
        if not who.may("tasks.move"):
            raise _refused()
        return _move_task(who, int(trigger["task"]), str(trigger["to"]), note)
    if not who.may("cases.act"):
        raise _refused()
    if trigger == "case-map":
        latlng = (map_click or {}).get("latlng") or {}
        spot = parse(workflow.PlaceIn, {"lon": latlng.get("lng"), "lat": latlng.get("lat")})
        return lambda c: workflow.place(c, case_id, spot.lon, spot.lat, who.display)
    files = [{"filename": upload_name or "", "data": upload}] if upload else None
    command = parse(workflow.ActionIn, {"note": note, "action": trigger["action"], "version": version,
                                        "satisfaction": satisfaction, "duplicate_of": duplicate_of,
                                        "attachments": files})
    return lambda c: workflow.perform(c, case_id, command, who.display, get_settings().max_body_bytes)


def register(app) -> None:
    """The page and its callbacks, on this app."""
    page(app, __name__, "cases.read", path="/cases", name="Cases", order=2, layout=layout)

    @callback(app, "cases.read", Output("cases-grid", "rowData"), Output("cases-count", "children"),
                  Input("cases-status", "value"), Input("cases-category", "value"), Input("cases-level", "value"),
                  Input("cases-area", "value"), Input("cases-dates", "start_date"), Input("cases-dates", "end_date"),
                  Input("cases-text", "value"), Input("cases-overdue", "value"), Input("case-refresh", "data"),
                  Input("cases-poll", "n_intervals"))
    def load_rows(status, category, level, area, since, until, text, overdue, _refresh, _poll):
        try:
            query = parse(CaseQuery, {"status": ",".join(status or []), "category": category or "",
                                      "level": level or "", "area": area or "", "q": text or "",
                                      "from": (since or "")[:10], "to": (until or "")[:10],
                                      "overdue": "true" if overdue else ""}, status=400)
        except ApiError as exc:
            return [], "; ".join(f"{field}: {message}" for field, message in exc.errors)
        if query.until is not None and query.until < date.max:   # the picker's end day is included
            query = query.model_copy(update={"until": query.until + timedelta(days=1)})
        with begin() as conn:
            total, items = list_cases(conn, query, who=current_who(), limit=LIST_LIMIT, offset=0)
        shown = _("%(n)s cases", n=total) if total <= LIST_LIMIT else _(
            "%(n)s cases; the newest %(shown)s are listed: narrow the filters", n=total, shown=LIST_LIMIT)
        return _rows(items), shown

    @callback(app, "cases.read", Output("case-selected", "data"), Input("cases-grid", "selectedRows"),
              prevent_initial_call=True)
    def select(rows):
        return rows[0]["id"] if rows else None

    @callback(app, "cases.read", Output("case-detail", "children"), Output("case-actions", "children"),
              Output("case-version", "data"),
                  Output("case-map-box", "children"), Output("case-tasks", "children"),
                  Input("case-selected", "data"), Input("case-refresh", "data"))
    def show(case_id, _refresh):
        if not case_id:
            return html.P(_("Choose a case in the table."), className="hint"), [], None, no_update, None
        who = current_who()
        with begin() as conn:
            case = get_case(conn, int(case_id), who=who)
            if case is None:
                return html.P(_("No case %(id)s", id=case_id), className="hint"), [], None, no_update, None
            events = workflow.history(conn, case["id"], who)
            actions = workflow.allowed_actions(conn, case["id"]) if who.may("cases.act") else []
            outline = case_outline(conn, case["id"])
        chain = case["assignment"] or {}
        place = " › ".join(chain[lv]["name"] for lv in ("street", "community", "grid", "micro_grid") if chain.get(lv))
        detail = html.Div([
            html.H3(_("Case %(id)s", id=case_id), id="case-title"),
            html.P([html.B(label(STATUS_LABELS, case["status"]), id="case-status"), f" · v{case['version']} · ",
                    place or _("Unlocated: click the map to place it")]),
            html.P(case["description"]),
            _timeline(events),
        ])
        buttons = [html.Button(label(ACTION_LABELS, a), id={"type": "case-action", "action": a}, n_clicks=0,
                               className=f"action action-{a}") for a in actions]
        layers = _map_layers(case, {"type": "Feature", "geometry": outline, "properties": {}} if outline else None)
        centre = [case["lat"], case["lon"]] if case["lon"] is not None else [31.238, 121.5]
        return detail, buttons, case["version"], _case_map(layers, centre), _tasks(case["department_tasks"], who)

    @callback(app, "cases.read", Output("case-upload-label", "children"), Input("case-upload", "filename"),
              prevent_initial_call=True)
    def show_upload(filename):
        return f"📎 {filename}" if filename else _("Attach a photo (JPEG, PNG, WebP or PDF) to the next action")

    @callback(app, "cases.read", Output("case-message", "children"), Output("case-refresh", "data"),
              Output("case-upload", "contents"),
                  Input({"type": "case-action", "action": ALL}, "n_clicks"), Input("case-callout", "n_clicks"),
                  Input({"type": "case-task", "task": ALL, "to": ALL}, "n_clicks"), Input("case-map", "clickData"),
                  State("case-selected", "data"), State("case-version", "data"),
                  State("case-note", "value"), State("case-satisfaction", "value"), State("case-duplicate-of", "value"),
                  State("case-department", "value"), State("case-upload", "contents"), State("case-upload", "filename"),
                  State("case-refresh", "data"), prevent_initial_call=True)
    def perform(_clicks, _callout, _task_clicks, map_click, case_id, version, note, satisfaction, duplicate_of,
                department, upload, upload_name, refresh):
        trigger = ctx.triggered_id
        if not case_id or not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update, no_update, no_update
        who = current_who()
        try:
            message, ok = _run(_work(who, trigger, int(case_id), version, note, satisfaction, duplicate_of,
                                     department, upload, upload_name, map_click), int(case_id), who)
        except ApiError as exc:
            return "; ".join(f"{field}: {message}" for field, message in exc.errors), no_update, no_update
        if not ok:
            return message, no_update, no_update
        return message, (refresh or 0) + 1, None
