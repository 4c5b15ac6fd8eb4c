"""Vocabulary tables (statuses, actions, satisfaction, task states, level labels) and limits for every writer.

From this revision on, functions, views and triggers are repeatable files in gisapp/core/sql/, applied
by `gisapp db upgrade` after the revisions; revisions hold tables and data only, and are frozen.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from pathlib import Path

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0004_vocabulary.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("revision 0004 cannot be undone in place: the repeatable functions read its "
                              "tables. Restore a backup taken before the upgrade (README, Backups).")
