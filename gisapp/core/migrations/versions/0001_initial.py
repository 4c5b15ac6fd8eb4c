"""Initial schema: generations, areas and their pieces, buildings, checkpoints, incidents.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
FILES = ["0001_schema.sql", "0001_crs.sql", "0001_assign.sql", "0001_incident.sql"]


def upgrade() -> None:
    for name in FILES:
        op.execute((SQL / name).read_text(encoding="utf-8"))


def downgrade() -> None:
    for table in ["incident_event", "incident", "checkpoint", "building", "category",
                  "area_piece", "area", "generation", "app_setting"]:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP TYPE IF EXISTS area_level")
    op.execute("DROP FUNCTION IF EXISTS " + ", ".join([
        "gisapp_out_of_china", "gisapp_wgs84_to_gcj02", "gisapp_gcj02_to_wgs84", "gisapp_bd09_to_gcj02",
        "gisapp_gcj02_to_bd09", "gisapp_to_wgs84", "gisapp_setting", "gisapp_active_generation",
        "gisapp_generation_guard", "gisapp_generation_no_back_to_draft", "gisapp_area_check_parent",
        "gisapp_area_sync_pieces", "gisapp_owner_level", "gisapp_locate", "gisapp_located_status", "gisapp_nearest", "gisapp_assign",
        "gisapp_place_feature", "gisapp_incident_assign", "gisapp_incident_touch", "gisapp_incident_log",
        "gisapp_append_only", "gisapp_event_notify", "gisapp_activate_generation"]) + " CASCADE")
