"""The numbers on the command-centre big screen, in one place.

`TILES` names each tile and where its value comes from: counts of today (local days, see
core/localtime.py) or the closed-loop KPIs of metrics.kpis over the last 30 days. Swapping a
formula means editing one entry here; the screen only renders what `tiles()` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.localtime import RECENT_DAYS, last_days

from . import kpis
from .assessment import rank, score
from .overview import summary


def N_(message: str) -> str:
    """Marks a msgid for pybabel; the screen translates it (this module has no request locale)."""
    return message


@dataclass(frozen=True)
class Tile:
    key: str
    label: str        # an English msgid; the screen translates it
    kind: str         # count | rate | number
    source: str       # "today": counts() below; "kpi": metrics.kpis over the last 30 days


TILES = (
    Tile("reported_today", N_("Reported today"), "count", "today"),
    Tile("open", N_("Open"), "count", "today"),
    Tile("overdue", N_("Overdue"), "count", "today"),
    Tile("closed_today", N_("Closed today"), "count", "today"),
    Tile("response_rate", N_("Response rate"), "rate", "kpi"),
    Tile("resolution_rate", N_("Resolution rate"), "rate", "kpi"),
    Tile("satisfaction_rate", N_("Satisfaction rate"), "rate", "kpi"),
    Tile("closure_rate", N_("Closure rate"), "rate", "kpi"),
    Tile("requests_per_10k", N_("Requests per 10,000 residents"), "number", "kpi"),
)


def counts(conn: Connection) -> dict[str, int]:
    """Today's counts; the local day is the database's (core/localtime.py). Open and overdue are the
    map's own numbers (overview.summary), so the wall and the map cannot disagree."""
    row = conn.execute(sa.text("""
        WITH day AS (SELECT gisapp_day_start(gisapp_today()) AS start)
        SELECT (SELECT count(*) FROM incident, day WHERE reported_at >= day.start) AS reported_today,
               (SELECT count(DISTINCT incident_id) FROM incident_event, day
                WHERE action = 'close' AND at >= day.start) AS closed_today""")).mappings().one()
    now = summary(conn)
    return {**row, "open": now["open"], "overdue": now["overdue"]}


def tiles(conn: Connection) -> list[dict]:
    """[{key, label, kind, value}] in screen order; each tile reads only its own source, so a KPI of the
    30-day window never stands in for a count of now (both have an "overdue")."""
    sources = {"today": counts(conn), "kpi": kpis.area_kpis(conn, None, *last_days(conn))["kpis"]}
    return [{"key": t.key, "label": t.label, "kind": t.kind, "value": sources[t.source].get(t.key)} for t in TILES]


def trend(conn: Connection, days: int = RECENT_DAYS) -> list[dict]:
    """Reported and closed per local day for the last `days` days, zero days included."""
    rows = conn.execute(sa.text("""
        WITH d AS (SELECT generate_series(gisapp_today() - (:days - 1), gisapp_today(), interval '1 day')::date AS day)
        SELECT d.day,
               (SELECT count(*) FROM incident i WHERE gisapp_local_date(i.reported_at) = d.day) AS reported,
               (SELECT count(DISTINCT e.incident_id) FROM incident_event e
                WHERE e.action = 'close' AND gisapp_local_date(e.at) = d.day) AS closed
        FROM d ORDER BY d.day"""), {"days": days}).mappings()
    return [dict(r) for r in rows]


def ranking(conn: Connection, level: str = "grid", limit: int = 10) -> list[dict]:
    """The assessment score (gisapp.metrics.assessment) over the last 30 days, best first."""
    rows = kpis.level_kpis(conn, level, *last_days(conn))
    for row in rows:
        row["score"] = score(row)
    return [r for r in rank(rows) if r["score"] is not None][:limit]


def checkpoints(conn: Connection) -> dict:
    rows = conn.execute(sa.text("""
        SELECT m.code, m.name, m.status, m.minutes_since_seen, gisapp_area_label(c.area_id) AS area_name
        FROM map_checkpoint m JOIN checkpoint c ON c.id = m.id
        ORDER BY m.status = 'offline' DESC, m.minutes_since_seen DESC NULLS FIRST, m.code""")).mappings().all()
    offline = [dict(r) for r in rows if r["status"] == "offline"]
    return {"online": len(rows) - len(offline), "offline": len(offline), "offline_list": offline}


def alerts(conn: Connection, limit: int = 8) -> list[dict]:
    """Open cases that are overdue or urgent: today's urgent reports first, then the longest overdue."""
    rows = conn.execute(sa.text("""
        SELECT i.id, i.urgent, coalesce(o.overdue, false) AS overdue, o.due, c.name_zh, c.name_en,
               gisapp_area_label(own.id) AS area_name
        FROM incident i JOIN case_status s ON s.code = i.status JOIN category c ON c.code = i.category
        LEFT JOIN incident_overdue o ON o.id = i.id
        LEFT JOIN area own ON own.id = gisapp_leaf_id(i)
        WHERE s.open AND (i.urgent OR o.overdue)
        ORDER BY (i.urgent AND i.reported_at > now() - interval '24 hours') DESC,
                 CASE WHEN i.urgent AND i.reported_at > now() - interval '24 hours' THEN i.id END DESC,
                 o.overdue DESC NULLS LAST, o.due NULLS LAST, i.id DESC LIMIT :limit"""), {"limit": limit}).mappings()
    return [dict(r) for r in rows]


def street_views(conn: Connection) -> list[dict]:
    """Each street's bounds, for the screen's rotating focus."""
    rows = conn.execute(sa.text("""
        SELECT code, name, ST_XMin(geom) w, ST_YMin(geom) s, ST_XMax(geom) e, ST_YMax(geom) n
        FROM map_area WHERE level = 'street' ORDER BY code""")).mappings()
    return [{"code": r["code"], "name": r["name"], "bounds": [[r["s"], r["w"]], [r["n"], r["e"]]]} for r in rows]
