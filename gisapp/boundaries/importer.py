"""Boundary generations and areas: import from files, check nesting and overlaps, activate.

Imports run in one transaction; a dry run does all the work, reports it, and rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy.engine import Connection

from gisapp.core.schema import LEVELS


class ImportProblem(Exception):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class AreaImport:
    generation: int
    created_generation: bool
    count: int = 0
    fixed: list[str] = field(default_factory=list)
    top_level: int = 0


def target_generation(conn: Connection, number: int | None) -> tuple[int, bool]:
    """The generation to import into: the one named, else the newest draft, else a new draft."""
    if number is None:
        number = conn.scalar(sa.text("SELECT max(id) FROM generation WHERE state = 'draft'"))
        if number is None:
            number = conn.scalar(sa.text("SELECT coalesce(max(id), 0) + 1 FROM generation"))
    created = conn.execute(sa.text(
        "INSERT INTO generation (id, description) VALUES (:n, 'imported') ON CONFLICT DO NOTHING"),
        {"n": number}).rowcount == 1
    state = conn.scalar(sa.text("SELECT state FROM generation WHERE id = :n"), {"n": number})
    if state != "draft":
        # Areas added to a live generation would change new assignments but not existing ones.
        raise ImportProblem([f"generation {number} is {state}; import into a draft generation, "
                             f"then `gisapp generations activate`"])
    return number, created


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
    for i, code in codes[codes.isna() | (codes == "")].items():
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


def import_areas(conn: Connection, path: Path, level: str, code_field: str, name_field: str, *,
                 parent_field: str | None = None, population_field: str | None = None,
                 households_field: str | None = None, responsible_field: str | None = None,
                 phone_field: str | None = None, generation: int | None = None,
                 make_valid: bool = False) -> AreaImport:
    if level not in LEVELS:
        raise ImportProblem([f"level must be one of {', '.join(LEVELS)}"])
    optional = {"parent": parent_field, "population": population_field, "households": households_field,
                "responsible_name": responsible_field, "responsible_phone": phone_field}
    frame, fixed = read_area_file(path, code_field, name_field, optional, make_valid)
    gen, created = target_generation(conn, generation)
    clash = conn.scalars(sa.text("SELECT code FROM area WHERE generation_id = :g AND code = ANY(:c)"),
                         {"g": gen, "c": list(frame["_code"])}).all()
    if clash:
        raise ImportProblem([f"code {c}: already in generation {gen}" for c in clash[:20]])

    rows = []
    for idx, rec in frame.iterrows():
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

    conn.execute(sa.text("""
        INSERT INTO area (generation_id, level, code, name, parent_id, population, households,
                          responsible_name, responsible_phone, geom)
        VALUES (:g, CAST(:level AS area_level), :code, :name, :parent, :population, :households,
                :responsible_name, :responsible_phone, ST_SetSRID(ST_GeomFromWKB(:wkb), 4326))"""), rows)
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


@dataclass(frozen=True)
class Finding:
    kind: str          # outside_parent, overlap, gap, orphan
    code: str
    other: str | None
    m2: float
    sliver: bool       # below the sliver threshold: reported, not an error


def check_generation(conn: Connection, generation: int, sliver_m2: float) -> list[Finding]:
    """Nesting, sibling overlaps and gaps, with areas in m²; all computed in PostGIS."""
    rows = conn.execute(sa.text("""
        SELECT 'outside_parent' AS kind, c.code, p.code AS other,
               ST_Area(ST_Difference(c.geom, p.geom)::geography) AS m2
        FROM area c JOIN area p ON p.id = c.parent_id
        WHERE c.generation_id = :g AND NOT ST_Covers(p.geom, c.geom)
        UNION ALL
        SELECT 'overlap', a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)::geography)
        FROM area a JOIN area b ON a.generation_id = b.generation_id AND a.level = b.level
             AND a.code < b.code AND a.geom && b.geom
        WHERE a.generation_id = :g AND ST_Relate(a.geom, b.geom, '2********')
        UNION ALL
        -- a parent with no children is all gap, when its generation has levels below it
        SELECT 'gap', p.code, NULL,
               ST_Area(coalesce(ST_Difference(p.geom, ST_Union(c.geom)), p.geom)::geography)
        FROM area p LEFT JOIN area c ON c.parent_id = p.id
        WHERE p.generation_id = :g
          AND EXISTS (SELECT 1 FROM area d WHERE d.generation_id = :g AND d.level > p.level)
        GROUP BY p.id, p.code, p.geom
        HAVING count(c.id) = 0 OR NOT ST_Covers(ST_Union(c.geom), p.geom)
        UNION ALL
        -- no parent although a level above exists: its area counts as a problem in full
        SELECT 'orphan', c.code, NULL, c.area_m2
        FROM area c
        WHERE c.generation_id = :g AND c.parent_id IS NULL
          AND EXISTS (SELECT 1 FROM area u WHERE u.generation_id = :g AND u.level < c.level)
        ORDER BY 4 DESC"""), {"g": generation}).all()
    return [Finding(kind, code, other, float(m2), float(m2) < sliver_m2)
            for kind, code, other, m2 in rows if m2 is not None and m2 > 0]


def activate(conn: Connection, generation: int) -> int:
    """Make a generation the active one; returns how many open incidents were re-assigned."""
    return conn.scalar(sa.text("SELECT gisapp_activate_generation(:g)"), {"g": generation})


def generations(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.text("""
        SELECT g.id, g.state, g.description, g.created_at, g.activated_at,
               count(a.id) AS areas, string_agg(DISTINCT a.level::text, ',') AS levels
        FROM generation g LEFT JOIN area a ON a.generation_id = g.id
        GROUP BY g.id ORDER BY g.id""")).mappings()]


def list_areas(conn: Connection, generation: int | None = None, level: str | None = None) -> list[dict]:
    """Areas without geometry, for tables: the active generation unless one is named."""
    return [dict(r) for r in conn.execute(sa.text("""
        WITH open_counts AS (
            SELECT u.area_id, count(*) AS n
            FROM incident i,
                 unnest(ARRAY[i.micro_grid_id, i.grid_id, i.community_id, i.street_id, i.district_id]) u(area_id)
            WHERE i.status NOT IN ('closed', 'evaluated', 'cancelled') AND u.area_id IS NOT NULL
            GROUP BY u.area_id)
        SELECT a.id, a.level::text AS level, a.code, a.name, p.code AS parent_code,
               a.population, a.households, a.responsible_name, a.responsible_phone,
               round(a.area_m2) AS area_m2, coalesce(o.n, 0) AS open_incidents
        FROM area a LEFT JOIN area p ON p.id = a.parent_id LEFT JOIN open_counts o ON o.area_id = a.id
        WHERE a.generation_id = coalesce(:g, gisapp_active_generation())
          AND (CAST(:l AS text) IS NULL OR a.level::text = :l)
        ORDER BY a.level, a.code"""), {"g": generation, "l": level}).mappings()]
