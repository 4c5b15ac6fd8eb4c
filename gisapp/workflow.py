"""Work a case: thin Python over gisapp_transition() and the department functions in SQL.

The rules live in the database (transition table, guard trigger), so QGIS and psql obey
them too; this module turns their GS4xx errors into ApiErrors with the same status.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import attachments
from .errors import ApiError

ACTIONS = ("accept", "start", "feedback", "verify", "reject", "close", "evaluate", "reopen", "cancel",
           "escalate", "deescalate", "merge", "keep")
SATISFACTION = ("satisfied", "basically", "unsatisfied")
TASK_STATES = ("arrived", "done")


@contextmanager
def database_rules() -> Iterator[None]:
    """Re-raise a rule the database refused (SQLSTATE GS404/GS409/GS422) as an ApiError."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None) or ""
        if not state.startswith("GS"):
            raise
        diag = exc.orig.diag
        raise ApiError(int(state[2:]), [(diag.message_hint or "action", diag.message_primary)]) from None


def _savepoint(conn: Connection):
    """Refused rules must not poison the caller's transaction."""
    return conn.begin_nested()


def transition(conn: Connection, incident_id: int, action: str, actor: str, note: str = "",
               version: int | None = None, satisfaction: str | None = None,
               duplicate_of: int | None = None, files: list[attachments.Attachment] = ()) -> int:
    """Apply one action, with any files attached to its event; returns the case's new version."""
    data = {k: v for k, v in (("satisfaction", satisfaction), ("duplicate_of", duplicate_of)) if v is not None}
    with database_rules(), _savepoint(conn):
        version = conn.scalar(sa.text("SELECT gisapp_transition(:i, :a, :who, :note, :v, CAST(:d AS jsonb))"),
                              {"i": incident_id, "a": action, "who": actor, "note": note or "", "v": version,
                               "d": json.dumps(data)})
        attachments.store(conn, incident_id, list(files))
    return version


def call_department(conn: Connection, incident_id: int, department: str, actor: str, note: str = "") -> int:
    """吹哨报到: returns the new department task's id."""
    with database_rules(), _savepoint(conn):
        return conn.scalar(sa.text("SELECT gisapp_call_department(:i, :d, :who, :note)"),
                           {"i": incident_id, "d": department, "who": actor, "note": note or ""})


def update_task(conn: Connection, task_id: int, status: str, actor: str, note: str = "") -> None:
    with database_rules(), _savepoint(conn):
        conn.execute(sa.text("SELECT gisapp_department_task(:t, :s, :who, :note)"),
                     {"t": task_id, "s": status, "who": actor, "note": note or ""})


def allowed_actions(conn: Connection, incident_id: int) -> list[str]:
    """What the console may offer for a case right now (the table's actions plus escalation)."""
    row = conn.execute(sa.text("""
        SELECT i.status, i.owner_level, gisapp_base_level(i) AS base, i.possible_duplicate_of,
               (SELECT array_agg(t.action ORDER BY t.action) FROM transition t WHERE t.from_status = i.status) AS actions
        FROM incident i WHERE i.id = :i"""), {"i": incident_id}).mappings().first()
    if row is None:
        return []
    actions = list(row["actions"] or [])
    if row["owner_level"] and row["status"] not in ("closed", "evaluated", "cancelled"):
        if row["owner_level"] != "district":
            actions.append("escalate")
        if row["base"] and row["owner_level"] != row["base"]:
            actions.append("deescalate")
    if row["possible_duplicate_of"] is not None:
        actions.append("keep")
    return actions


def timeline(conn: Connection, incident_id: int) -> list[dict]:
    files = attachments.by_event(conn, incident_id)
    return [{**r, "attachments": files.get(r["id"], [])} for r in conn.execute(sa.text("""
        SELECT id, at, actor, action, from_status, to_status, note, data
        FROM incident_event WHERE incident_id = :i ORDER BY id"""), {"i": incident_id}).mappings()]


def department_tasks(conn: Connection, incident_id: int) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.text("""
        SELECT t.id, t.department, d.name_zh, d.name_en, t.status, t.called_at, t.arrived_at, t.done_at, t.called_by
        FROM department_task t JOIN department d ON d.code = t.department
        WHERE t.incident_id = :i ORDER BY t.id"""), {"i": incident_id}).mappings()]


def place(conn: Connection, incident_id: int, lon: float, lat: float, actor: str) -> str:
    """An operator puts a report on the map; the assignment trigger does the rest. Returns its status."""
    with database_rules(), _savepoint(conn):
        conn.execute(sa.text("SELECT set_config('gisapp.actor', :who, true), set_config('gisapp.action', 'place', true)"),
                     {"who": actor})
        found = conn.scalar(sa.text("""
            UPDATE incident SET geom = ST_SetSRID(ST_MakePoint(:x, :y), 4326) WHERE id = :i RETURNING status"""),
            {"i": incident_id, "x": lon, "y": lat})
        conn.execute(sa.text("SELECT set_config('gisapp.action', '', true)"))
    if found is None:
        raise ApiError(404, [("id", f"no case {incident_id}")])
    return found
