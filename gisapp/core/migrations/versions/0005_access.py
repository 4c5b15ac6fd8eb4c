"""Users and roles, tokens and sign-in links, the audit record, client_ref scoped to its sender.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from pathlib import Path

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQL = Path(__file__).resolve().parent.parent / "sql"


def upgrade() -> None:
    op.execute((SQL / "0005_access.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("revision 0005 cannot be undone in place: restore a backup taken before the "
                              "upgrade (README, Backups).")
