"""/areas: every area of the active generation, with its people and open cases."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import html
from flask_babel import gettext as _

from gisapp.boundaries.lookup import list_areas
from gisapp.core.db import begin

from ..auth import current_who
from ..guard import page
from .chrome import page_header
from .i18n import GRID_LOCALE, LEVEL_LABELS, label


def register(app) -> None:
    page(app, __name__, "areas.read", path="/areas", name="Areas", order=1, layout=layout)


def columns() -> list[dict]:
    return [
        {"field": "level_label", "headerName": _("Level"), "width": 110},
        {"field": "code", "headerName": _("Code"), "width": 190},
        {"field": "name", "headerName": _("Name"), "flex": 1},
        {"field": "parent_code", "headerName": _("Parent"), "width": 170},
        {"field": "population", "headerName": _("Population"), "width": 120, "type": "numericColumn"},
        {"field": "households", "headerName": _("Households"), "width": 120, "type": "numericColumn"},
        {"field": "responsible_name", "headerName": _("Responsible"), "width": 120},
        {"field": "responsible_phone", "headerName": _("Phone"), "width": 140},
        {"field": "open_incidents", "headerName": _("Open cases"), "width": 130, "type": "numericColumn"},
    ]


def layout(**_query):
    with begin() as conn:
        rows = list_areas(conn, who=current_who())
    for row in rows:
        row["level_label"] = label(LEVEL_LABELS, row["level"])
    body = (html.P(_("No active generation yet: import areas with `gisapp areas import`."), id="areas-empty")
            if not rows else
            dag.AgGrid(id="areas-grid", rowData=rows, columnDefs=columns(),
                       defaultColDef={"sortable": True, "filter": True, "resizable": True},
                       dashGridOptions={"pagination": True, "paginationPageSize": 50,
                                        "localeText": {k: _(v) for k, v in GRID_LOCALE.items()}},
                       style={"height": "75vh"}))
    return html.Div([
        page_header(_("Areas")),
        html.P(_("%(n)s areas in the active generation", n=len(rows)), id="areas-count"),
        body,
    ], className="page")
