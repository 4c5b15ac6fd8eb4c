"""Small synthetic worlds for assignment tests, far from the demo district (in the Gulf of Guinea)."""

from __future__ import annotations

import sqlalchemy as sa


def square(x0: float, y0: float, x1: float, y1: float, hole=None) -> str:
    ring = f"({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0})"
    if hole:
        hx0, hy0, hx1, hy1 = hole
        ring += f",({hx0} {hy0},{hx1} {hy0},{hx1} {hy1},{hx0} {hy1},{hx0} {hy0})"
    return f"MULTIPOLYGON(({ring}))"


def new_generation(conn, areas: list[tuple], activate: bool = True) -> int:
    """areas: (level, code, wkt, parent_code or None). Returns the generation number."""
    gen = conn.scalar(sa.text("SELECT coalesce(max(id), 0) + 1 FROM generation"))
    conn.execute(sa.text("INSERT INTO generation (id) VALUES (:g)"), {"g": gen})
    for level, code, wkt, parent in areas:
        conn.execute(sa.text("""
            INSERT INTO area (generation_id, level, code, name, parent_id, population, geom)
            VALUES (:g, CAST(:level AS area_level), :code, :code,
                    (SELECT id FROM area WHERE generation_id = :g AND code = :parent), 1000,
                    ST_GeomFromText(:wkt, 4326))"""),
            {"g": gen, "level": level, "code": code, "wkt": wkt, "parent": parent})
    if activate:
        conn.execute(sa.text("SELECT gisapp_activate_generation(:g)"), {"g": gen})
    return gen


def insert_point(conn, lon: float, lat: float, **extra) -> dict:
    cols = ", ".join(["category", "geom", *extra])
    vals = ", ".join(["'other'", "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)", *[f":{k}" for k in extra]])
    return dict(conn.execute(sa.text(f"""
        INSERT INTO incident ({cols}) VALUES ({vals})
        RETURNING id, status, snapped_m, generation_id,
                  (SELECT code FROM area WHERE id = micro_grid_id) AS micro_grid,
                  (SELECT code FROM area WHERE id = grid_id) AS grid,
                  (SELECT code FROM area WHERE id = community_id) AS community"""),
        {"lon": lon, "lat": lat, **extra}).mappings().one())
