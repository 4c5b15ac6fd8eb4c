"""Reading cases back: the shape the API returns, the console lists and the export writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import Field, field_validator
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who, case_scope
from gisapp.access.privacy import mask_name, mask_phone, redact_all, unmasked
from gisapp.boundaries.lookup import assignment_of
from gisapp.core.errors import N_
from gisapp.core.validation import Day, Query, Whole, refuse, text
from gisapp.core.vocabulary import CHAIN_LEVELS, LEVEL_CODES, STATUS_CODES, level_column

_LEVEL_JOINS = "\n".join(
    f"LEFT JOIN area a_{lv} ON a_{lv}.id = i.{level_column(lv)}" for lv in CHAIN_LEVELS)
_LEVEL_COLS = ",\n".join(
    f"a_{lv}.code AS {lv}_code, a_{lv}.name AS {lv}_name" for lv in CHAIN_LEVELS)

CASE_SELECT = f"""
SELECT i.id, i.client_ref, i.status, i.category, i.description, i.source, i.urgent,
       ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.input_crs, i.input_lon, i.input_lat,
       i.snapped_m, i.generation_id, i.version, i.reported_at, i.created_at, i.updated_at,
       i.owner_level::text AS owner_level, i.satisfaction, i.duplicate_of, i.possible_duplicate_of,
       o.due, o.stage AS due_stage, coalesce(o.overdue, false) AS overdue,
       h.code AS handler_area, h.responsible_name AS handler_name, h.responsible_phone AS handler_phone,
       c.name_zh AS category_zh, c.name_en AS category_en,
       b.id AS building_id, b.code AS building_code,
       {_LEVEL_COLS}
FROM incident i
JOIN category c ON c.code = i.category
JOIN incident_overdue o ON o.id = i.id
LEFT JOIN area h ON h.id = gisapp_chain_id(i, i.owner_level)
LEFT JOIN building b ON b.id = i.building_id
{_LEVEL_JOINS}
"""


def case_dict(row: Any, base_url: str = "") -> dict:
    return {
        "id": row["id"],
        "client_ref": row["client_ref"],
        "status": row["status"],
        "category": row["category"],
        "category_name": {"zh": row["category_zh"], "en": row["category_en"]},
        "description": row["description"],
        "source": row["source"],
        "urgent": row["urgent"],
        "lon": row["lon"],
        "lat": row["lat"],
        "input": {"lon": row["input_lon"], "lat": row["input_lat"], "crs": row["input_crs"]},
        "snapped": row["snapped_m"] is not None,
        "snapped_m": None if row["snapped_m"] is None else round(row["snapped_m"], 2),
        "building": {"id": row["building_id"], "code": row["building_code"]} if row["building_id"] else None,
        "generation": row["generation_id"],
        "version": row["version"],
        "reported_at": row["reported_at"].isoformat(),
        "created_at": row["created_at"].isoformat(),
        "assignment": assignment_of(row),
        "owner_level": row["owner_level"],
        # The handler is the owner area's responsible worker.
        "handler": None if row["handler_area"] is None else {
            "area": row["handler_area"], "name": row["handler_name"], "phone": row["handler_phone"]},
        "satisfaction": row["satisfaction"],
        "due": None if row["due"] is None else {"stage": row["due_stage"], "at": row["due"].isoformat()},
        "overdue": row["overdue"],
        "possible_duplicate_of": row["possible_duplicate_of"],
        "duplicate_of": row["duplicate_of"],
        "links": {
            "self": f"{base_url}/api/v1/reports/{row['id']}",
            "map": f"{base_url}/?incident={row['id']}",
            # A merged report's reporter follows the original case.
            **({"follow": f"{base_url}/api/v1/reports/{row['duplicate_of']}"} if row["duplicate_of"] else {}),
        },
    }


_LOCAL_DAY = "gisapp_day_start(CAST(:{} AS date))"
_FILTERS = {
    "status": "i.status = ANY(:status)",
    # a code, or a name or part of one, at any level of the case's chain
    "area": "EXISTS (SELECT 1 FROM area a WHERE a.id = ANY(gisapp_chain_ids(i)) "
            "AND (a.code = :area OR a.name ILIKE '%' || :area_like || '%'))",
    "category": "i.category = :category",
    "level": "i.owner_level::text = :level",
    "since": "i.reported_at >= " + _LOCAL_DAY.format("since"),
    "until": "i.reported_at < " + _LOCAL_DAY.format("until"),
    "overdue": "coalesce(o.overdue, false) = :overdue",
}


class CaseQuery(Query):
    """Filters of the case list (GET /reports, the console): each optional, all combined."""
    status: list[Literal[STATUS_CODES]] | None = None   # ?status=assigned,accepted
    area: text(200) | None = None                       # a code at any level, or (part of) a name
    category: text(60) | None = None
    level: Literal[LEVEL_CODES] | None = None           # the owner level
    since: Day | None = Field(None, alias="from")       # local days (core/localtime.py), `to` excluded
    until: Day | None = Field(None, alias="to")
    overdue: bool | None = None
    q: text(200) | None = None                          # text in the description or reference, or an id
    page: Annotated[Whole, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[Whole, Field(ge=1, le=500)] = 50

    @field_validator("status", mode="before")
    @classmethod
    def _statuses(cls, value):
        if isinstance(value, str):
            value = [s for s in value.split(",") if s]
            bad = [s for s in value if s not in STATUS_CODES]
            if bad:
                raise refuse(N_("unknown status %(value)r; one of %(choices)s"), value=bad[0][:40],
                             choices=", ".join(STATUS_CODES))
        return value or None


def _shown_to(case: dict, who: Who) -> dict:
    """A case as `who` sees it: the handler's name and phone masked for roles without personal data."""
    if case["handler"] is not None and not unmasked(who):
        case["handler"] = {**case["handler"], "name": mask_name(case["handler"]["name"]),
                           "phone": mask_phone(case["handler"]["phone"])}
    return case


def list_cases(conn: Connection, query: CaseQuery, *, who: Who, limit: int | None = None, offset: int | None = None,
               base_url: str = "") -> tuple[int, list[dict]]:
    """The cases `who` may see matching the query, newest first, and the total count (one page, unless
    limit is given)."""
    scope, params = case_scope(who)
    where = [scope]
    params |= {"limit": limit or query.per_page,
                    "offset": offset if offset is not None else (query.page - 1) * query.per_page}
    given = {"status": query.status, "area": query.area, "category": query.category, "level": query.level,
             "since": query.since, "until": query.until, "overdue": query.overdue}
    for name, value in given.items():
        if value is not None:
            where.append(_FILTERS[name])
            params[name] = value
    if query.area is not None:
        params["area_like"] = query.area.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if query.q:
        where.append("(i.description ILIKE :text OR i.client_ref ILIKE :text OR i.id::text = :exact)")
        params["text"], params["exact"] = f"%{query.q}%", query.q
    sql = CASE_SELECT + " WHERE " + " AND ".join(where)
    total = conn.scalar(sa.text(f"SELECT count(*) FROM ({sql}) x"), params)
    rows = conn.execute(sa.text(sql + " ORDER BY i.reported_at DESC, i.id DESC LIMIT :limit OFFSET :offset"),
                        params).mappings()
    return total, [_shown_to(case_dict(r, base_url), who) for r in rows]


TASKS = sa.text("""
    SELECT t.id, t.department, d.name_zh, d.name_en, t.status, t.called_at, t.arrived_at, t.done_at, t.called_by
    FROM department_task t JOIN department d ON d.code = t.department
    WHERE t.incident_id = :i ORDER BY t.id""")


def department_tasks(conn: Connection, incident_id: int, who: Who) -> list[dict]:
    return redact_all(({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in r.items()}
                       for r in conn.execute(TASKS, {"i": incident_id}).mappings()), who)


def visible(conn: Connection, incident_id: int, who: Who) -> bool:
    """Whether the case exists and `who` may see it (a case outside one's scope is simply not found)."""
    if not 0 < incident_id < 2**63:
        return False
    scope, params = case_scope(who)
    return bool(conn.scalar(sa.text(f"SELECT 1 FROM incident i WHERE i.id = :id AND {scope}"),
                            {"id": incident_id, **params}))


def get_case(conn: Connection, incident_id: int, base_url: str = "", *, who: Who) -> dict | None:
    """One case in the API's shape, with its department tasks; None if there is none `who` may see."""
    if not visible(conn, incident_id, who):
        return None
    row = conn.execute(sa.text(CASE_SELECT + " WHERE i.id = :id"), {"id": incident_id}).mappings().first()
    return {**_shown_to(case_dict(row, base_url), who), "department_tasks": department_tasks(conn, incident_id, who)}


EXPORT_COLUMNS = ["id", "client_ref", "status", "category", "source", "reported_at", "lon", "lat",
                  "input_crs", "snapped_m", "generation_id", "building_code"] + [
                  f"{lv}_code" for lv in CHAIN_LEVELS]


def iter_export_rows(conn: Connection) -> Iterator[dict]:
    """Every incident with its codes at every level, streamed in id order."""
    # Options on the statement, not the connection: the caller's connection must not go on streaming.
    result = conn.execute(sa.text(CASE_SELECT + " ORDER BY i.id").execution_options(stream_results=True,
                                                                                    yield_per=2000))
    for row in result.mappings():
        yield {c: row[c] for c in EXPORT_COLUMNS}


def case_outline(conn: Connection, incident_id: int) -> dict | None:
    """The GeoJSON geometry of the area that owns a case now (its leaf area), for a case's mini map."""
    return conn.scalar(sa.text("""
        SELECT ST_AsGeoJSON(a.geom)::json FROM incident i
        JOIN area a ON a.id = gisapp_leaf_id(i) WHERE i.id = :i"""), {"i": incident_id})


def departments(conn: Connection) -> list[dict]:
    """The departments a case can be called out to (吹哨报到)."""
    return [dict(r) for r in conn.execute(sa.text(
        "SELECT code, name_zh, name_en FROM department ORDER BY code")).mappings()]


def categories(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.text(
        "SELECT code, name_zh, name_en FROM category ORDER BY sort")).mappings()]
