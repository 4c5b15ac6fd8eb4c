"""KPIs of the closed loop, one SQL formula each, computed in PostgreSQL for any area and date range.

Scope: the cases whose `reported_at` lies in [from, to) (dates are local days in the `timezone`
setting) and whose area chain contains the area; with no area, every case assigned to the
generation (unlocated reports belong to no area and are counted nowhere until placed).

The formulas (the names are the keys of the `kpis` object; `KPIS` below is the single source):
- response_rate     = accepted_in_sla / assigned: of the cases that reached `assigned`, those whose
                      first 'accept' event came at or before `accept_due`.
- resolution_rate   = closed_in_sla / closed: of the closed cases, those whose first 'close' event
                      came at or before `close_due` (a reopened case keeps its first close).
- satisfaction_rate = satisfied / evaluated: 'satisfied' + 'basically' over every case with a
                      recorded satisfaction (its latest evaluation).
- closure_rate      = closed / (reports − cancelled), 办结率; closed means now `closed` or `evaluated`.
- requests_per_10k  = reports × 10,000 / population (the area's `population`; for the whole
                      generation, the sum over its top-level areas).
- avg_hours_to_close, p90_hours_to_close = mean and 90th percentile (interpolated, percentile_cont)
                      of reported_at → first 'close' event, in hours, over the closed cases
                      (a case stored as closed without a 'close' event has no time and is left out).
- overdue           = open cases flagged overdue now by the `incident_overdue` view.
A rate whose denominator is zero (or a missing population) is null: "no cases", not 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from pydantic import Field, model_validator
from sqlalchemy.engine import Connection

from gisapp.boundaries.generations import active_generation
from gisapp.core.errors import N_, Text
from gisapp.core.validation import Day, Query, refuse_at, text

WHOLE = 0  # the area id that stands for the whole generation in `compute`


class KpiQuery(Query):
    """?area=CODE&from=&to=&drill=1: one area (default: the whole generation), local days, to excluded."""
    area: text(200) | None = None
    since: Day | None = Field(None, alias="from")
    until: Day | None = Field(None, alias="to")
    drill: bool = False

    @model_validator(mode="after")
    def _range(self) -> KpiQuery:
        if self.since and self.until and self.since >= self.until:
            raise refuse_at(KpiQuery, "to", Text(N_("must be after from (%(day)s)"), day=self.since.isoformat()),
                            self.until)
        return self


class UnknownArea(LookupError):
    """No area with that code in the generation (the API answers 404)."""


@dataclass(frozen=True)
class Kpi:
    name: str
    sql: str   # an aggregate over `f` (one row per case in scope) and `t` (the area: t.population)
    doc: str


def _count(where: str | None = None) -> str:
    return f"count(f.id) FILTER (WHERE {where})" if where else "count(f.id)"


def _rate(num: str, den: str) -> str:
    """num / den as a double, or null when den is 0: a rate of nothing is unknown, not 0 %."""
    return f"(({num})::float8 / nullif({den}, 0))"


_HOURS = "(extract(epoch FROM f.first_close - f.reported_at) / 3600)::float8"
_C = {
    "reports": _count(),
    "cancelled": _count("f.status = 'cancelled'"),
    "assigned": _count("f.reached_assigned"),
    "accepted_in_sla": _count("f.reached_assigned AND f.first_accept <= f.accept_due"),
    "closed": _count("f.closed"),
    "closed_in_sla": _count("f.closed AND f.first_close <= f.close_due"),
    "evaluated": _count("f.evaluated"),
    "satisfied": _count("f.evaluated AND f.satisfied"),
}

KPIS: tuple[Kpi, ...] = (
    Kpi("reports", _C["reports"], "reports in scope, every status"),
    Kpi("cancelled", _C["cancelled"], "reports cancelled (duplicates, invalid)"),
    Kpi("assigned", _C["assigned"], "cases that reached assigned (any event into a working state)"),
    Kpi("accepted_in_sla", _C["accepted_in_sla"], "assigned cases whose first accept was at or before accept_due"),
    Kpi("response_rate", _rate(_C["accepted_in_sla"], _C["assigned"]), "accepted_in_sla / assigned"),
    Kpi("closed", _C["closed"], "cases now closed or evaluated (办结)"),
    Kpi("closed_in_sla", _C["closed_in_sla"], "closed cases whose first close was at or before close_due"),
    Kpi("resolution_rate", _rate(_C["closed_in_sla"], _C["closed"]), "closed_in_sla / closed"),
    Kpi("evaluated", _C["evaluated"], "cases with a recorded satisfaction"),
    Kpi("satisfied", _C["satisfied"], "evaluated as satisfied or basically satisfied"),
    Kpi("satisfaction_rate", _rate(_C["satisfied"], _C["evaluated"]), "(satisfied + basically) / evaluated"),
    Kpi("closure_rate", _rate(_C["closed"], f"({_C['reports']} - {_C['cancelled']})"),
        "closed / (reports − cancelled), 办结率"),
    Kpi("population", "max(t.population)", "residents of the area (area.population)"),
    Kpi("requests_per_10k", f"({_C['reports']} * 10000.0 / nullif(max(t.population), 0))::float8",
        "reports × 10,000 / population"),
    Kpi("avg_hours_to_close", f"avg({_HOURS}) FILTER (WHERE f.closed)",
        "mean hours from reported_at to the first close, closed cases"),
    Kpi("p90_hours_to_close", f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {_HOURS}) FILTER (WHERE f.closed)",
        "90th percentile (percentile_cont) of those hours, closed cases"),
    Kpi("overdue", _count("f.overdue"), "open cases overdue now (incident_overdue view)"),
)
# One row per case in scope with the facts the formulas need. A case keeps the areas of the
# generation it was handled in; its chain is mapped to the asked generation by area code, so
# closed history still counts after the grids are redrawn (where the codes survive).
FACTS_SQL = """
    SELECT i.id, i.status, i.reported_at, i.accept_due, i.close_due, ch.area_ids,
           st.closed, i.satisfaction IS NOT NULL AS evaluated, coalesce(sat.satisfied, false) AS satisfied,
           ev.reached_assigned, ev.first_accept, ev.first_close,
           coalesce(o.overdue, false) AS overdue
    FROM incident i
    JOIN case_status st ON st.code = i.status
    LEFT JOIN satisfaction sat ON sat.code = i.satisfaction
    CROSS JOIN LATERAL (
        SELECT coalesce(bool_or(es.working), false) AS reached_assigned,
               min(e.at) FILTER (WHERE e.action = 'accept') AS first_accept,
               min(e.at) FILTER (WHERE e.action = 'close') AS first_close
        FROM incident_event e JOIN case_status es ON es.code = e.to_status WHERE e.incident_id = i.id) ev
    CROSS JOIN LATERAL (SELECT array_remove(gisapp_chain_in(i, :gen), NULL) AS area_ids) ch
    JOIN incident_overdue o ON o.id = i.id
    WHERE ch.area_ids <> '{}'
      AND i.reported_at >= coalesce(gisapp_day_start(CAST(:start AS date)), '-infinity')
      AND i.reported_at < coalesce(gisapp_day_start(CAST(:end AS date)), 'infinity')"""

# Each case counts for every area of its chain, and for WHOLE: one hash join does all areas at once.
KPI_SQL = sa.text(f"""
    WITH target AS (
        SELECT t.area_id,
               CASE WHEN t.area_id = {WHOLE} THEN (SELECT sum(population) FROM area
                                                   WHERE generation_id = :gen AND parent_id IS NULL)
                    ELSE a.population END AS population
        FROM unnest(CAST(:ids AS bigint[])) t(area_id) LEFT JOIN area a ON a.id = t.area_id
    ), fact AS ({FACTS_SQL}
    ), member AS (
        SELECT m.area_id, fact.* FROM fact
        CROSS JOIN LATERAL unnest(CAST({WHOLE} AS bigint) || fact.area_ids) m(area_id)
        WHERE m.area_id = ANY(CAST(:ids AS bigint[]))
    )
    SELECT t.area_id, {", ".join(f"{k.sql} AS {k.name}" for k in KPIS)}
    FROM target t LEFT JOIN member f ON f.area_id = t.area_id
    GROUP BY t.area_id""")

AREA_SQL = sa.text("""
    SELECT id, code, name, level::text AS level, population FROM area
    WHERE generation_id = :gen AND code = :code""")
CHILDREN_SQL = sa.text("""
    SELECT id, code, name, level::text AS level FROM area
    WHERE generation_id = :gen AND parent_id IS NOT DISTINCT FROM CAST(:parent AS bigint)
    ORDER BY level, code""")


def formulas() -> dict[str, str]:
    """KPI name → its one-line definition, for README, tooltips and exports."""
    return {k.name: k.doc for k in KPIS}


def compute(conn: Connection, area_ids: list[int], generation: int | None,
            start: date | None = None, end: date | None = None) -> dict[int, dict]:
    """KPIs for many areas in one query: area id (or WHOLE) → {kpi: value}."""
    rows = conn.execute(KPI_SQL, {"ids": list(area_ids), "gen": generation, "start": start, "end": end})
    out = {}
    for row in rows.mappings():
        values = dict(row)
        out[values.pop("area_id")] = values
    return out


def find_area(conn: Connection, code: str, generation: int | None) -> dict:
    row = conn.execute(AREA_SQL, {"gen": generation, "code": code}).mappings().first()
    if row is None:
        raise UnknownArea(Text(N_("no area %(code)r in generation %(generation)s"), code=code, generation=generation))
    return dict(row)


def area_kpis(conn: Connection, area: str | None = None, start: date | None = None, end: date | None = None,
              drill: bool = False, generation: int | None = None) -> dict:
    """{generation, area, from, to, kpis[, children]} for an area code (None: the whole generation).

    With drill, `children` lists the area's children (or the top-level areas), each with its KPIs.
    Raises UnknownArea for a code not in the generation, ValueError when start is not before end.
    """
    if start is not None and end is not None and start >= end:
        raise ValueError(f"the range is empty: from {start} is not before to {end}")
    gen = generation if generation is not None else active_generation(conn)
    found = find_area(conn, area, gen) if area is not None else None
    key = found["id"] if found else WHOLE
    children = []
    if drill:
        children = [dict(r) for r in conn.execute(CHILDREN_SQL, {"gen": gen, "parent": found and found["id"]})
                    .mappings()]
    values = compute(conn, [key, *(c["id"] for c in children)], gen, start, end)
    result = {
        "generation": gen,
        "area": {k: found[k] for k in ("code", "name", "level")} if found else None,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "kpis": values[key],
    }
    if drill:
        result["children"] = [{"code": c["code"], "name": c["name"], "level": c["level"],
                               "kpis": values[c["id"]]} for c in children]
    return result


def level_kpis(conn: Connection, level: str, start: date | None, end: date | None,
               generation: int | None = None) -> list[dict]:
    """Every area of one level with its parent and KPIs, by code (the assessment ranks these)."""
    gen = generation if generation is not None else active_generation(conn)
    areas = conn.execute(sa.text("""
        SELECT a.id, a.code, a.name, p.code AS parent_code, p.name AS parent_name
        FROM area a LEFT JOIN area p ON p.id = a.parent_id
        WHERE a.generation_id = :gen AND a.level = CAST(:level AS area_level)
        ORDER BY a.code"""), {"gen": gen, "level": level}).mappings().all()
    values = compute(conn, [a["id"] for a in areas], gen, start, end)
    return [{**{k: a[k] for k in ("code", "name", "parent_code", "parent_name")}, **values[a["id"]]}
            for a in areas]
