"""The map's search box: one match goes there, several are listed to choose from, none is said.

gisapp.map.search finds the places; this element shows them and moves the map.
"""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, html, no_update
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who
from gisapp.core.db import begin
from gisapp.map import search

from ...auth import current_who
from ...guard import callback
from .panels import area_panel, building_panel, incident_panel

INCIDENT_ZOOM = 18   # past the incident layer's clustering, so the case itself is drawn


def N_(message: str) -> str:
    return message


KIND_LABELS = {"incident": N_("Case"), "area": N_("Area"), "building": N_("Building"), "road": N_("Road"),
               "poi": N_("Place")}


def hit_list(hits: list[dict]) -> html.Ul:
    """Several matches, each a button: the operator chooses."""
    return html.Ul([html.Li(html.Button([html.Span(_(KIND_LABELS[h["kind"]]), className="hit-kind"), " ", h["label"],
                                         html.Span(f" {h['detail']}" if h["detail"] and h["kind"] == "building"
                                                   else "", className="hit-detail")],
                                        id={"type": "search-hit", "n": n}, n_clicks=0))
                    for n, h in enumerate(hits)], className="search-results")


def go_to(conn: Connection, hit: dict, who: Who) -> tuple:
    """(viewport, highlight, panel) for one match."""
    if hit["kind"] == "incident":
        return ({"center": [hit["lat"], hit["lon"]], "zoom": INCIDENT_ZOOM, "transition": "flyTo"}, hit["feature"],
                incident_panel(conn, int(hit["key"]), who))
    view = {"bounds": hit["bounds"], "transition": "flyToBounds"} if hit["bounds"] else \
        {"center": [hit["lat"], hit["lon"]], "zoom": 18, "transition": "flyTo"}
    if hit["kind"] in ("area", "building"):
        return view, hit["feature"], (area_panel if hit["kind"] == "area" else building_panel)(conn, hit["key"], who)
    return view, hit["feature"], no_update


def register(app) -> None:
    @callback(app, "map.view", Output("map", "viewport"), Output("highlight", "data", allow_duplicate=True),
              Output("side-panel", "children", allow_duplicate=True), Output("map-search-message", "children"),
              Output("map-search-results", "children"), Output("map-search-hits", "data"),
              Input("map-search", "value"), Input("map-search-go", "n_clicks"), State("map-search", "value"),
              prevent_initial_call=True)
    def _search(_typed, _go, text):
        """One match: go there. Several: list them to choose from. None: say so."""
        text = (text or "").strip()
        if not text:
            return no_update, no_update, no_update, "", [], None
        who = current_who()
        with begin() as conn:
            hits = search.find_all(conn, text, who)
            if not hits:
                return no_update, no_update, no_update, _("Nothing found for %(q)s", q=text[:60]), [], None
            if len(hits) == 1:
                return (*go_to(conn, hits[0], who), hits[0]["label"], [], None)
        message = ngettext("%(num)s match: choose one", "%(num)s matches: choose one", len(hits))
        return no_update, no_update, no_update, message, hit_list(hits), hits

    @callback(app, "map.view", Output("map", "viewport", allow_duplicate=True),
              Output("highlight", "data", allow_duplicate=True),
              Output("side-panel", "children", allow_duplicate=True),
              Output("map-search-message", "children", allow_duplicate=True),
              Input({"type": "search-hit", "n": ALL}, "n_clicks"), State("map-search-hits", "data"),
              prevent_initial_call=True)
    def _chosen(_clicks, hits):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not ctx.triggered[0]["value"] or not hits:
            return no_update, no_update, no_update, no_update
        hit = hits[int(trigger["n"])]
        with begin() as conn:
            return (*go_to(conn, hit, current_who()), hit["label"])
