"""Indexes for lookups and duplicate hints at city scale: each area piece carries its area's rank (rule 1's
tie-break), the owner levels' pieces have their own index, and cases one on place, time and category.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from pathlib import Path

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0009_piece_rank.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("revision 0009 cannot be undone in place: restore a backup taken before the "
                              "upgrade (README, Backups).")
