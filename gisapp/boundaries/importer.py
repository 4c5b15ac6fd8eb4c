"""Import areas of one level from a GeoPackage, Shapefile or GeoJSON into a draft generation.

Imports run in one transaction; a dry run does all the work, reports it, and rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy.engine import Connection

from gisapp.core.vocabulary import LEVEL_CODES

from .generations import target_generation
from .problems import ImportProblem

CHUNK = 500   # areas per INSERT: one step of the progress bar


@dataclass
class AreaImport:
    generation: int
    created_generation: bool
    count: int = 0
    fixed: list[str] = field(default_factory=list)
    top_level: int = 0


def _multipolygon(geom):
    """Polygonal parts as a MultiPolygon, or None if nothing polygonal is left."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polys = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polys) if polys else None


def read_area_file(path: Path, code_field: str, name_field: str, optional: dict[str, str | None],
                   make_valid: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read and check a boundary file; returns the frame (WGS84) and the list of fixes made."""
    frame = gpd.read_file(path, engine="pyogrio")
    if frame.empty:
        raise ImportProblem([f"{path.name} has no features"])
    missing = [f for f in [code_field, name_field, *[v for v in optional.values() if v]] if f not in frame.columns]
    if missing:
        raise ImportProblem([f"no field {m!r} in {path.name}; fields are: {', '.join(map(str, frame.columns[:-1]))}"
                             for m in missing])
    if frame.crs is None:
        frame = frame.set_crs(4326)
    frame = frame.to_crs(4326)
    problems, fixed = [], []
    codes = frame[code_field].astype("string").str.strip()
    frame["_code"] = codes
    for i in codes[codes.isna() | (codes == "")].index:
        problems.append(f"row {i + 1}: empty code")
    for code in sorted(set(codes[codes.duplicated() & codes.notna()])):
        problems.append(f"code {code}: appears more than once")
    for key in ("population", "households"):
        column = optional.get(key)
        if column:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            bad = frame[column].notna() & (numbers.isna() | (numbers < 0) | (numbers % 1 != 0))
            problems += [f"{code}: {column} {value!r} is not a whole number ≥ 0"
                         for code, value in zip(codes[bad], frame.loc[bad, column])]
    geoms = []
    for i, (code, geom) in enumerate(zip(codes, shapely.force_2d(frame.geometry.values))):
        if geom is not None and not geom.is_empty and not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            if make_valid:
                geom = shapely.make_valid(geom)
                fixed.append(f"{code}: {reason}")
            else:
                problems.append(f"{code}: invalid geometry ({reason}); use --make-valid to repair")
        multi = _multipolygon(geom)
        if multi is None:
            problems.append(f"{code}: no polygon geometry (row {i + 1})")
        geoms.append(multi)
    if problems:
        raise ImportProblem(problems)
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=4326))
    return frame, fixed


def _rows(frame: gpd.GeoDataFrame, gen: int, level: str, name_field: str, optional: dict) -> list[dict]:
    """One INSERT's parameters per feature: whole numbers as int, texts trimmed, empty as NULL."""
    rows = []
    for _, rec in frame.iterrows():
        row = {"g": gen, "level": level, "code": rec["_code"], "name": str(rec[name_field]),
               "wkb": rec.geometry.wkb, "parent": None}
        for key, column in optional.items():
            value = rec[column] if column else None
            row[key] = None if value is None or (isinstance(value, float) and value != value) else value
        for key in ("population", "households"):
            if row[key] is not None:
                row[key] = int(float(row[key]))
        for key in ("parent", "responsible_name", "responsible_phone"):
            if row[key] is not None:
                row[key] = str(row[key]).strip() or None
        rows.append(row)
    return rows


def import_areas(conn: Connection, path: Path, level: str, code_field: str, name_field: str, *,
                 parent_field: str | None = None, population_field: str | None = None,
                 households_field: str | None = None, responsible_field: str | None = None,
                 phone_field: str | None = None, generation: int | None = None,
                 make_valid: bool = False, progress: Callable[[int, int], None] | None = None) -> AreaImport:
    """progress(done, total) is called as areas are inserted (each gets its lookup pieces on the way)."""
    if level not in LEVEL_CODES:
        raise ImportProblem([f"level must be one of {', '.join(LEVEL_CODES)}"])
    optional = {"parent": parent_field, "population": population_field, "households": households_field,
                "responsible_name": responsible_field, "responsible_phone": phone_field}
    frame, fixed = read_area_file(path, code_field, name_field, optional, make_valid)
    gen, created = target_generation(conn, generation)
    clash = conn.scalars(sa.text("SELECT code FROM area WHERE generation_id = :g AND code = ANY(:c)"),
                         {"g": gen, "c": list(frame["_code"])}).all()
    if clash:
        raise ImportProblem([f"code {c}: already in generation {gen}" for c in clash[:20]])

    rows = _rows(frame, gen, level, name_field, optional)

    problems = []
    if parent_field:
        parents = dict(conn.execute(sa.text(
            "SELECT code, id FROM area WHERE generation_id = :g AND level < CAST(:l AS area_level)"),
            {"g": gen, "l": level}).all())
        for row in rows:
            if row["parent"] is not None and row["parent"] not in parents:
                problems.append(f"{row['code']}: parent {row['parent']} is not an area above {level} "
                                f"in generation {gen}")
            row["parent"] = parents.get(row["parent"])
    if problems:
        raise ImportProblem(problems)

    insert = sa.text("""
        INSERT INTO area (generation_id, level, code, name, parent_id, population, households,
                          responsible_name, responsible_phone, geom)
        VALUES (:g, CAST(:level AS area_level), :code, :name, :parent, :population, :households,
                :responsible_name, :responsible_phone, ST_SetSRID(ST_GeomFromWKB(:wkb), 4326))""")
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert, rows[start:start + CHUNK])
        if progress:
            progress(min(start + CHUNK, len(rows)), len(rows))
    if not parent_field:
        # No parent field: the parent is the deepest higher area holding the child's inner point.
        conn.execute(sa.text("""
            UPDATE area c SET parent_id = (
                SELECT p.id FROM area p
                WHERE p.generation_id = c.generation_id AND p.level < c.level
                  AND ST_Covers(p.geom, ST_PointOnSurface(c.geom))
                ORDER BY p.level DESC, p.area_m2, p.code LIMIT 1)
            WHERE c.generation_id = :g AND c.level = CAST(:l AS area_level) AND c.parent_id IS NULL
              AND c.code = ANY(:codes)"""), {"g": gen, "l": level, "codes": [r["code"] for r in rows]})
    top = conn.scalar(sa.text("SELECT count(*) FROM area WHERE generation_id = :g AND code = ANY(:c) "
                              "AND parent_id IS NULL"), {"g": gen, "c": [r["code"] for r in rows]})
    return AreaImport(generation=gen, created_generation=created, count=len(rows), fixed=fixed, top_level=top)
