"""Planners' generations: lineage of drafts and areas, area versions, and the words and stored result of
validation and diff (issue 10).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from pathlib import Path

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0010_lineage.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("revision 0010 cannot be undone in place: restore a backup taken before the "
                              "upgrade (README, Backups).")
