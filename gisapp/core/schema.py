"""GeoAlchemy2 tables mirroring the migrated schema; tests/core/test_schema.py fails if the two drift."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ENUM, INET, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .vocabulary import LEVEL_CODES, SOURCE_CODES

SOURCES = SOURCE_CODES
CRSES = ("wgs84", "gcj02", "bd09")

area_level = ENUM(*LEVEL_CODES, name="area_level", create_type=False)


def _geom(kind: str) -> Geometry:
    return Geometry(kind, srid=4326, spatial_index=False)


class Base(DeclarativeBase):
    pass


class AppSetting(Base):
    __tablename__ = "app_setting"
    key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)


class Generation(Base):
    __tablename__ = "generation"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(sa.Text, server_default="draft")
    description: Mapped[str] = mapped_column(sa.Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    activated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    synthetic: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())   # 0008
    based_on: Mapped[int | None] = mapped_column(sa.ForeignKey("generation.id", ondelete="SET NULL"))  # 0010


class Area(Base):
    __tablename__ = "area"
    __table_args__ = (sa.UniqueConstraint("generation_id", "code", name="area_code_unique"),)
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    generation_id: Mapped[int] = mapped_column(sa.ForeignKey("generation.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(area_level)
    code: Mapped[str] = mapped_column(sa.Text)
    name: Mapped[str] = mapped_column(sa.Text)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    population: Mapped[int | None] = mapped_column(sa.Integer)
    households: Mapped[int | None] = mapped_column(sa.Integer)
    responsible_name: Mapped[str | None] = mapped_column(sa.Text)
    responsible_phone: Mapped[str | None] = mapped_column(sa.Text)
    geom = mapped_column(_geom("MULTIPOLYGON"), nullable=False)
    area_m2: Mapped[float | None] = mapped_column(sa.Float, sa.Computed("st_area((geom)::geography)"))
    origin_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"), index=True)  # 0010
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")                                 # 0010


class AreaPiece(Base):
    __tablename__ = "area_piece"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"))
    generation_id: Mapped[int] = mapped_column(sa.Integer)
    level: Mapped[str] = mapped_column(area_level)   # the area's, kept by its trigger (0008)
    rank: Mapped[str] = mapped_column(sa.Text)       # gisapp_area_rank of the area, likewise (0009)
    geom = mapped_column(_geom("POLYGON"), nullable=False)


class Category(Base):
    __tablename__ = "category"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str] = mapped_column(sa.Text)
    snapshot: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    urgent: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    sort: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    active: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())
    auto_level: Mapped[str | None] = mapped_column(area_level)
    dup_radius_m: Mapped[float] = mapped_column(sa.Float, server_default="50")
    dup_window_hours: Mapped[float] = mapped_column(sa.Float, server_default="72")


class Building(Base):
    __tablename__ = "building"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(sa.Text, unique=True)
    name: Mapped[str] = mapped_column(sa.Text, server_default="")
    address: Mapped[str] = mapped_column(sa.Text, server_default="")
    households: Mapped[int | None] = mapped_column(sa.Integer)
    osm_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    geom = mapped_column(_geom("MULTIPOLYGON"), nullable=False)
    point = mapped_column(_geom("POINT"), sa.Computed("st_pointonsurface(geom)"))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"), index=True)


class Checkpoint(Base):
    __tablename__ = "checkpoint"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(sa.Text, unique=True)
    kind: Mapped[str] = mapped_column(sa.Text)
    name: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text, server_default="online")
    last_seen: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    osm_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    geom = mapped_column(_geom("POINT"), nullable=False)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))


class Incident(Base):
    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    client_ref: Mapped[str | None] = mapped_column(sa.Text)   # unique per sender (reported_by)
    reported_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    category: Mapped[str] = mapped_column(sa.ForeignKey("category.code"))
    description: Mapped[str] = mapped_column(sa.Text, server_default="")
    source: Mapped[str] = mapped_column(sa.ForeignKey("report_source.code"), server_default="app")  # 0006
    geom = mapped_column(_geom("POINT"))
    input_crs: Mapped[str] = mapped_column(sa.Text, server_default="wgs84")
    input_lon: Mapped[float | None] = mapped_column(sa.Float)
    input_lat: Mapped[float | None] = mapped_column(sa.Float)
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("building.id"))
    urgent: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    reported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    status: Mapped[str] = mapped_column(sa.ForeignKey("case_status.code"), server_default="reported")
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    generation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("generation.id"))
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    micro_grid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    snapped_m: Mapped[float | None] = mapped_column(sa.Float)
    owner_level: Mapped[str | None] = mapped_column(area_level)
    satisfaction: Mapped[str | None] = mapped_column(sa.ForeignKey("satisfaction.code"))
    duplicate_of: Mapped[int | None] = mapped_column(sa.ForeignKey("incident.id"))
    possible_duplicate_of: Mapped[int | None] = mapped_column(sa.ForeignKey("incident.id"))
    accept_due: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    handle_due: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    close_due: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class IncidentEvent(Base):
    __tablename__ = "incident_event"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incident.id"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    actor: Mapped[str] = mapped_column(sa.Text)
    action: Mapped[str] = mapped_column(sa.ForeignKey("case_action.code"))
    from_status: Mapped[str | None] = mapped_column(sa.Text)
    to_status: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.Text, server_default="")
    data: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))


class CalendarDay(Base):
    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(sa.Boolean)
    name: Mapped[str] = mapped_column(sa.Text, server_default="")
    source: Mapped[str] = mapped_column(sa.Text, server_default="official")      # revision 0007
    workdays_before: Mapped[int | None] = mapped_column(sa.Integer)             # revision 0007


class CalendarNotice(Base):
    """A year's holiday notice an administrator loaded (revision 0007)."""
    __tablename__ = "calendar_notice"
    year: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.Text, server_default="")
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    loaded_by: Mapped[str] = mapped_column(sa.Text, server_default="")


class SlaRule(Base):
    __tablename__ = "sla_rule"
    __table_args__ = (sa.UniqueConstraint("category", "level", postgresql_nulls_not_distinct=True),)
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    category: Mapped[str | None] = mapped_column(sa.ForeignKey("category.code"))
    level: Mapped[str | None] = mapped_column(area_level)
    accept_hours: Mapped[float] = mapped_column(sa.Float)
    handle_hours: Mapped[float] = mapped_column(sa.Float)
    close_hours: Mapped[float] = mapped_column(sa.Float)


class Transition(Base):
    __tablename__ = "transition"
    action: Mapped[str] = mapped_column(sa.ForeignKey("case_action.code", name="transition_action_fkey"),
                                        primary_key=True)
    from_status: Mapped[str] = mapped_column(sa.ForeignKey("case_status.code", name="transition_from_fkey"),
                                             primary_key=True)
    to_status: Mapped[str] = mapped_column(sa.ForeignKey("case_status.code", name="transition_to_fkey"))


class CaseStatus(Base):
    """One row per status, with what it means (revision 0004); core.vocabulary mirrors it."""
    __tablename__ = "case_status"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    label: Mapped[str] = mapped_column(sa.Text)
    open: Mapped[bool] = mapped_column(sa.Boolean)
    closed: Mapped[bool] = mapped_column(sa.Boolean)
    intake: Mapped[bool] = mapped_column(sa.Boolean)
    working: Mapped[bool] = mapped_column(sa.Boolean)
    stage: Mapped[str | None] = mapped_column(sa.Text)


class CaseAction(Base):
    __tablename__ = "case_action"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    label: Mapped[str] = mapped_column(sa.Text)
    by_transition: Mapped[bool] = mapped_column(sa.Boolean)
    needs_note: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    done_label: Mapped[str] = mapped_column(sa.Text)                                   # revision 0006
    destructive: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())  # revision 0006


class Satisfaction(Base):
    __tablename__ = "satisfaction"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    label: Mapped[str] = mapped_column(sa.Text)
    satisfied: Mapped[bool] = mapped_column(sa.Boolean)


class TaskStatus(Base):
    __tablename__ = "task_status"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    label: Mapped[str] = mapped_column(sa.Text)
    next: Mapped[str | None] = mapped_column(sa.ForeignKey("task_status.code"))


class AreaLevelLabel(Base):
    __tablename__ = "area_level_label"
    level: Mapped[str] = mapped_column(area_level, primary_key=True)
    label: Mapped[str] = mapped_column(sa.Text)


class Department(Base):
    __tablename__ = "department"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str] = mapped_column(sa.Text)


class DepartmentCategory(Base):
    """The departments a category usually needs, in the order the call-out proposes them (revision 0006)."""
    __tablename__ = "department_category"
    category: Mapped[str] = mapped_column(sa.ForeignKey("category.code", ondelete="CASCADE"), primary_key=True)
    department: Mapped[str] = mapped_column(sa.ForeignKey("department.code", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(sa.SmallInteger, server_default="1")


class ReportSource(Base):
    """How a report came in, named for people (revision 0006)."""
    __tablename__ = "report_source"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    label: Mapped[str] = mapped_column(sa.Text)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)


class DepartmentTask(Base):
    __tablename__ = "department_task"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incident.id"), index=True)
    department: Mapped[str] = mapped_column(sa.ForeignKey("department.code"))
    status: Mapped[str] = mapped_column(sa.ForeignKey("task_status.code"), server_default="called")
    called_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    arrived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    called_by: Mapped[str] = mapped_column(sa.Text)


class Attachment(Base):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incident.id"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("incident_event.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.Text)
    content_type: Mapped[str] = mapped_column(sa.Text)
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.Text)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class BasemapFeature(Base):
    """Roads and water drawn as the offline basemap (from OpenStreetMap in the demo)."""
    __tablename__ = "basemap_feature"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.Text)
    name: Mapped[str] = mapped_column(sa.Text, server_default="")
    min_zoom: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    osm_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    geom = mapped_column(_geom("GEOMETRY"), nullable=False)


class Poi(Base):
    """Named places for search (revision 0006; the demo loads them from OpenStreetMap)."""
    __tablename__ = "poi"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.Text, server_default="")
    osm_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    geom = mapped_column(_geom("POINT"), nullable=False)


class UserRole(Base):
    __tablename__ = "user_role"
    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sort: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    label: Mapped[str] = mapped_column(sa.Text)
    personal_data: Mapped[bool] = mapped_column(sa.Boolean)


class AppUser(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text, unique=True)
    display_name: Mapped[str] = mapped_column(sa.Text)
    role: Mapped[str] = mapped_column(sa.ForeignKey("user_role.code"))
    area_code: Mapped[str | None] = mapped_column(sa.Text)
    department: Mapped[str | None] = mapped_column(sa.ForeignKey("department.code"))
    password_hash: Mapped[str | None] = mapped_column(sa.Text)
    disabled: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ApiToken(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    token_hash: Mapped[str] = mapped_column(sa.Text, unique=True)
    label: Mapped[str] = mapped_column(sa.Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class LoginLink(Base):
    __tablename__ = "login_link"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    token_hash: Mapped[str] = mapped_column(sa.Text, unique=True)
    next_path: Mapped[str] = mapped_column(sa.Text, server_default="/")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    actor: Mapped[str] = mapped_column(sa.Text)
    action: Mapped[str] = mapped_column(sa.Text)
    target: Mapped[str] = mapped_column(sa.Text, server_default="")
    detail: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    ip: Mapped[str | None] = mapped_column(INET)


from . import schema_intake, schema_planning  # noqa: E402,F401,I001  (bulk path's and planners' tables, same Base)

metadata = Base.metadata
