"""The working calendar: where each day comes from, working-day positions, loaded notices.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from pathlib import Path

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0007_calendar.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("revision 0007 cannot be undone in place: restore a backup taken before the "
                              "upgrade (README, Backups).")
