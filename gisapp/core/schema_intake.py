"""The bulk path's tables in the schema mirror (revision 0008): doorways that writers COPY into and
whose rows never stay, and the record of each intake statement. A module of their own so schema.py
stays small; schema.py imports it, so `metadata` holds them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base


class IncidentIntake(Base):
    """The bulk path's doorway (0008, UNLOGGED): rows COPYed here become cases, set-based, in the same
    statement (core/sql/45_intake_batch.sql) and never stay."""
    __tablename__ = "incident_intake"
    __mapper_args__ = {"primary_key": ["row_no"]}   # the table has none: nothing stays in it
    row_no: Mapped[int | None] = mapped_column(sa.Integer)
    client_ref: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, server_default="")
    source: Mapped[str] = mapped_column(sa.Text, server_default="app")
    input_lon: Mapped[float | None] = mapped_column(sa.Float)
    input_lat: Mapped[float | None] = mapped_column(sa.Float)
    input_crs: Mapped[str] = mapped_column(sa.Text, server_default="wgs84")
    building_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    urgent: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    reported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    reported_by: Mapped[int | None] = mapped_column(sa.BigInteger)
    logged_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class CaseHistoryIntake(Base):
    """Later steps of cases for importers of history (0008, UNLOGGED): applied set-based, in order of time,
    with the workflow's rules (core/sql/46_history_batch.sql), and never stay."""
    __tablename__ = "case_history_intake"
    __mapper_args__ = {"primary_key": ["incident_id", "at"]}   # the table has none: nothing stays in it
    incident_id: Mapped[int] = mapped_column(sa.BigInteger)
    action: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.Text, server_default="")
    satisfaction: Mapped[str | None] = mapped_column(sa.Text)


class IntakeBatch(Base):
    """One intake statement and what became of its rows (0008)."""
    __tablename__ = "intake_batch"
    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    txid: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("txid_current()"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    actor: Mapped[str] = mapped_column(sa.Text)
    rows: Mapped[int] = mapped_column(sa.Integer)
    inserted: Mapped[int] = mapped_column(sa.Integer)
    assigned: Mapped[int] = mapped_column(sa.Integer)
    snapped: Mapped[int] = mapped_column(sa.Integer)
    unlocated: Mapped[int] = mapped_column(sa.Integer)
    duplicates: Mapped[int] = mapped_column(sa.Integer)
