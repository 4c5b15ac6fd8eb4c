"""/audit: the access room's page. Admins read the audit record, filter it and export it as CSV."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import dash_ag_grid as dag
from dash import Input, Output, dcc, html
from flask_babel import gettext as _

from gisapp.access.audit import AuditQuery, entries
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.validation import parse

from ..guard import callback, page
from .chrome import page_header
from .i18n import GRID_LOCALE, local_time


def _columns() -> list[dict]:
    return [{"field": "at", "headerName": _("When"), "width": 175},
            {"field": "actor", "headerName": _("Who"), "width": 140},
            {"field": "action", "headerName": _("What"), "width": 190},
            {"field": "target", "headerName": _("On what"), "flex": 1},
            {"field": "ip", "headerName": _("Address (IP)"), "width": 130},
            {"field": "detail", "headerName": _("Details"), "flex": 1}]


def layout(**_query):
    return html.Div([
        page_header(_("Audit")),
        html.Div([
            dcc.Input(id="audit-actor", placeholder=_("Who (user name)"), debounce=True),
            dcc.Input(id="audit-action", placeholder=_("What (e.g. login, access.denied, boundary)"), debounce=True),
            dcc.DatePickerRange(id="audit-dates", display_format="YYYY-MM-DD", clearable=True,
                                start_date_placeholder_text=_("From"), end_date_placeholder_text=_("To")),
            html.A(_("Export CSV"), id="audit-export", href="/api/v1/audit?format=csv", className="button-link"),
        ], className="filters"),
        html.P(id="audit-count", className="hint"),
        dag.AgGrid(id="audit-grid", columnDefs=_columns(), rowData=[],
                   defaultColDef={"sortable": True, "resizable": True},
                   dashGridOptions={"pagination": True, "paginationPageSize": 50,
                                    "localeText": {k: _(v) for k, v in GRID_LOCALE.items()}},
                   style={"height": "70vh"}),
    ], className="page")


def register(app) -> None:
    page(app, __name__, "audit.read", path="/audit", name="Audit", order=4, layout=layout)

    @callback(app, "audit.read", Output("audit-grid", "rowData"), Output("audit-count", "children"),
              Output("audit-export", "href"),
              Input("audit-actor", "value"), Input("audit-action", "value"),
              Input("audit-dates", "start_date"), Input("audit-dates", "end_date"))
    def load(actor, action, since, until):
        args = {k: v for k, v in (("actor", actor), ("action", action), ("from", (since or "")[:10]),
                                  ("to", (until or "")[:10])) if v}
        try:
            query = parse(AuditQuery, args, status=400)
        except ApiError as exc:
            return [], "; ".join(f"{field}: {message}" for field, message in exc.errors), "/api/v1/audit?format=csv"
        with begin() as conn:
            rows = entries(conn, query)
        shown = [{**r, "at": local_time(r["at"], "yyyy-MM-dd HH:mm:ss"),
                  "detail": json.dumps(r["detail"], ensure_ascii=False) if r["detail"] else ""} for r in rows]
        return shown, _("%(n)s entries (newest first)", n=len(rows)), \
            "/api/v1/audit?" + urlencode({**args, "format": "csv"})
