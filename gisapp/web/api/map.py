"""GET /api/v1/layers[/<id>]: the layer registry, and a layer's features for one viewport; GET /api/v1/map/export:
an area or a case as an offline HTML map."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _

from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse
from gisapp.map.features import ViewportCache, ViewportQuery, layer_features
from gisapp.map.registry import Layer, layer_registry, schema
from gisapp.map.static_export import MapExportQuery, area_map, case_map
from gisapp.metrics import choropleth

from ..auth import current_who
from . import bp
from .doc import takes


def _layer(layer_id: str) -> Layer:
    layer = layer_registry().get(layer_id)
    if layer is None:
        raise ApiError(404, [("layer", _("no layer %(layer)r; GET /api/v1/layers lists them", layer=layer_id[:60]))])
    return layer


def viewport_cache() -> ViewportCache:
    """One cache per app (so per gunicorn worker); keys carry the generation, so activation misses it."""
    cache = current_app.extensions.get("gisapp_viewport_cache")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "gisapp_viewport_cache", ViewportCache(get_settings().layer_cache_mb * 1024 * 1024))
    return cache


def describe(layer: Layer) -> dict:
    return {"id": layer.id, "title": layer.title, "group": layer.group, "geometry_type": layer.geometry_type,
            "min_zoom": layer.min_zoom, "max_zoom": layer.max_zoom, "default": layer.default,
            "cache": layer.cache, "properties": list(layer.columns), "tooltip": list(layer.tooltip),
            "popup": list(layer.popup), "choropleth": layer.choropleth,
            "legend": [{"label": e.label, "style": e.style} for e in layer.legend],
            "url": f"/api/v1/layers/{layer.id}?bbox={{west}},{{south}},{{east}},{{north}}&z={{z}}"}


@bp.get("/layers/schema.json")
@takes("map.view")
def layer_schema():
    """The JSON Schema of a layer file, for editors and for checking files before a deploy."""
    return jsonify(schema())


@bp.get("/layers")
@takes("map.view")
def layers():
    """The layer registry: each layer's zooms, legend, fields and URL template."""
    return jsonify({"layers": [describe(layer) for layer in layer_registry()]})


@bp.get("/layers/<layer_id>")
@takes("map.view", query=ViewportQuery, media="application/geo+json")
def layer(layer_id: str):
    """A layer's features in one viewport as GeoJSON, simplified for the zoom; gzip and ETag."""
    found = _layer(layer_id)
    view = parse(ViewportQuery, request.args.to_dict(), status=400).view()
    with begin() as conn:
        answer, cached = layer_features(conn, found, view, viewport_cache(), who=current_who())
    headers = {"ETag": f'"{answer.etag}"', "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding",
               "X-Gisapp-Cache": "hit" if cached else "miss",
               "X-Gisapp-Bbox": f"{view.west},{view.south},{view.east},{view.north}"}
    if request.if_none_match.contains(answer.etag):
        return Response(status=304, headers=headers)
    body = answer.body
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body, headers["Content-Encoding"] = answer.gzipped(), "gzip"
    return Response(body, mimetype="application/geo+json", headers=headers)


@bp.get("/layers/<layer_id>/choropleth")
@takes("map.view", query=choropleth.ChoroplethQuery)
def layer_choropleth(layer_id: str):
    """Values, quantile class breaks and colours per area, for an area layer."""
    found = _layer(layer_id)
    level = found.filter.get("level")
    if not found.choropleth or not isinstance(level, str):
        raise ApiError(404, [("layer", _("%(layer)s is not an area layer with a choropleth", layer=layer_id))])
    query = parse(choropleth.ChoroplethQuery, request.args.to_dict(), status=400)
    with begin() as conn:
        return jsonify(choropleth.classify(conn, level, query.measure))


@bp.get("/map/export")
@takes("map.view", query=MapExportQuery, media="text/html")
def map_export():
    """One area (?area=CODE) or case (?case=ID) as a self-contained HTML map that opens with no network."""
    asked = parse(MapExportQuery, request.args.to_dict(), status=400)
    who = current_who()
    with begin() as conn:
        made = (area_map(conn, asked.area, who, _) if asked.area else case_map(conn, asked.case, who, _))
    if made is None:
        field, what = ("area", asked.area) if asked.area else ("case", asked.case)
        raise ApiError(404, [(field, _("nothing to map for %(what)s", what=what))])
    name = f"gisapp-{'area-' + asked.area if asked.area else f'case-{asked.case}'}.html"
    return Response(made.get_root().render(), mimetype="text/html",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
