"""Validate one report and store it in one transaction; the database trigger assigns it.

Validation names every bad field at once, so a client fixes its request in one round trip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.errors import ApiError
from gisapp.core.schema import CRSES, SOURCES

MAX_DESCRIPTION = 4000
MAX_CLIENT_REF = 200
FIELDS = {"lon", "lat", "crs", "category", "description", "source", "building_id", "client_ref",
          "reported_at", "urgent"}


@dataclass(frozen=True)
class Report:
    category: str
    lon: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    description: str = ""
    source: str = "app"
    building_id: int | None = None
    client_ref: str | None = None
    reported_at: datetime | None = None
    urgent: bool = False


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # older report times are typing mistakes


def _number(value) -> float | None:
    """A JSON number as a float; None for anything else. Huge integers become infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _text_problem(value: str) -> str | None:
    return "must not contain NUL characters" if "\x00" in value else None


def check_lonlat(lon, lat) -> list[tuple[str, str]]:
    """Messages for bad coordinates; shared by the API and the CSV import."""
    errors = []
    flon, flat = _number(lon), _number(lat)
    for name, raw, num in (("lon", lon, flon), ("lat", lat, flat)):
        if raw is None:
            errors.append((name, "is required"))
        elif num is None:
            errors.append((name, f"must be a number, got {type(raw).__name__}"))
        elif not math.isfinite(num):
            errors.append((name, "must be a finite number, not NaN or infinity"))
    if errors:
        return errors
    if abs(flat) > 90 and abs(flon) <= 90:
        return [("lat", f"lat {flat} is out of range; lat and lon look swapped (lon={flat}, lat={flon}?)")]
    if abs(flon) > 180:
        errors.append(("lon", f"must be between -180 and 180, got {flon}"))
    if abs(flat) > 90:
        errors.append(("lat", f"must be between -90 and 90, got {flat}"))
    return errors


def _parse_time(value, tz: str) -> tuple[datetime | None, str | None]:
    if not isinstance(value, str):
        return None, "must be an ISO 8601 date-time string"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None, f"is not an ISO 8601 date-time: {value[:40]!r}"
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(tz))
    if when > datetime.now(UTC) + timedelta(minutes=10):
        return None, "is in the future"
    if when < EARLIEST:
        return None, f"is before {EARLIEST.year}"
    return when, None


def validate(body, known_categories: set[str], tz: str) -> Report:
    """A Report from a decoded JSON body, or ApiError(422) naming every bad field."""
    if not isinstance(body, dict):
        raise ApiError(422, [("body", "must be a JSON object")])
    errors: list[tuple[str, str]] = [(k or "body", "unknown field" if k else "unknown field ''")
                                     for k in sorted(set(body) - FIELDS)]
    out: dict = {}

    building = body.get("building_id")
    if building is not None:
        if isinstance(building, bool) or not isinstance(building, (int, str)) or building == "":
            errors.append(("building_id", "must be a building id (integer) or code (string)"))
        elif isinstance(building, int) and not 0 < building < 2**63:
            errors.append(("building_id", f"unknown building {building}"))
        elif isinstance(building, str) and _text_problem(building):
            errors.append(("building_id", _text_problem(building)))
        else:
            out["building_id"] = building
    if building is None or body.get("lon") is not None or body.get("lat") is not None:
        coord_errors = check_lonlat(body.get("lon"), body.get("lat"))
        errors += coord_errors
        if not coord_errors:
            out["lon"], out["lat"] = _number(body["lon"]), _number(body["lat"])

    crs = body.get("crs", "wgs84")
    if not isinstance(crs, str) or crs.lower() not in CRSES:
        errors.append(("crs", f"must be one of {', '.join(CRSES)}"))
    else:
        out["crs"] = crs.lower()

    category = body.get("category")
    if category is None:
        errors.append(("category", "is required"))
    elif not isinstance(category, str) or category not in known_categories:
        errors.append(("category", f"unknown category {str(category)[:40]!r}; "
                                   f"one of {', '.join(sorted(known_categories))}"))
    else:
        out["category"] = category

    description = body.get("description", "")
    if not isinstance(description, str):
        errors.append(("description", "must be a string"))
    elif len(description) > MAX_DESCRIPTION:
        errors.append(("description", f"is {len(description)} characters; at most {MAX_DESCRIPTION}"))
    elif _text_problem(description):
        errors.append(("description", _text_problem(description)))
    else:
        out["description"] = description

    source = body.get("source", "app")
    if source not in SOURCES:
        errors.append(("source", f"must be one of {', '.join(SOURCES)}"))
    else:
        out["source"] = source

    ref = body.get("client_ref")
    if ref is not None:
        if not isinstance(ref, str) or not ref.strip() or len(ref) > MAX_CLIENT_REF:
            errors.append(("client_ref", f"must be a non-empty string of at most {MAX_CLIENT_REF} characters"))
        elif _text_problem(ref):
            errors.append(("client_ref", _text_problem(ref)))
        else:
            out["client_ref"] = ref

    if body.get("reported_at") is not None:
        when, problem = _parse_time(body["reported_at"], tz)
        if problem:
            errors.append(("reported_at", problem))
        else:
            out["reported_at"] = when

    urgent = body.get("urgent", False)
    if not isinstance(urgent, bool):
        errors.append(("urgent", "must be true or false"))
    else:
        out["urgent"] = urgent

    if errors:
        raise ApiError(422, errors)
    return Report(**out)


def known_categories(conn: Connection) -> set[str]:
    return set(conn.scalars(sa.text("SELECT code FROM category WHERE active")))


def _resolve_building(conn: Connection, ref: int | str) -> int:
    column = "id" if isinstance(ref, int) else "code"
    found = conn.scalar(sa.text(f"SELECT id FROM building WHERE {column} = :v"), {"v": ref})
    if found is None:
        raise ApiError(422, [("building_id", f"unknown building {ref!r}")])
    return found


def store(conn: Connection, report: Report, actor: str = "api") -> tuple[int, bool]:
    """Insert the report, or find the one already sent with its client_ref. Returns (id, created)."""
    building_id = None if report.building_id is None else _resolve_building(conn, report.building_id)
    conn.execute(sa.text("SELECT set_config('gisapp.actor', :a, true), set_config('gisapp.action', 'report', true)"),
                 {"a": actor})
    new_id = conn.scalar(sa.text("""
        INSERT INTO incident (client_ref, category, description, source, input_lon, input_lat,
                              input_crs, building_id, reported_at, urgent)
        VALUES (:client_ref, :category, :description, :source, :lon, :lat, :crs, :building_id,
                coalesce(:reported_at, now()), :urgent)
        ON CONFLICT (client_ref) DO NOTHING
        RETURNING id"""), {
        "client_ref": report.client_ref, "category": report.category,
        "description": report.description, "source": report.source,
        "lon": report.lon, "lat": report.lat, "crs": report.crs, "building_id": building_id,
        "reported_at": report.reported_at, "urgent": report.urgent})
    if new_id is not None:
        return new_id, True
    existing = conn.scalar(sa.text("SELECT id FROM incident WHERE client_ref = :r"), {"r": report.client_ref})
    return existing, False
