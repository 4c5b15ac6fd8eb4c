"""Take one report in: check it with ReportIn, store it in one transaction; the database assigns it.

ReportIn names every bad field at once, with hints ("lat and lon look swapped"), so a client fixes
its request in one round trip. The API, the console and the QR form all send reports through it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import Field, ValidationInfo, field_validator, model_validator
from sqlalchemy.engine import Connection

from gisapp.core.errors import N_, ApiError, Text
from gisapp.core.schema import CRSES, SOURCES
from gisapp.core.validation import Body, check_lonlat, not_a_coordinate, number, parse, refuse, storable, text

MAX_DESCRIPTION = 4000
MAX_CLIENT_REF = 200
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # older report times are typing mistakes


class ReportIn(Body):
    """A report: where (lon/lat in a CRS, or a building), what (category, description), from whom."""

    building_id: int | str | None = None   # the id, or the code on the building's QR sticker
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    crs: Literal[CRSES] = "wgs84"
    category: str
    description: text(MAX_DESCRIPTION) = ""
    source: Literal[SOURCES] = "app"
    client_ref: str | None = None      # the client's own id for the report: sending it twice stores it once
    reported_at: datetime | None = None
    urgent: bool = False

    @classmethod
    def check(cls, body, categories: set[str], tz: str) -> ReportIn:
        """The report in a decoded JSON body, or ApiError(422) naming every bad field.

        Where a report is (lon and lat, required unless a building is named, with the swap hint) is
        checked on the raw body first, so its problems come together with every other field's."""
        context = {"categories": categories, "tz": tz}
        where = cls.where_problems(body) if isinstance(body, dict) else []
        if where:
            body = {k: v for k, v in body.items() if k not in ("lon", "lat")}
        try:
            report = parse(cls, body, context=context)
        except ApiError as exc:
            raise ApiError(422, where + [e for e in exc.errors if e[0] not in ("lon", "lat")]) from None
        if where:
            raise ApiError(422, where)
        return report

    @staticmethod
    def where_problems(body: dict) -> list[tuple[str, str]]:
        if body.get("building_id") is not None and body.get("lon") is None and body.get("lat") is None:
            return []
        return check_lonlat(body.get("lon"), body.get("lat"))

    @field_validator("building_id", mode="before")
    @classmethod
    def _building(cls, value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
            raise refuse(N_("must be a building id (integer) or code (string)"))
        if isinstance(value, int) and not 0 < value < 2**63:
            raise refuse(N_("unknown building %(building)s"), building=value)
        if isinstance(value, str) and len(value) > 200:
            raise refuse(N_("must be a building code of at most 200 characters"))
        return storable(value) if isinstance(value, str) else value

    @field_validator("lon", "lat", mode="before")
    @classmethod
    def _coordinate(cls, value):
        """One coordinate's type; check() holds the pair together (required, range, the swap hint)."""
        if value is not None and not_a_coordinate(value):
            raise refuse(not_a_coordinate(value).msgid, **not_a_coordinate(value).params)
        return value if value is None else number(value)

    @field_validator("crs", mode="before")
    @classmethod
    def _crs(cls, value):
        return value.lower() if isinstance(value, str) else value

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, value, info: ValidationInfo):
        known = (info.context or {}).get("categories", set())
        if not isinstance(value, str) or value not in known:
            raise refuse(N_("unknown category %(category)r; one of %(choices)s"), category=str(value)[:40],
                         choices=", ".join(sorted(known)))
        return value

    @field_validator("client_ref", mode="before")
    @classmethod
    def _client_ref(cls, value):
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_CLIENT_REF:
            raise refuse(N_("must be a non-empty string of at most %(limit)s characters"), limit=MAX_CLIENT_REF)
        return storable(value)

    @field_validator("reported_at", mode="before")
    @classmethod
    def _reported_at(cls, value, info: ValidationInfo):
        if value is None:
            return None
        if not isinstance(value, str):
            raise refuse(N_("must be an ISO 8601 date-time string"))
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise refuse(N_("is not an ISO 8601 date-time: %(value)r"), value=value[:40]) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo((info.context or {}).get("tz", "UTC")))
        if when > datetime.now(UTC) + timedelta(minutes=10):
            raise refuse(N_("is in the future"))
        if when < EARLIEST:
            raise refuse(N_("is before %(year)s"), year=EARLIEST.year)
        return when

    @model_validator(mode="after")
    def _somewhere(self) -> ReportIn:
        if self.building_id is None and (self.lon is None or self.lat is None):
            raise refuse(N_("lon and lat are required unless building_id names a building"))
        return self


def known_categories(conn: Connection) -> set[str]:
    return set(conn.scalars(sa.text("SELECT code FROM category WHERE active")))


def _resolve_building(conn: Connection, ref: int | str) -> int:
    column = "id" if isinstance(ref, int) else "code"
    found = conn.scalar(sa.text(f"SELECT id FROM building WHERE {column} = :v"), {"v": ref})
    if found is None:
        raise ApiError(422, [("building_id", Text(N_("unknown building %(building)r"), building=ref))])
    return found


def store(conn: Connection, report: ReportIn, actor: str = "api", reported_by: int | None = None) -> tuple[int, bool]:
    """Insert the report, or find the one the same sender (user or token's user) already sent with its
    client_ref: another sender's ref never matches. Returns (id, created)."""
    building_id = None if report.building_id is None else _resolve_building(conn, report.building_id)
    conn.execute(sa.text("SELECT set_config('gisapp.actor', :a, true), set_config('gisapp.action', 'report', true)"),
                 {"a": actor})
    new_id = conn.scalar(sa.text("""
        INSERT INTO incident (client_ref, category, description, source, input_lon, input_lat,
                              input_crs, building_id, reported_at, urgent, reported_by)
        VALUES (:client_ref, :category, :description, :source, :lon, :lat, :crs, :building_id,
                coalesce(:reported_at, now()), :urgent, :reported_by)
        ON CONFLICT ((coalesce(reported_by, 0)), client_ref) DO NOTHING
        RETURNING id"""), {"reported_by": reported_by,
        "client_ref": report.client_ref, "category": report.category,
        "description": report.description, "source": report.source,
        "lon": report.lon, "lat": report.lat, "crs": report.crs, "building_id": building_id,
        "reported_at": report.reported_at, "urgent": report.urgent})
    if new_id is not None:
        return new_id, True
    existing = conn.scalar(sa.text("SELECT id FROM incident WHERE client_ref = :r "
                                   "AND coalesce(reported_by, 0) = coalesce(CAST(:u AS bigint), 0)"),
                           {"r": report.client_ref, "u": reported_by})
    return existing, False
