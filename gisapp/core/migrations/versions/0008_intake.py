"""The bulk path: an intake table any writer may COPY into, and a record of each batch.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from pathlib import Path

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0008_intake.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("revision 0008 cannot be undone in place: restore a backup taken before the "
                              "upgrade (README, Backups).")
