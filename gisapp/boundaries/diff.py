"""Diff and impact of a draft against another generation, before activation: how each area changed (stored in
area_change by core/sql/34_diff.sql), who changes owner, and how many people move."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.settings import Settings, get_settings
from gisapp.core.validation import Query, Whole

from .generations import active_generation, state
from .problems import ImportProblem


@dataclass
class Diff:
    generation: int
    against: int
    classes: dict[str, int]                      # change_class code -> areas
    moves: list[dict] = field(default_factory=list)   # what, id, label, from_code, to_code (+ a case's category)
    population_moved: int = 0

    def moved(self, what: str) -> list[dict]:
        return [m for m in self.moves if m["what"] == what]


class DiffQuery(Query):
    """?against=M: the generation to compare with (default: the active one, else the one it was copied from)."""
    against: Whole | None = None


def against_default(conn: Connection, generation: int) -> int | None:
    """What a draft is compared with: the active generation, else the one it was copied from."""
    active = active_generation(conn)
    if active is not None and active != generation:
        return active
    return conn.scalar(sa.text("SELECT based_on FROM generation WHERE id = :g"), {"g": generation})


def diff(conn: Connection, generation: int, against: int | None = None, settings: Settings | None = None) -> Diff:
    """Classify every area of `generation` against `against` (default: against_default), store it, and read
    what activation would move."""
    settings = settings or get_settings()
    against = against or against_default(conn, generation)
    missing = [n for n in (generation, against) if n is None or state(conn, n) is None]
    if missing:
        raise ImportProblem([f"no generation {n} to compare" if n else "no generation to compare against"
                             for n in missing])
    classes = dict(conn.execute(sa.text("SELECT class, areas FROM gisapp_generation_diff(:g, :a, :iou, :share)"),
                                {"g": generation, "a": against, "iou": settings.same_iou,
                                 "share": settings.match_share}).all())
    moves = [dict(r) for r in conn.execute(sa.text("""
        SELECT m.what, m.id, m.label, f.code AS from_code, t.code AS to_code,
               c.name_zh AS category_zh, c.name_en AS category_en
        FROM gisapp_generation_impact(:g, :a) m
        LEFT JOIN area f ON f.id = m.from_area LEFT JOIN area t ON t.id = m.to_area
        LEFT JOIN category c ON m.what = 'case' AND c.code = m.label
        ORDER BY m.what, m.id"""), {"g": generation, "a": against}).mappings()]
    people = conn.scalar(sa.text("SELECT gisapp_generation_moved_population(:g, :a)"),
                         {"g": generation, "a": against})
    return Diff(generation, against, classes, moves, int(people or 0))


def changed_areas(conn: Connection, generation: int, against: int) -> dict:
    """The stored diff as GeoJSON, one feature per changed area (removed ones in their old shape), with its
    class and colour from change_class, to draw a map coloured by class."""
    rows = conn.execute(sa.text("""
        SELECT c.class, k.colour, a.level::text AS level, a.code, a.name,
               string_agg(p.code, ', ' ORDER BY p.code) AS previous, ST_AsGeoJSON(a.geom, 7) AS geometry
        FROM area_change c
        JOIN change_class k ON k.code = c.class
        JOIN area a ON a.id = coalesce(c.area_id, c.previous_id)
        LEFT JOIN area p ON p.id = c.previous_id AND c.area_id IS NOT NULL
        WHERE c.generation_id = :g AND c.against_id = :a AND c.class <> 'unchanged'
        GROUP BY c.class, k.colour, k.sort, a.id ORDER BY k.sort, a.level, a.code"""),
        {"g": generation, "a": against}).mappings()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(r["geometry"]),
         "properties": {k: r[k] for k in ("class", "colour", "level", "code", "name", "previous")}}
        for r in rows]}
