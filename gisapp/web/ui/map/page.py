"""/: the situation map. Every layer from the registry, live incidents, search, and a side panel.

Deep links land here: /?lat=&lon=&z=, /?area=CODE, /?incident=ID (the API's links.map).
"""

from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from flask_babel import gettext as _
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who
from gisapp.core.db import begin
from gisapp.core.settings import get_settings
from gisapp.map import search
from gisapp.map.registry import layer_registry
from gisapp.metrics import choropleth
from gisapp.metrics.overview import summary as summary_counts

from ...auth import current_who
from ...guard import callback, page
from ..chrome import page_header
from ..live import live_badge, live_components, ticker
from .legend import class_legend, legend
from .panels import area_panel, building_panel, checkpoint_panel, incident_panel
from .search_box import INCIDENT_ZOOM
from .view import layers_store, situation_map, tile_warning

CHOROPLETH = {"type": "choropleth", "page": ALL}
CHOROPLETH_LEGEND = {"type": "choropleth-legend", "page": ALL}
PANELS = {"area": area_panel, "building": building_panel, "checkpoint": checkpoint_panel}


def _number(raw: str | None, low: float, high: float) -> float | None:
    try:
        value = float(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


def initial_state(conn: Connection, who: Who, lat=None, lon=None, z=None, area=None, incident=None):
    """(view, highlight, panel, notice) for the deep-link parameters; bad ones say so, not 500."""
    if incident:
        digits = str(incident).lstrip("#")
        if digits.isdecimal() and len(digits) < 19:
            panel = incident_panel(conn, int(digits), who)
            hit = search.find_incident(conn, int(digits), who)
            if hit:
                return {"center": [hit["lat"], hit["lon"]], "zoom": INCIDENT_ZOOM}, hit["feature"], panel, None
            return search.generation_view(conn), None, panel, None
        return search.generation_view(conn), None, None, _("No case %(id)s", id=incident[:40])
    if area:
        hit = search.find_area(conn, area[:200])
        if hit:
            return {"bounds": hit["bounds"]}, hit["feature"], area_panel(conn, hit["key"], who), None
        return search.generation_view(conn), None, None, _("No area %(code)s", code=area[:60])
    la, lo, zoom = _number(lat, -90, 90), _number(lon, -180, 180), _number(z, 0, 22)
    if la is not None and lo is not None:
        return {"center": [la, lo], "zoom": int(zoom if zoom is not None else 16)}, None, None, None
    if lat or lon:
        return search.generation_view(conn), None, None, _("lat and lon must be numbers within range")
    return search.generation_view(conn), None, None, None


def summary(conn: Connection) -> html.Div:
    c = summary_counts(conn)
    tiles = [(_("Open cases"), c["open"], "open"), (_("Overdue"), c["overdue"], "overdue"),
             (_("Unlocated"), c["unlocated"], "unlocated"),
             (_("Checkpoints offline"), c["checkpoints_offline"], "offline")]
    return html.Div([html.Div([html.Div(str(v), className="tile-value"), html.Div(k, className="tile-label")],
                              className=f"tile tile-{key}") for k, v, key in tiles], className="tiles compact")


def layout(lat=None, lon=None, z=None, area=None, incident=None, **_query):
    settings = get_settings()
    registry = layer_registry()
    with begin() as conn:
        view, highlight, panel, notice = initial_state(conn, current_who(), lat, lon, z, area, incident)
        live = live_components(conn)
        tiles = summary(conn)
    return html.Div([
        page_header(_("Situation map")),
        html.Div([
            dcc.Input(id="map-search", type="search", debounce=True, className="map-search",
                      placeholder=_("Case id, area, address, road or place")),
            html.Button(_("Search"), id="map-search-go"),
            html.Span(notice or "", id="map-search-message", className="hint", role="status"),
            html.Label([_("Colour areas by"), dcc.RadioItems(
                id={"type": "choropleth", "page": "map"}, value="none", inline=True,
                options=[{"label": _("nothing"), "value": "none"},
                         {"label": _("open cases"), "value": "open_incidents"},
                         {"label": _("requests per 10,000 residents (30 days)"), "value": "per_10k"}])],
                className="choropleth-switch"),
            live_badge(),
            dcc.Link(_("Big screen"), href="/screen", className="screen-link"),
        ], className="map-toolbar"),
        html.Div([
            html.Div([situation_map(registry, settings, view, highlight=highlight),
                      legend(registry, tile_warning(settings))], className="map-wrap"),
            html.Aside([html.Div(id="map-search-results"), html.Div(panel, id="side-panel"),
                        html.Div(tiles, id="map-summary"), ticker()],
                       className="map-side"),
        ], className="map-body"),
        layers_store(registry), dcc.Store(id="map-search-hits"), *live,
    ], className="page map-page")


def register(app) -> None:
    """The page and its callbacks, on this app."""
    page(app, __name__, "map.view", path="/", name="Map", order=0, layout=layout)

    @callback(app, "map.view", Output("side-panel", "children"), Output("highlight", "data"),
                  Input({"type": "layer", "id": ALL}, "clickData"), prevent_initial_call=True)
    def _clicked(_clicks):
        """A click on a feature opens its panel (the layer file says which panel) and outlines it."""
        trigger = ctx.triggered_id
        feature = ctx.triggered[0]["value"] if ctx.triggered else None
        if not isinstance(trigger, dict) or not isinstance(feature, dict):
            return no_update, no_update
        layer = layer_registry().get(trigger["id"])
        key = feature.get("id", (feature.get("properties") or {}).get("id"))
        if layer is None or layer.panel is None or key is None or (feature.get("properties") or {}).get("cluster"):
            return no_update, no_update
        who = current_who()
        with begin() as conn:
            if layer.panel == "incident":
                panel = incident_panel(conn, int(key), who) if str(key).isdecimal() else no_update
            else:
                panel = PANELS[layer.panel](conn, str(key), who)
        outline = {"type": "Feature", "geometry": feature.get("geometry"), "properties": {}} \
            if feature.get("geometry") else no_update
        return panel, outline

    # The switch and its legend have pattern ids: the big screen shares live-state and the layers but has no
    # switch, and a plain id would be a missing input there (an error in the browser's console).
    @callback(app, "map.view", Output({"type": "layer", "id": ALL}, "hideout"), Output(CHOROPLETH_LEGEND, "children"),
                  Input(CHOROPLETH, "value"), Input("live-state", "data"),
                  State({"type": "layer", "id": ALL}, "hideout"), prevent_initial_call=True)
    def _choropleth(measures, _live, hideouts):
        """Colour area layers by a measure; recomputed as incidents arrive. Other layers are untouched."""
        measure = measures[0] if measures else None
        if not measures or (ctx.triggered_id == "live-state" and measure in (None, "none")):
            return [no_update] * len(hideouts), [no_update] * len(measures)
        registry = layer_registry()
        out, legend_rows = [], []
        with begin() as conn:
            for h in hideouts:
                layer = registry.get(h.get("layer", ""))
                if layer is None or not layer.choropleth:
                    out.append(no_update)
                    continue
                classes = None if measure in (None, "none") else \
                    choropleth.classify(conn, layer.filter["level"], measure)
                out.append({**h, "choropleth": classes and {"fills": classes["fills"]}})
                if classes and not legend_rows:
                    legend_rows = class_legend(classes)
        return out, [legend_rows]

    @callback(app, "map.view", Output("map-summary", "children"), Input("live-state", "data"),
              prevent_initial_call=True)
    def _summary(_live):
        with begin() as conn:
            return summary(conn)
