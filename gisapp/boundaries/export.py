"""Export the areas of one generation and level to GeoPackage, Shapefile, GeoJSON or FlatGeobuf, with every
attribute, so planners can take them to QGIS and bring them back (`gisapp areas import` reads them again).
Field names fit in a Shapefile's ten characters, so every format carries the same ones."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .generations import active_generation, state
from .problems import ImportProblem

FORMATS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
           ".fgb": "FlatGeobuf"}
# column -> the field it is written to (and the --…-field to name when importing it back)
FIELDS = {"code": "code", "name": "name", "level": "level", "parent": "parent", "population": "population",
          "households": "households", "responsible_name": "resp_name", "responsible_phone": "resp_phone",
          "version": "version"}


def areas_frame(conn: Connection, generation: int | None, level: str) -> gpd.GeoDataFrame:
    """The areas of one level of a generation (default: the active one), as a GeoDataFrame in EPSG:4326."""
    generation = generation or active_generation(conn)
    if generation is None or state(conn, generation) is None:
        raise ImportProblem([f"no generation {generation}" if generation else "no active generation"])
    rows = conn.execute(sa.text("""
        SELECT a.code, a.name, a.level::text AS level, p.code AS parent, a.population, a.households,
               a.responsible_name, a.responsible_phone, a.version, ST_AsBinary(a.geom) AS wkb
        FROM area a LEFT JOIN area p ON p.id = a.parent_id
        WHERE a.generation_id = :g AND a.level = CAST(:l AS area_level) ORDER BY a.code"""),
        {"g": generation, "l": level}).mappings().all()
    if not rows:
        raise ImportProblem([f"generation {generation} has no {level} areas"])
    data = {FIELDS[k]: [r[k] for r in rows] for k in FIELDS}
    geoms = shapely.from_wkb([bytes(r["wkb"]) for r in rows])
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=4326))


def export_areas(conn: Connection, generation: int | None, level: str, path: Path) -> int:
    """Write the areas to `path`, the format chosen by its extension; returns how many were written."""
    driver = FORMATS.get(path.suffix.lower())
    if driver is None:
        raise ImportProblem([f"{path.name}: the extension must be one of {', '.join(FORMATS)}"])
    frame = areas_frame(conn, generation, level)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(path, driver=driver, engine="pyogrio", layer=level if driver == "GPKG" else None,
                  **({"ENCODING": "UTF-8"} if driver == "ESRI Shapefile" else {}))
    return len(frame)
