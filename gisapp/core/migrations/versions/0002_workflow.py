"""Closed loop: transitions, owner levels and escalation, departments, SLA calendar, duplicates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from pathlib import Path

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"
FILES = ["0002_sla.sql", "0002_workflow.sql", "0002_transition.sql"]


def upgrade() -> None:
    for name in FILES:
        op.execute((SQL / name).read_text(encoding="utf-8"))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS incident_overdue, incident_sla")
    op.execute("DROP TRIGGER IF EXISTS incident_event_time ON incident_event; "
               "DROP TRIGGER IF EXISTS incident_plan ON incident; "
               "DROP TRIGGER IF EXISTS incident_status_guard ON incident")
    for table in ["attachment", "department_task", "department", "transition", "sla_rule", "calendar_day"]:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("ALTER TABLE incident DROP COLUMN owner_level, DROP COLUMN satisfaction, "
               "DROP COLUMN duplicate_of, DROP COLUMN possible_duplicate_of, DROP COLUMN accept_due, "
               "DROP COLUMN handle_due, DROP COLUMN close_due")
    op.execute("ALTER TABLE category DROP COLUMN auto_level, DROP COLUMN dup_radius_m, DROP COLUMN dup_window_hours")
    op.execute("DROP FUNCTION IF EXISTS gisapp_transition, gisapp_call_department, gisapp_department_task, "
               "gisapp_fail, gisapp_status_guard, gisapp_incident_plan, gisapp_base_level, gisapp_leaf_level, "
               "gisapp_chain_id, gisapp_lock_case, gisapp_allowed_actions, gisapp_place, gisapp_find_duplicate, gisapp_event_time, gisapp_due, gisapp_add_work_hours, gisapp_is_workday CASCADE")
    op.execute("DELETE FROM app_setting WHERE key IN ('timezone', 'work_start', 'work_end')")
