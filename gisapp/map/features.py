"""A layer's features for one viewport, as GeoJSON built in PostGIS, simplified for the zoom.

The page never embeds whole layers: it asks for bbox + zoom. The bbox is widened to the web
map tiles that cover it, so panning a little asks the same question again and the answer comes
from a cache keyed by what the layer depends on (the active generation, or the last event).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import field_validator
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who, case_scope
from gisapp.access.privacy import PERSONAL, redact, unmasked
from gisapp.core.errors import N_
from gisapp.core.validation import Query, refuse

from .registry import Layer

MAX_LAT = 85.0511287798


@dataclass(frozen=True)
class Viewport:
    west: float
    south: float
    east: float
    north: float
    zoom: int

    @property
    def pixel_degrees(self) -> float:
        """The width of one screen pixel in degrees of longitude at this zoom."""
        return 360.0 / (256 * 2 ** self.zoom)

    @property
    def tolerance(self) -> float:
        """Simplify to half a pixel: invisible on screen, and far fewer vertices when zoomed out."""
        return 0.0 if self.zoom >= 18 else self.pixel_degrees / 2

    @property
    def digits(self) -> int:
        """Decimal places that keep a tenth of a pixel (7 at most: about a centimetre)."""
        return max(3, min(7, math.ceil(-math.log10(self.pixel_degrees / 10))))


def _tile_x(lon: float, z: int) -> float:
    return (lon + 180.0) / 360.0 * 2 ** z


def _tile_y(lat: float, z: int) -> float:
    r = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    return (1 - math.asinh(math.tan(r)) / math.pi) / 2 * 2 ** z


def _lon(x: float, z: int) -> float:
    return x / 2 ** z * 360.0 - 180.0


def _lat(y: float, z: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2 ** z))))


def snap(west: float, south: float, east: float, north: float, zoom: int) -> Viewport:
    """Widen a bbox to the whole web-map tiles that cover it at this zoom."""
    n = 2 ** zoom
    eps = 0.01   # of a tile: a bbox already on tile edges (rounded by the page) stays as it is
    x0 = max(0, math.floor(_tile_x(west, zoom) + eps))
    x1 = min(n, math.ceil(_tile_x(east, zoom) - eps))
    y0 = max(0, math.floor(_tile_y(north, zoom) + eps))
    y1 = min(n, math.ceil(_tile_y(south, zoom) - eps))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    return Viewport(round(_lon(x0, zoom), 9), round(_lat(y1, zoom), 9),
                    round(_lon(x1, zoom), 9), round(_lat(y0, zoom), 9), zoom)


class ViewportQuery(Query):
    """?bbox=west,south,east,north&z=zoom: what the map shows, in WGS84 degrees."""
    bbox: tuple[float, float, float, float]
    z: int

    @field_validator("bbox", mode="before")
    @classmethod
    def _bbox(cls, value):
        try:
            values = tuple(float(p) for p in (value or "").split(","))
        except (AttributeError, ValueError):
            values = ()
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            raise refuse(N_("must be four numbers west,south,east,north (WGS84 degrees)"))
        w, s, e, n = values
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            raise refuse(N_("needs -180 <= west < east <= 180 and -90 <= south < north <= 90"))
        return values

    @field_validator("z", mode="before")
    @classmethod
    def _zoom(cls, value):
        try:
            zoom = float(value)
        except (TypeError, ValueError):
            zoom = math.nan
        if not (math.isfinite(zoom) and 0 <= zoom < 23):
            raise refuse(N_("must be a zoom level 0–22, got %(value)r"), value=str(value or "")[:20])
        return int(zoom)

    def view(self) -> Viewport:
        return snap(*self.bbox, self.z)


def _select(layer: Layer, view: Viewport, who: Who | None = None) -> tuple[str, dict]:
    """The one query for a layer: identifiers come from the validated registry, values are bound.
    A layer of cases shows a worker or a department only the cases they may see."""
    params: dict = {"w": view.west, "s": view.south, "e": view.east, "n": view.north,
                    "digits": view.digits, "limit": layer.max_features, "tol": view.tolerance}
    geom = f'"{layer.geometry_field}"'
    if layer.geometry_type != "point":
        geom = f"CASE WHEN :tol > 0 THEN ST_SimplifyPreserveTopology({geom}, :tol) ELSE {geom} END"
    columns = [f'"{c}"' for c in layer.columns if c != layer.feature_min_zoom]
    if layer.label:
        shown = view.zoom >= layer.label.min_zoom
        columns.append(f'"{layer.label.field}" AS _label' if shown else "NULL::text AS _label")
    where = [f'"{layer.geometry_field}" && ST_MakeEnvelope(:w, :s, :e, :n, 4326)']
    for i, (column, value) in enumerate(sorted(layer.filter.items())):
        params[f"f{i}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
        where.append(f'"{column}"::text = ANY(:f{i})' if isinstance(value, list) else f'"{column}"::text = :f{i}')
    if layer.feature_min_zoom:
        params["z"] = view.zoom
        where.append(f'"{layer.feature_min_zoom}" <= :z')
    if layer.panel == "incident" and who is not None and who.scoped:
        condition, scope_params = case_scope(who)
        where.append(f'"{layer.id_field}" IN (SELECT i.id FROM incident i WHERE {condition})')
        params.update(scope_params)
    sql = f"""
        WITH f AS (
            SELECT "{layer.id_field}" AS _fid, {", ".join(columns) or "NULL AS _none"}, {geom} AS _g
            FROM "{layer.source}" WHERE {" AND ".join(where)}
            LIMIT :limit)
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', _fid,
                'geometry', ST_AsGeoJSON(_g, :digits)::json,
                'properties', jsonb_strip_nulls(to_jsonb(f) - '_g' - '_fid' - '_none'))), '[]'::json),
            'truncated', count(*) >= :limit)::text
        FROM f WHERE NOT ST_IsEmpty(_g)"""
    return sql, params


def query_features(conn: Connection, layer: Layer, view: Viewport, who: Who | None = None) -> str:
    """The FeatureCollection as JSON text, as `who` may see it; empty outside the layer's zoom range."""
    if not layer.shows_at(view.zoom):
        return '{"type": "FeatureCollection", "features": [], "truncated": false}'
    sql, params = _select(layer, view, who)
    body = conn.execute(sa.text(sql), params).scalar_one()
    if unmasked(who) or not any(c in PERSONAL for c in layer.columns):
        return body
    collection = json.loads(body)
    for feature in collection["features"]:
        feature["properties"] = redact(feature["properties"], who)
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def _audience(layer: Layer, who: Who | None) -> tuple:
    """What, besides the viewport, makes two people's answers differ: masks and scope."""
    masked = not unmasked(who) and any(c in PERSONAL for c in layer.columns)
    scope = (who.area_code, who.department, who.case_id) if layer.panel == "incident" and who and who.scoped else ()
    return masked, scope


def version(conn: Connection, layer: Layer) -> tuple | None:
    """What a cached answer depends on; None: never cached."""
    if layer.cache == "none":
        return None
    if layer.cache == "generation":
        return (conn.scalar(sa.text("SELECT gisapp_active_generation()")),)
    # "events": the last event, and the minute, because age and overdue move with the clock
    row = conn.execute(sa.text("SELECT gisapp_active_generation(), "
                               "(SELECT coalesce(max(id), 0) FROM incident_event)")).one()
    return (row[0], row[1], int(time.time() // 60))


@dataclass
class Answer:
    body: bytes
    etag: str
    _gzipped: bytes | None = None

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=5, mtime=0)
        return self._gzipped


class ViewportCache:
    """A byte-bounded LRU shared by the threads of one process (each worker has its own)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: tuple, answer: Answer) -> None:
        size = len(answer.body)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)


def layer_features(conn: Connection, layer: Layer, view: Viewport, cache: ViewportCache | None, *,
                   who: Who) -> tuple[Answer, bool]:
    """(answer, whether it came from the cache)."""
    key_version = version(conn, layer)
    key = (layer.id, key_version, view, _audience(layer, who))
    if cache is not None and key_version is not None:
        found = cache.get(key)
        if found is not None:
            return found, True
    body = query_features(conn, layer, view, who).encode("utf-8")
    etag = hashlib.sha1(repr(key).encode() + (body if key_version is None else b"")).hexdigest()[:20]
    answer = Answer(body, etag)
    if cache is not None and key_version is not None:
        cache.put(key, answer)
    return answer, False
