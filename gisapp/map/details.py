"""What the map's side panel shows for a building or a checkpoint (areas: boundaries.lookup)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def building_details(conn: Connection, code: str) -> dict | None:
    row = conn.execute(sa.text("""
        SELECT b.code, b.name, b.address, b.households, a.name AS area_name, a.code AS area_code,
               (SELECT count(*) FROM incident i JOIN case_status s ON s.code = i.status
                WHERE i.building_id = b.id AND s.open) AS open_incidents
        FROM building b LEFT JOIN area a ON a.id = b.area_id WHERE b.code = :code"""),
        {"code": code}).mappings().first()
    return dict(row) if row else None


def checkpoint_details(conn: Connection, code: str) -> dict | None:
    row = conn.execute(sa.text("SELECT * FROM map_checkpoint WHERE code = :code"), {"code": code}).mappings().first()
    return dict(row) if row else None
