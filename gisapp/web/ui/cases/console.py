"""/cases: the operator console's page. Filters, the case table and its exports; the panel beside it.

The table and an open panel follow the live feed the map has (web/ui/live.py); a slow timer is only
the fallback. ?incident=ID opens the console with that case chosen, ?area= filters by an area's code
or name.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import dash_ag_grid as dag
import dash_leaflet as dl
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from flask_babel import gettext as _
from flask_babel import ngettext

from gisapp.cases.read import CaseQuery, categories, list_cases
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.core.vocabulary import LEVEL_CODES, STATUS_CODES
from gisapp.map.registry import layer_registry

from ...auth import current_who
from ...guard import callback
from ..chrome import calendar_warning, page_header
from ..i18n import (
    GRID_LOCALE,
    LEVEL_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    category_label,
    in_chinese,
    label,
    local_time,
    say_errors,
)
from ..live import live_badge, live_components
from ..map.view import PANES, layer_component

LIST_LIMIT = 500
EXPORT_LIMIT = 100_000
MAP_LAYERS = ("basemap_water", "basemap_roads", "micro_grids", "buildings")   # the case map's context
START = [31.238, 121.5]


def columns() -> list[dict]:
    """(field, header) of the table and the exports, in the reader's language."""
    return [("id", _("ID")), ("status_label", _("Status")), ("urgent_label", _("Urgent")),
            ("category_label", _("Category")), ("description", _("Description")),
            ("owner_label", _("Owner level")), ("handler", _("Handler")), ("place", _("Area")),
            ("deadline", _("Deadline")), ("overdue_label", _("Overdue")), ("reported", _("Reported at"))]


WIDTHS = {"id": 70, "status_label": 90, "urgent_label": 64, "category_label": 100, "description": 240,
          "owner_label": 86, "handler": 84, "place": 200, "deadline": 140, "overdue_label": 70, "reported": 140}


def _column_defs() -> list[dict]:
    return [{"field": f, "headerName": h, "width": WIDTHS[f], "minWidth": 60,
             "tooltipField": f if f in ("description", "place") else None} for f, h in columns()]


def rows(items: list[dict], description_chars: int | None = 200) -> list[dict]:
    """The table's rows (a description cut for the table; whole for the exports)."""
    out = []
    for c in items:
        chain = c["assignment"] or {}
        community, grid = chain.get("community"), chain.get("micro_grid") or chain.get("grid")
        out.append({
            "id": c["id"], "status_label": label(STATUS_LABELS, c["status"]),
            "urgent_label": _("Urgent") if c["urgent"] else "", "category_label": category_label(c),
            "description": (c["description"] or "")[:description_chars],
            "owner_label": label(LEVEL_LABELS, c["owner_level"]) if c["owner_level"] else "—",
            "handler": (c["handler"] or {}).get("name") or "—",
            "place": "·".join(x["name"] for x in (community, grid) if x) or _("Unlocated"),
            "deadline": local_time(c["due"]["at"]) if c["due"] else "—",
            "overdue_label": _("Overdue") if c["overdue"] else "", "reported": local_time(c["reported_at"])})
    return out


def _case_map() -> dl.Map:
    """One small map for the chosen case, on the offline basemap with micro-grids and buildings."""
    registry, settings = layer_registry(), get_settings()
    layers = [layer_component(registry.get(x), settings, kind="case-layer") for x in MAP_LAYERS if registry.get(x)]
    return dl.Map([*[dl.Pane(name=f"{n}-pane", style={"zIndex": z}) for n, z in PANES.items()], *layers,
                   dl.LayerGroup(id="case-overlay"), dl.LayerGroup(id="case-pin-group")],
                  id="case-map", center=START, zoom=17, minZoom=12, maxZoom=20, style={"height": "260px"},
                  attributionControl=False, className="case-map")


def _filters(area: str | None, zh: bool, category_list: list[dict]) -> html.Div:
    return html.Div([
        dcc.Dropdown(id="cases-status", multi=True, placeholder=_("Status"),
                     options=[{"label": label(STATUS_LABELS, s), "value": s} for s in STATUS_CODES]),
        dcc.Dropdown(id="cases-category", placeholder=_("Category"),
                     options=[{"label": c["name_zh" if zh else "name_en"], "value": c["code"]} for c in category_list]),
        dcc.Dropdown(id="cases-level", placeholder=_("Owner level"),
                     options=[{"label": label(LEVEL_LABELS, lv), "value": lv} for lv in LEVEL_CODES]),
        dcc.Input(id="cases-area", placeholder=_("Area name or code"), debounce=True, value=(area or "")[:200]),
        dcc.DatePickerRange(id="cases-dates", display_format="YYYY-MM-DD", clearable=True,
                            start_date_placeholder_text=_("From"), end_date_placeholder_text=_("To")),
        dcc.Input(id="cases-text", placeholder=_("Search text, reference or ID"), debounce=True),
        dcc.Checklist(id="cases-overdue", options=[{"label": _("Overdue only"), "value": "1"}], value=[]),
        html.Button(_("Export CSV"), id="cases-export-csv", n_clicks=0, className="button-link"),
        html.Button(_("Export Excel"), id="cases-export-xlsx", n_clicks=0, className="button-link"),
        dcc.Download(id="cases-download"),
    ], className="filters")


def _controls(zh: bool) -> html.Div:
    return html.Div([
        dcc.Textarea(id="case-note", placeholder=_("Note or reason for this action"), className="wide", value=""),
        dcc.Dropdown(id="case-satisfaction", placeholder=_("Satisfaction (for the call-back)"), options=[
            {"label": label(SATISFACTION_LABELS, code), "value": code} for code in SATISFACTION_LABELS]),
        dcc.Input(id="case-duplicate-of", type="number", placeholder=_("Duplicate of case ID (to merge)")),
        dcc.Upload(html.Div(_("Attach a photo (JPEG, PNG, WebP or PDF) to the next action"),
                            id="case-upload-label"), id="case-upload", className="upload"),
        html.Div(id="case-actions", className="actions"),
        html.Div([dcc.Dropdown(id="case-department", placeholder=_("Department")),
                  html.Button(_("Call department"), id="case-callout", n_clicks=0)], className="row"),
        html.Div(id="case-message", role="status", **{"aria-live": "polite"}),
        dcc.ConfirmDialog(id="case-confirm"),
    ], id="case-controls", className="panel")


def layout(area: str | None = None, incident: str | None = None, **_query):
    """?area=CODE or name and ?incident=ID (the map panel's links) open the console filtered or chosen."""
    with begin() as conn:
        category_list = categories(conn)
        live = live_components(conn)
        warning = calendar_warning(conn)
    zh = in_chinese()
    chosen = int(incident) if incident and incident.isdecimal() and len(incident) < 19 else None
    return html.Div([
        page_header(_("Cases")),
        warning,
        _filters(area, zh, category_list),
        html.Div([html.Div([
            html.P([html.Span(id="cases-count"), " ", live_badge()], className="hint"),
            dag.AgGrid(id="cases-grid", columnDefs=_column_defs(), rowData=[],
                       defaultColDef={"sortable": True, "resizable": True},
                       dashGridOptions={"rowSelection": "single", "pagination": True, "paginationPageSize": 20,
                                        "tooltipShowDelay": 300,
                                        "localeText": {k: _(v) for k, v in GRID_LOCALE.items()}},
                       getRowId="params.data.id", style={"height": "70vh"}, className="cases-grid")]),
            html.Div([
                html.Div(id="case-notice", role="alert"),
                html.Div(id="case-detail"),
                _case_map(),
                html.Div([html.P(id="case-landing"),
                          html.Button(_("Place it here"), id="case-place", n_clicks=0, disabled=True,
                                      className="action"),
                          html.Button(_("Cancel placing"), id="case-unpin", n_clicks=0, className="action")],
                         id="case-placing", className="placing", hidden=True),
                html.Div(id="case-tasks"),
                _controls(zh),
                html.Div(id="case-history"),
            ], className="case-side"),
        ], className="cases-body"),
        dcc.Store(id="case-selected", data=chosen), dcc.Store(id="case-refresh", data=0),
        dcc.Store(id="case-version"), dcc.Store(id="case-pin"),
        dcc.Store(id="case-pending"), dcc.Store(id="case-hint"),
        dcc.Store(id="case-map-layers", data={x.id: x.cache for x in map(layer_registry().get, MAP_LAYERS) if x}),
        dcc.Location(id="cases-url", refresh=False),
        *live,
    ], className="page")


def query_of(status, category, level, area, since, until, text, overdue) -> CaseQuery:
    """The filters as the cases room's query (ApiError(400) naming a bad one)."""
    query = parse(CaseQuery, {"status": ",".join(status or []), "category": category or "", "level": level or "",
                              "area": area or "", "q": text or "", "from": (since or "")[:10],
                              "to": (until or "")[:10], "overdue": "true" if overdue else ""}, status=400)
    if query.until is not None and query.until < date.max:   # the picker's end day is included
        query = query.model_copy(update={"until": query.until + timedelta(days=1)})
    return query


FILTERS = [Input("cases-status", "value"), Input("cases-category", "value"), Input("cases-level", "value"),
           Input("cases-area", "value"), Input("cases-dates", "start_date"), Input("cases-dates", "end_date"),
           Input("cases-text", "value"), Input("cases-overdue", "value")]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """Text a spreadsheet shows as text: one that starts like a formula gets a leading apostrophe (a
    resident's description must never run in the operator's Excel)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def export_bytes(table: list[dict], kind: str) -> bytes:
    """The listed rows with the table's headers, as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    heads = columns()
    table = [{k: cell(v) for k, v in r.items()} for r in table]
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([h for _f, h in heads])
        writer.writerows([[r[f] for f, _h in heads] for r in table])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    sheet.append([h for _f, h in heads])
    for r in table:
        sheet.append([r[f] for f, _h in heads])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register(app) -> None:
    @callback(app, "cases.read", Output("cases-grid", "rowData"), Output("cases-count", "children"),
              *FILTERS, Input("case-refresh", "data"), Input("live-state", "data"))
    def load_rows(status, category, level, area, since, until, text, overdue, _refresh, _live):
        try:
            query = query_of(status, category, level, area, since, until, text, overdue)
        except ApiError as exc:
            return [], say_errors(exc)
        with begin() as conn:
            total, items = list_cases(conn, query, who=current_who(), limit=LIST_LIMIT, offset=0)
        shown = ngettext("%(num)s case", "%(num)s cases", total) if total <= LIST_LIMIT else _(
            "%(n)s cases; the newest %(shown)s are listed: narrow the filters", n=total, shown=LIST_LIMIT)
        return rows(items), shown

    @callback(app, "cases.read", Output("cases-download", "data"), Input("cases-export-csv", "n_clicks"),
              Input("cases-export-xlsx", "n_clicks"), *[State(i.component_id, i.component_property) for i in FILTERS],
              prevent_initial_call=True)
    def export(csv_clicks, xlsx_clicks, status, category, level, area, since, until, text, overdue):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        kind = "csv" if ctx.triggered_id == "cases-export-csv" else "xlsx"
        try:
            query = query_of(status, category, level, area, since, until, text, overdue)
        except ApiError:
            return no_update
        with begin() as conn:
            _total, items = list_cases(conn, query, who=current_who(), limit=EXPORT_LIMIT, offset=0)
        return dcc.send_bytes(export_bytes(rows(items, None), kind), f"cases-{date.today().isoformat()}.{kind}")

    @callback(app, "cases.read", Output("case-selected", "data"), Output("cases-url", "search"),
              Input("cases-grid", "selectedRows"), prevent_initial_call=True)
    def select(chosen):
        """The chosen case goes into the URL, so a reload or a language switch keeps it."""
        case_id = chosen[0]["id"] if chosen else None
        return case_id, f"?incident={case_id}" if case_id else ""

    app.clientside_callback(
        "function(b, z, c, live, tick, ids, caches) {"
        " return window.dash_clientside.gisapp.layerUrls(b, z, c, live, tick, ids, caches); }",
        Output({"type": "case-layer", "id": ALL}, "url"),
        Input("case-map", "bounds"), Input("case-map", "zoom"), Input("case-map", "center"),
        Input("live-state", "data"), Input("live-tick", "n_intervals"),
        State({"type": "case-layer", "id": ALL}, "id"), State("case-map-layers", "data"),
    )
