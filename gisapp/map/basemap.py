"""The offline basemap: roads and water from OpenStreetMap-style files into `basemap_feature`.

Command centres run on closed networks, so the default background is drawn from our own data.
Input is what OSM vector-tile extracts (and Tilezen/Nextzen schemas) carry: a `kind` per feature.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

# OSM kind → (basemap kind, the zoom from which it is drawn)
ROAD_KINDS = {"major_road": ("major_road", 10), "highway": ("major_road", 10), "minor_road": ("minor_road", 14),
              "path": ("path", 16), "rail": ("rail", 12), "ferry": ("ferry", 12)}
WATER_AREA_KINDS = {"water", "riverbank", "swimming_pool", "lake", "reservoir", "basin"}
WATERWAY_KINDS = {"river", "canal", "stream"}


def _rows(frame: gpd.GeoDataFrame, classify) -> list[dict]:
    frame = frame.to_crs(4326) if frame.crs is not None and frame.crs.to_epsg() != 4326 else frame
    rows = []
    for r in frame.itertuples():
        found = classify(r)
        if found is None or r.geometry is None or r.geometry.is_empty:
            continue
        kind, min_zoom = found
        name = getattr(r, "name", None)
        osm_id = getattr(r, "id", None)
        rows.append({"kind": kind, "min_zoom": min_zoom, "name": name if isinstance(name, str) else "",
                     "osm_id": None if osm_id is None or osm_id != osm_id else int(osm_id),
                     "wkb": r.geometry.wkb})
    return rows


def _road(r):
    return ROAD_KINDS.get(getattr(r, "kind", None))


def _water(r):
    kind, geom_type = getattr(r, "kind", None), r.geometry.geom_type
    if kind in WATER_AREA_KINDS and geom_type in ("Polygon", "MultiPolygon"):
        return ("water", 0 if kind in ("water", "riverbank") else 15)
    if kind in WATERWAY_KINDS and geom_type in ("LineString", "MultiLineString"):
        return ("waterway", 12)
    return None  # label points and the lines at tile edges are not drawn


def _read(path: Path) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        # Features cut at tile edges share an OSM id; pyogrio says so once per file. Expected here.
        warnings.filterwarnings("ignore", message="Several features with id", category=RuntimeWarning)
        return gpd.read_file(path, engine="pyogrio")


def import_pois(conn: Connection, path: Path, replace: bool = True) -> int:
    """Named points (OSM `name`, else `name:zh`) into `poi`, for search; returns how many."""
    frame = _read(path)
    frame = frame.to_crs(4326) if frame.crs is not None and frame.crs.to_epsg() != 4326 else frame
    rows = []
    for r in frame.itertuples():
        name = next((v for v in (getattr(r, "name", None), r._asdict().get("name:zh")) if isinstance(v, str) and v),
                    None)
        if name and r.geometry is not None and r.geometry.geom_type == "Point":
            osm_id = getattr(r, "id", None)
            rows.append({"name": name[:200], "kind": str(getattr(r, "kind", "") or "")[:60], "wkb": r.geometry.wkb,
                         "osm_id": None if osm_id is None or osm_id != osm_id else int(osm_id)})
    if replace:
        conn.execute(sa.text("DELETE FROM poi"))
    if rows:
        conn.execute(sa.text("INSERT INTO poi (name, kind, osm_id, geom) "
                             "VALUES (:name, :kind, :osm_id, ST_SetSRID(ST_GeomFromWKB(:wkb), 4326))"), rows)
    return len(rows)


def import_basemap(conn: Connection, roads: Path | None, water: Path | None, replace: bool = True) -> dict[str, int]:
    """Load roads and water; with replace, the old basemap goes first. Returns kind → count."""
    rows: list[dict] = []
    if roads is not None:
        rows += _rows(_read(roads), _road)
    if water is not None:
        rows += _rows(_read(water), _water)
    if replace:
        conn.execute(sa.text("DELETE FROM basemap_feature"))
    if rows:
        conn.execute(sa.text("""
            INSERT INTO basemap_feature (kind, name, min_zoom, osm_id, geom)
            SELECT :kind, :name, :min_zoom, :osm_id, g
            FROM (SELECT ST_MakeValid(ST_SetSRID(ST_GeomFromWKB(:wkb), 4326)) AS g) v
            WHERE NOT ST_IsEmpty(g)"""), rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return counts
