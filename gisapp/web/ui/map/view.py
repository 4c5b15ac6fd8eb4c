"""The situation map, built from the layer registry: no layer is named here.

Each layer becomes a dash-leaflet GeoJSON fed by URL (bbox + zoom, set by a clientside callback),
styled by the functions in assets/gisapp_map.js from what its YAML file says (passed as hideout).
"""

from __future__ import annotations

import dash_leaflet as dl
from dash import ALL, Input, Output, State, dcc
from dash_extensions.javascript import Namespace
from flask_babel import gettext as _

from gisapp.core.settings import Settings
from gisapp.map.registry import Layer, Registry

from ..i18n import CHECKPOINT_LABELS, FIELD_LABELS, STATUS_LABELS, in_chinese, label

JS = Namespace("gisapp", "map")
PANES = {"basemap": 250, "areas": 410, "assets": 430, "incidents": 450, "highlight": 470}

# Optional raster basemaps (GISAPP_BASEMAP). Each needs the network; the vector one does not.
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "wgs84"),
    "tianditu": ("https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                 "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                 "&TILECOL={x}&tk={key}", "wgs84"),
    "amap": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
             "&x={x}&y={y}&z={z}", "gcj02"),
}


def hideout(layer: Layer, settings: Settings) -> dict:
    """Everything the JS needs to draw a layer: its style, tooltip fields and their labels."""
    fields = {f: label(FIELD_LABELS, f) for f in (*layer.tooltip, *layer.popup)}
    return {
        "layer": layer.id, "title": _(layer.title), "kind": layer.geometry_type, "marker": layer.marker,
        "style": layer.style, "by": layer.style_by and layer.style_by.model_dump(), "tooltip": list(layer.tooltip),
        "lang": "zh_CN" if in_chinese() else "en", "timezone": settings.timezone, "choropleth": None,
        "labels": {"fields": fields, "yes": _("Yes"), "no": _("No"),
                   "minutes": _("%(n)s min ago"), "hours": _("%(n)s h"),
                   "values": {"status": {k: label(STATUS_LABELS, k) for k in STATUS_LABELS}
                              if layer.marker != "checkpoint" else
                              {k: label(CHECKPOINT_LABELS, k) for k in ("online", "offline")},
                              "kind": {k: label(CHECKPOINT_LABELS, k) for k in ("gate", "camera", "junction")}}},
    }


def layer_component(layer: Layer, settings: Settings, kind: str = "layer") -> dl.GeoJSON:
    """One layer, fetched by its URL; `kind` is the id's type, so a second map on a page (the console's)
    has layers of its own that the situation map's callbacks leave alone."""
    options = {"pane": f"{layer.group}-pane"}
    extra = {}
    if layer.geometry_type == "point":
        extra["pointToLayer"] = JS("pointToLayer")
    if layer.cluster:
        extra.update(cluster=True, clusterToLayer=JS("clusterToLayer"), zoomToBoundsOnClick=True,
                     superClusterOptions=layer.cluster)
    return dl.GeoJSON(id={"type": kind, "id": layer.id}, url=None, style=JS("style"),
                      onEachFeature=JS("onEachFeature"), hideout=hideout(layer, settings),
                      options=options, interactive=layer.style.get("interactive", True), **extra)


def basemaps(registry: Registry, settings: Settings) -> list:
    """The offline vector basemap first; a raster one from GISAPP_BASEMAP may be added."""
    vector = dl.LayerGroup([layer_component(x, settings) for x in registry.group("basemap")])
    chosen = settings.basemap
    bases = [dl.BaseLayer(vector, name=_("Vector basemap (offline)"), checked=chosen == "vector")]
    if chosen != "vector":
        template = TILES.get(chosen, (chosen,))[0]   # anything else is a tile URL template
        bases.append(dl.BaseLayer(dl.TileLayer(url=template.replace("{key}", settings.tianditu_key),
                                               subdomains="1234" if chosen == "amap" else "01234567",
                                               maxZoom=20, attribution=chosen), name=_("Online tiles"),
                                  checked=True))
    return bases


def tile_warning(settings: Settings) -> str | None:
    if TILES.get(settings.basemap, ("", "wgs84"))[1] == "gcj02":
        return _("The Amap tiles use GCJ-02 coordinates: overlays (WGS84) appear shifted by up to "
                 "several hundred metres on them.")
    return None


def situation_map(registry: Registry, settings: Settings, view: dict, *, controls: bool = True,
                  highlight: dict | None = None, class_name: str = "situation-map", zoom_snap: float = 1) -> dl.Map:
    """view: {center, zoom} or {bounds}. Layers not on by default start unchecked in the control."""
    panes = [dl.Pane(name=f"{name}-pane", style={"zIndex": z}) for name, z in PANES.items()]
    overlays = [layer for layer in registry if layer.group != "basemap"]
    if controls:
        control = dl.LayersControl([*basemaps(registry, settings),
                                    *[dl.Overlay(layer_component(x, settings), name=_(x.title), checked=x.default)
                                      for x in overlays]], position="topright", id="layers-control")
        layer_children = [control]
    else:
        layer_children = [dl.LayerGroup([layer_component(x, settings) for x in registry.group("basemap")]),
                          *[layer_component(x, settings) for x in overlays if x.default]]
    children = [*panes, *layer_children,
                dl.GeoJSON(id="highlight", data=highlight, pointToLayer=JS("highlightPoint"),
                           style={"color": "#00b4d8", "weight": 4, "fillOpacity": 0.08, "className": "highlight"},
                           options={"pane": "highlight-pane"}),
                dl.ScaleControl(position="bottomleft", imperial=False)]
    if "bounds" in view:   # fitted once the map knows its size; the center is only the first guess
        (s, w), (n, e) = view["bounds"]
        view = {"center": [(s + n) / 2, (w + e) / 2], "zoom": 14,
                "viewport": {"bounds": view["bounds"], "transition": "fitBounds"}}
    return dl.Map(children, id="map", className=class_name, zoomControl=controls, attributionControl=True,
                  minZoom=3, maxZoom=20, zoomSnap=zoom_snap, **view)


def layers_store(registry: Registry) -> dcc.Store:
    """What the URL callback needs about each layer: what its answers are keyed by."""
    return dcc.Store(id="map-layers", data={x.id: x.cache for x in registry})


def register(app) -> None:
    """Callbacks of the map element (per app: test runs create several apps in one process)."""
    app.clientside_callback(
        "function(b, z, c, live, tick, ids, caches) {"
        " return window.dash_clientside.gisapp.layerUrls(b, z, c, live, tick, ids, caches); }",
        Output({"type": "layer", "id": ALL}, "url"),
        Input("map", "bounds"), Input("map", "zoom"), Input("map", "center"), Input("live-state", "data"),
        Input("live-tick", "n_intervals"),
        State({"type": "layer", "id": ALL}, "id"), State("map-layers", "data"),
    )
