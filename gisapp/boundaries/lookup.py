"""Reading areas back: the chain at a point (like MapIt's /point), one area with its chain, the area list.

The chain at a point comes from gisapp_assign, the function the report trigger uses, so a lookup and
a report at the same point always agree.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from pydantic import field_validator, model_validator
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who
from gisapp.access.privacy import redact, redact_all
from gisapp.core.schema import CRSES
from gisapp.core.validation import Query, Whole, check_lonlat, refuse_at
from gisapp.core.vocabulary import CHAIN_LEVELS, LEVEL_CODES, level_column

_LEVEL_COLS = ", ".join(f"a_{lv}.code AS {lv}_code, a_{lv}.name AS {lv}_name" for lv in CHAIN_LEVELS)
_LEVEL_JOINS = " ".join(f"LEFT JOIN area a_{lv} ON a_{lv}.id = hit.{level_column(lv)}" for lv in CHAIN_LEVELS)
_AT_POINT = sa.text(f"""
    WITH pt AS (SELECT gisapp_to_wgs84(:lon, :lat, :crs) AS geom),
    hit AS (SELECT a.* FROM pt, gisapp_assign(pt.geom, NULL) a)
    SELECT ST_X(pt.geom) AS lon, ST_Y(pt.geom) AS lat, hit.*, {_LEVEL_COLS}
    FROM pt CROSS JOIN hit {_LEVEL_JOINS}""")
_PEOPLE = sa.text("""
    SELECT level::text AS level, code, name, population, households, responsible_name, responsible_phone
    FROM area WHERE id = ANY(:ids) ORDER BY area.level""")


class LookupQuery(Query):
    """?lon=&lat=&crs=: a point, in WGS84 or the Chinese phone apps' GCJ-02 and BD-09."""
    lon: float
    lat: float
    crs: Literal[CRSES] = "wgs84"

    @field_validator("crs", mode="before")
    @classmethod
    def _crs(cls, value):
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="wrap")
    @classmethod
    def _point(cls, data, handler):
        """The coordinates' messages are the reports' (check_lonlat), hints included."""
        if isinstance(data, dict):
            raw = {k: data.get(k) for k in ("lon", "lat")}
            numbers = {}
            for k, v in raw.items():
                try:
                    numbers[k] = None if v in (None, "") else float(v)
                except ValueError:
                    numbers[k] = v
            problems = check_lonlat(numbers["lon"], numbers["lat"])
            if problems:
                field, message = problems[0]
                raise refuse_at(cls, field, message, raw[field])
        return handler(data)


class AreasQuery(Query):
    """?level=&generation=: the areas of one level, of a generation (the active one by default)."""
    level: Literal[LEVEL_CODES] | None = None
    generation: Whole | None = None


def assignment_of(row: Any) -> dict | None:
    """{micro_grid: {code, name}, grid: …} from a row with <level>_code/_name, or None if unlocated."""
    chain = {}
    for lv in CHAIN_LEVELS:
        code = row[f"{lv}_code"]
        chain[lv] = {"code": code, "name": row[f"{lv}_name"]} if code is not None else None
    return chain if any(chain.values()) else None


def chain_at(conn: Connection, lon: float, lat: float, crs: str = "wgs84", *, who: Who) -> dict:
    """The areas a report at this point would get, with their people (as `who` may see them), by the
    assignment rule."""
    hit = conn.execute(_AT_POINT, {"lon": lon, "lat": lat, "crs": crs}).mappings().one()
    ids = [hit[level_column(lv)] for lv in CHAIN_LEVELS if hit[level_column(lv)] is not None]
    return {
        "lon": hit["lon"], "lat": hit["lat"], "crs": crs, "generation": hit["generation_id"],
        "snapped": hit["snapped_m"] is not None,
        "snapped_m": None if hit["snapped_m"] is None else round(hit["snapped_m"], 2),
        "assignment": assignment_of(hit),
        "areas": redact_all((dict(r) for r in conn.execute(_PEOPLE, {"ids": ids}).mappings()), who),
    }


def area_details(conn: Connection, code: str, *, who: Who) -> dict | None:
    """One area of the active generation: its people (as `who` may see them), its chain upwards and its
    open cases."""
    row = conn.execute(sa.text("""
        SELECT a.id, a.code, a.name, a.level::text AS level, a.population, a.households, a.responsible_name,
               a.responsible_phone, round(a.area_m2) AS area_m2,
               (WITH RECURSIVE up AS (
                    SELECT a.parent_id AS id
                    UNION ALL
                    SELECT p.parent_id FROM area p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL)
                SELECT json_agg(json_build_object('name', p.name, 'code', p.code) ORDER BY p.level)
                FROM up JOIN area p ON p.id = up.id) AS chain,
               (SELECT count(*) FROM incident i JOIN case_status s ON s.code = i.status
                WHERE s.open AND a.id = ANY(gisapp_chain_ids(i))) AS open_incidents
        FROM area a WHERE a.generation_id = gisapp_active_generation() AND a.code = :code"""),
        {"code": code}).mappings().first()
    return redact(dict(row), who) if row else None


def list_areas(conn: Connection, generation: int | None = None, level: str | None = None, *,
               who: Who) -> list[dict]:
    """Areas without geometry, for tables: the active generation unless one is named; people as `who`
    may see them."""
    return redact_all((dict(r) for r in conn.execute(sa.text("""
        WITH open_counts AS (
            SELECT u.area_id, count(*) AS n
            FROM incident i JOIN case_status s ON s.code = i.status, unnest(gisapp_chain_ids(i)) u(area_id)
            WHERE s.open AND u.area_id IS NOT NULL
            GROUP BY u.area_id)
        SELECT a.id, a.level::text AS level, a.code, a.name, p.code AS parent_code,
               a.population, a.households, a.responsible_name, a.responsible_phone,
               round(a.area_m2) AS area_m2, coalesce(o.n, 0) AS open_incidents
        FROM area a LEFT JOIN area p ON p.id = a.parent_id LEFT JOIN open_counts o ON o.area_id = a.id
        WHERE a.generation_id = coalesce(:g, gisapp_active_generation())
          AND (CAST(:l AS text) IS NULL OR a.level::text = :l)
        ORDER BY a.level, a.code"""), {"g": generation, "l": level}).mappings()), who)
