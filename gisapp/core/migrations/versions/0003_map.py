"""Situation map: vector basemap table, one view per map layer, NOTIFY on generation activation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from pathlib import Path

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0003_map.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS generation_notify ON generation")
    op.execute("DROP FUNCTION IF EXISTS gisapp_generation_notify()")
    op.execute("DROP VIEW IF EXISTS map_basemap, map_incident, map_checkpoint, map_building, map_area")
    op.execute("DROP INDEX IF EXISTS incident_open_idx")
    op.execute("DROP TABLE IF EXISTS basemap_feature")
