"""The planners' tables in the schema mirror (revision 0010): the words of validation and diff, and the
stored diff. A module of their own so schema.py stays small; schema.py imports it, so `metadata` holds them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, area_level


class BoundaryProblem(Base):
    """What validation finds (core/sql/33_validate.sql); a blocking one stops activation."""
    __tablename__ = "boundary_problem"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    label: Mapped[str] = mapped_column(sa.Text)
    blocking: Mapped[bool] = mapped_column(sa.Boolean)


class ChangeClass(Base):
    """How an area relates to another generation's (core/sql/34_diff.sql), with its colour on the map."""
    __tablename__ = "change_class"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    label: Mapped[str] = mapped_column(sa.Text)
    colour: Mapped[str] = mapped_column(sa.Text)


class AreaChange(Base):
    """The stored diff: one row per link between an area and the one of `against_id` it continues."""
    __tablename__ = "area_change"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    generation_id: Mapped[int] = mapped_column(sa.ForeignKey("generation.id", ondelete="CASCADE"))
    against_id: Mapped[int] = mapped_column(sa.ForeignKey("generation.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(area_level)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    class_: Mapped[str] = mapped_column("class", sa.ForeignKey("change_class.code"))
    iou: Mapped[float | None] = mapped_column(sa.Float)
    kept: Mapped[float | None] = mapped_column(sa.Float)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class AreaEdit(Base):
    """The planner's edits of a draft (gisapp.boundaries.editing), each with what it changed, for undo."""
    __tablename__ = "area_edit"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    generation_id: Mapped[int] = mapped_column(sa.ForeignKey("generation.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    actor: Mapped[str] = mapped_column(sa.Text)
    action: Mapped[str] = mapped_column(sa.Text)
    summary: Mapped[dict] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    before: Mapped[list] = mapped_column(JSONB, server_default=sa.text("'[]'::jsonb"))
    created: Mapped[list[int]] = mapped_column(ARRAY(sa.BigInteger), server_default=sa.text("'{}'::bigint[]"))
    touched: Mapped[list[int]] = mapped_column(ARRAY(sa.BigInteger), server_default=sa.text("'{}'::bigint[]"))
    after: Mapped[list] = mapped_column(JSONB, server_default=sa.text("'[]'::jsonb"))
    undone_by: Mapped[int | None] = mapped_column(sa.ForeignKey("area_edit.id"))
