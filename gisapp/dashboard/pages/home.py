"""/: the entry page; the situation map replaces it (see the map issue). Deep links land here."""

from __future__ import annotations


import dash
from dash import dcc, html
from flask_babel import gettext as _

from ...db import begin
from ...overview import counts
from ...reports import get_report
from ..chrome import page_header
from ..i18n import LEVEL_LABELS, STATUS_LABELS, category_label, label, local_time

dash.register_page(__name__, path="/", name="Home", order=0)


def incident_panel(incident_id: str) -> html.Div:
    report = None
    if incident_id.isdecimal() and len(incident_id) < 19:
        with begin() as conn:
            report = get_report(conn, int(incident_id))
    if report is None:
        return html.Div(_("No incident %(id)s", id=incident_id), id="incident-panel", className="panel")
    chain = report["assignment"] or {}
    rows = [(_("Status"), label(STATUS_LABELS, report["status"])), (_("Category"), category_label(report)),
            (_("Reported at"), local_time(report["reported_at"])), (_("Location"), "—" if report["lon"] is None else f"{report['lon']:.6f}, {report['lat']:.6f}")]
    rows += [(label(LEVEL_LABELS, lv), f"{chain[lv]['name']} ({chain[lv]['code']})")
             for lv in ("street", "community", "grid", "micro_grid") if chain.get(lv)]
    return html.Div([html.H3(_("Incident %(id)s", id=report["id"])),
                     html.Dl([x for k, v in rows for x in (html.Dt(k), html.Dd(str(v)))]),
                     html.P(report["description"])], id="incident-panel", className="panel")


def layout(incident: str | None = None, **_query):
    with begin() as conn:
        c = counts(conn)
    tiles = [(_("Areas"), c["areas"]), (_("Buildings"), c["buildings"]), (_("Checkpoints"), c["checkpoints"]),
             (_("Open incidents"), c["open"]), (_("Unlocated"), c["unlocated"])]
    return html.Div([
        page_header(_("Situation overview")),
        html.P(_("Active generation: %(g)s", g=c["generation"] or "—"), id="home-generation"),
        html.Div([html.Div([html.Div(str(v), className="tile-value"), html.Div(k, className="tile-label")],
                           className="tile") for k, v in tiles], className="tiles"),
        incident_panel(incident) if incident else None,
        dcc.Link(_("All areas"), href="/areas"),
    ], className="page")
