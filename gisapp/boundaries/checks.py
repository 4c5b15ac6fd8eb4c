"""Coverage checks of a generation, in m², computed in PostGIS: nesting, sibling overlaps, gaps, orphans."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection


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
