"""The operator's desk: done-labels and destructive actions, departments by category, report sources.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from pathlib import Path

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0006_desk.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("revision 0006 cannot be undone in place: restore a backup taken before the "
                              "upgrade (README, Backups).")
