"""The audit record: logins, denials, user and role changes, tokens, boundary changes. Append-only.

Case history has its own record (incident_event); both refuse UPDATE and DELETE to the app's role.
"""

from __future__ import annotations

import csv
import json
from typing import IO, Annotated, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from gisapp.core.validation import Day, Query, Whole, text

from .permissions import Who


def act_as(conn: Connection, who: Who, ip: str | None = None) -> None:
    """Name the acting user for the database's triggers (case history, the audit of boundary changes)
    for the rest of this transaction."""
    conn.execute(sa.text("SELECT set_config('gisapp.user_id', :u, true), set_config('gisapp.actor', :a, true), "
                         "set_config('gisapp.ip', :ip, true)"),
                 {"u": "" if who.user_id is None else str(who.user_id), "a": who.display, "ip": ip or ""})


def record(conn: Connection, action: str, who: Who | None = None, *, actor: str | None = None, target: str = "",
           detail: dict | None = None, ip: str | None = None) -> None:
    conn.execute(sa.text("""
        INSERT INTO audit_log (user_id, actor, action, target, detail, ip)
        VALUES (:u, :a, :action, :t, CAST(:d AS jsonb), CAST(:ip AS inet))"""),
                 {"u": who.user_id if who else None, "a": actor or (who.name if who else "anonymous"),
                  "action": action, "t": target[:500], "d": json.dumps(detail or {}, ensure_ascii=False),
                  "ip": ip or None})


class AuditQuery(Query):
    """Filters of the audit record: who, what, from a local day up to one (excluded)."""
    actor: text(100) | None = None
    action: text(60) | None = None
    since: Day | None = Field(None, alias="from")
    until: Day | None = Field(None, alias="to")
    limit: Annotated[Whole, Field(ge=1, le=10_000)] = 500
    format: Literal["json", "csv"] = "json"


def entries(conn: Connection, query: AuditQuery) -> list[dict]:
    rows = conn.execute(sa.text("""
        SELECT id, at, actor, action, target, detail, host(ip) AS ip FROM audit_log
        WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)
          AND (CAST(:action AS text) IS NULL OR action LIKE :action || '%')
          AND (CAST(:since AS date) IS NULL OR at >= gisapp_day_start(CAST(:since AS date)))
          AND (CAST(:until AS date) IS NULL OR at < gisapp_day_start(CAST(:until AS date)))
        ORDER BY id DESC LIMIT :limit"""), query.model_dump(exclude={"format"})).mappings()
    return [dict(r) for r in rows]


def write_csv(rows: list[dict], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "target", "ip", "detail"])
    for r in rows:
        writer.writerow([r["id"], r["at"].isoformat(), r["actor"], r["action"], r["target"], r["ip"] or "",
                         json.dumps(r["detail"], ensure_ascii=False)])
