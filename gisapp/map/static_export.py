"""A self-contained HTML map of one area or one case, for reports, printing and sharing (folium): the offline
basemap, the area and its parts, buildings, open cases by status, a legend. It opens with no network
(static_map inlines Leaflet) and carries no personal data: no names, phones or descriptions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import folium
import sqlalchemy as sa
from pydantic import model_validator
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who
from gisapp.boundaries.lookup import area_details
from gisapp.cases.read import visible
from gisapp.core.errors import N_
from gisapp.core.validation import Query, Whole, refuse, text
from gisapp.core.vocabulary import STATUS

from .registry import layer_registry
from .static_map import legend, offline_map

CASES = "incidents"   # the live map's layer: its colours by status and its legend are the export's too
BASEMAP = {"water": ("#a6c8e8", 0), "waterway": ("#a6c8e8", 2), "major_road": ("#f2c14e", 3),
           "minor_road": ("#ffffff", 2), "path": ("#ffffff", 1), "rail": ("#888888", 1), "ferry": ("#6c8ebf", 1)}


class MapExportQuery(Query):
    """?area=CODE or ?case=ID: what the exported map shows."""
    area: text(40, 1) | None = None
    case: Whole | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.area is None) == (self.case is None):
            raise refuse(N_("give either area or case"))
        return self


def _features(conn: Connection, sql: str, params: dict, props: Callable[[dict], dict]) -> dict:
    rows = conn.execute(sa.text(sql), params).mappings().all()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(r["geometry"]), "properties": props(dict(r))} for r in rows]}


def _context(conn: Connection, m: folium.Map, box: str, params: dict) -> None:
    """The offline basemap (roads, water) and the buildings inside the box."""
    base = _features(conn, f"""SELECT kind, name, ST_AsGeoJSON(ST_Intersection(geom, {box}), 6) AS geometry
                               FROM basemap_feature WHERE geom && {box}""", params,
                     lambda r: {"kind": r["kind"], "name": r["name"]})
    folium.GeoJson(base, style_function=lambda f: {
        "color": BASEMAP.get(f["properties"]["kind"], ("#cccccc", 1))[0],
        "weight": BASEMAP.get(f["properties"]["kind"], ("#cccccc", 1))[1],
        "fillColor": "#a6c8e8", "fillOpacity": 0.8 if f["properties"]["kind"] == "water" else 0}).add_to(m)
    buildings = _features(conn, f"""SELECT code, ST_AsGeoJSON(geom, 6) AS geometry FROM building
                                    WHERE geom && {box}""", params, lambda r: {"code": r["code"]})
    folium.GeoJson(buildings, style_function=lambda f: {"color": "#8c8c8c", "weight": 1, "fillColor": "#d9d9d9",
                                                        "fillOpacity": 0.7},
                   tooltip=folium.GeoJsonTooltip(["code"], labels=False)).add_to(m)


def _cases(conn: Connection, m: folium.Map, box: str, params: dict, say: Callable[[str], str],
           chosen: int | None = None) -> None:
    """The open cases (and the one asked for), coloured as the live map's incidents layer colours them."""
    layer = layer_registry().get(CASES)
    rows = conn.execute(sa.text(f"""
        SELECT i.id, i.status, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat FROM incident i
        JOIN case_status s ON s.code = i.status AND (s.open OR i.id = :chosen)
        WHERE i.geom && {box} ORDER BY i.id"""), {**params, "chosen": chosen}).mappings()
    for r in rows:
        style = {**layer.style, **layer.style_by.values.get(r["status"], {})}
        ringed = r["id"] == chosen
        folium.CircleMarker([r["lat"], r["lon"]], radius=9 if ringed else style.get("radius", 6),
                            color="#000000" if ringed else style.get("color", "#ffffff"),
                            weight=3 if ringed else style.get("weight", 1), fill=True,
                            fill_color=style.get("fillColor"), fill_opacity=style.get("fillOpacity", 0.9),
                            tooltip=f"#{r['id']} · {say(STATUS[r['status']].label)}").add_to(m)


def _title(m: folium.Map, title: str, say: Callable[[str], str]) -> None:
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    kind = say(N_("offline map"))
    m.get_root().html.add_child(folium.Element(
        f'<div style="position:absolute;top:10px;left:50px;z-index:1000;background:#fff;padding:6px 10px;'
        f'font:14px sans-serif;border-radius:4px;box-shadow:0 1px 3px #0004"><b>{title}</b><br>'
        f'<span style="font-size:11px;color:#555">gisapp · {stamp} · {kind}</span></div>'))


def _legend(m: folium.Map, say: Callable[[str], str]) -> None:
    layer = layer_registry().get(CASES)
    legend(m, say(layer.title), [(e.style.get("fillColor", "#888888"), say(e.label)) for e in layer.legend])


def area_map(conn: Connection, code: str, who: Who, say: Callable[[str], str]) -> folium.Map | None:
    """The area of the active generation, its parts one level down, buildings and open cases; None if `who`
    may not see it."""
    area = area_details(conn, code, who=who)
    if area is None:
        return None
    params = {"id": area["id"]}
    box = "(SELECT ST_Expand(geom, 0.002) FROM area WHERE id = :id)"
    m = offline_map()
    _context(conn, m, box, params)
    parts = _features(conn, """SELECT code, name, ST_AsGeoJSON(geom, 6) AS geometry FROM area WHERE parent_id = :id
                               ORDER BY code""", params, lambda r: {"code": r["code"], "name": r["name"]})
    if parts["features"]:
        folium.GeoJson(parts, style_function=lambda f: {"color": "#3367d6", "weight": 1.5, "fillOpacity": 0.05},
                       tooltip=folium.GeoJsonTooltip(["code", "name"], labels=False)).add_to(m)
    outline = _features(conn, "SELECT ST_AsGeoJSON(geom, 6) AS geometry FROM area WHERE id = :id", params,
                        lambda r: {})
    shape = folium.GeoJson(outline, style_function=lambda f: {"color": "#d62728", "weight": 3, "fillOpacity": 0})
    shape.add_to(m)
    _cases(conn, m, "(SELECT geom FROM area WHERE id = :id)", params, say)
    m.fit_bounds(shape.get_bounds())
    _title(m, f"{area['name']} ({area['code']})", say)
    _legend(m, say)
    return m


def case_map(conn: Connection, case_id: int, who: Who, say: Callable[[str], str]) -> folium.Map | None:
    """One case with its micro-grid, the buildings and open cases around it; None if `who` may not see it
    or it has no place yet."""
    if not visible(conn, case_id, who):
        return None
    row = conn.execute(sa.text("SELECT id, geom IS NOT NULL AS placed, micro_grid_id, grid_id FROM incident "
                               "WHERE id = :i"), {"i": case_id}).mappings().one()
    if not row["placed"]:
        return None
    params = {"i": case_id, "a": row["micro_grid_id"] or row["grid_id"]}
    box = "(SELECT ST_Expand(geom, 0.003) FROM incident WHERE id = :i)"
    m = offline_map()
    _context(conn, m, box, params)
    owner = _features(conn, "SELECT code, name, ST_AsGeoJSON(geom, 6) AS geometry FROM area WHERE id = :a", params,
                      lambda r: {"code": r["code"], "name": r["name"]})
    if owner["features"]:
        folium.GeoJson(owner, style_function=lambda f: {"color": "#d62728", "weight": 3, "fillOpacity": 0.05},
                       tooltip=folium.GeoJsonTooltip(["code", "name"], labels=False)).add_to(m)
    _cases(conn, m, box, params, say, chosen=case_id)
    lon, lat = conn.execute(sa.text("SELECT ST_X(geom), ST_Y(geom) FROM incident WHERE id = :i"), params).one()
    m.fit_bounds([[lat - 0.002, lon - 0.002], [lat + 0.002, lon + 0.002]])
    _title(m, say(N_("Case %(id)s")) % {"id": case_id}, say)
    _legend(m, say)
    return m
