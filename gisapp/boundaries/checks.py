"""Validation of a generation before it goes live: what gisapp_generation_problems (core/sql/33_validate.sql)
finds, with sizes in m² and geometry to draw. Blocking problems stop activation; the rest are warnings."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.settings import Settings, get_settings


@dataclass(frozen=True)
class Finding:
    kind: str          # a boundary_problem code (revision 0010)
    code: str          # the area, building or checkpoint
    other: str | None  # the other area(s), or what a sliver is, or a name
    m2: float
    blocking: bool
    geometry: dict | None = None   # GeoJSON, when asked for


def check_generation(conn: Connection, generation: int, settings: Settings | None = None,
                     geometry: bool = False) -> list[Finding]:
    """Every problem of a generation, blocking ones first; tolerances from settings (GISAPP_SLIVER_M2,
    GISAPP_SPLIT_M2)."""
    settings = settings or get_settings()
    shape = "ST_AsGeoJSON(geom, 7)" if geometry else "NULL"
    rows = conn.execute(sa.text(f"""
        SELECT kind, code, other, m2, blocking, {shape} AS geometry
        FROM gisapp_generation_problems(:g, :sliver, :split)"""),
        {"g": generation, "sliver": settings.sliver_m2, "split": settings.split_m2}).all()
    return [Finding(kind, code, other, float(m2), blocking, json.loads(g) if g else None)
            for kind, code, other, m2, blocking, g in rows]


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


def as_geojson(findings: list[Finding]) -> dict:
    """A FeatureCollection of the problems (found with geometry=True), to draw on a map or open in QGIS."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": f.geometry,
         "properties": {"kind": f.kind, "code": f.code, "other": f.other, "m2": round(f.m2, 2),
                        "blocking": f.blocking}}
        for f in findings if f.geometry]}
