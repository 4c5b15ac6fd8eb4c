"""Work a case: thin Python over gisapp_transition() and the department functions in SQL.

The rules live in the database (transition table, guard trigger), so QGIS and psql obey
them too; this module turns their GS4xx errors into ApiErrors with the same status.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.engine import Connection

from gisapp.access.permissions import Who
from gisapp.access.privacy import redact_all
from gisapp.core.errors import ApiError, Text
from gisapp.core.refusals import REASONS, refusal
from gisapp.core.validation import Body, text
from gisapp.core.vocabulary import SATISFACTION_CODES, TASK_MOVES, TRANSITION_ACTIONS

from . import attachments
from .attachments import Files

MAX_NOTE = 4000


Note = text(MAX_NOTE)
Id = Annotated[int, Field(gt=0, lt=2**31)]


class ActionIn(Body):
    """One action on a case (POST /reports/<id>/events, the console's buttons)."""
    action: Literal[TRANSITION_ACTIONS]
    note: Note = ""
    satisfaction: Literal[SATISFACTION_CODES] | None = None   # for evaluate
    version: Id | None = None                                 # optimistic locking: the version you saw
    duplicate_of: Id | None = None                            # for merge
    attachments: Files | None = None


class CalloutIn(Body):
    """吹哨报到: call a department to a case (POST /reports/<id>/departments)."""
    department: text(50, min_length=1)
    note: Note = ""


class PlaceIn(Body):
    """Put an unlocated report on the map (the console: a click on the case's map)."""
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]


class TaskMoveIn(Body):
    """Move a department task on (POST /department-tasks/<id>)."""
    status: Literal[TASK_MOVES]
    note: Note = ""


@contextmanager
def database_rules() -> Iterator[None]:
    """Re-raise a rule the database refused (SQLSTATE GS404/GS409/GS422) as an ApiError."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        refused = refusal(exc)
        if refused is None:
            raise
        raise refused from None


BIGINT_MAX = 2**63 - 1


def _check_id(value: int, field: str = "id") -> None:
    if not 0 < value <= BIGINT_MAX:
        raise ApiError(404, [(field, Text(REASONS["no_case"], id=value) if field == "id"
                                  else Text(REASONS["no_task"], task=value))])


def _savepoint(conn: Connection):
    """Refused rules must not poison the caller's transaction."""
    return conn.begin_nested()


def transition(conn: Connection, incident_id: int, action: str, actor: str, note: str = "",
               version: int | None = None, satisfaction: str | None = None,
               duplicate_of: int | None = None, files: list[attachments.Attachment] = ()) -> int:
    """Apply one action, with any files attached to its event; returns the case's new version."""
    _check_id(incident_id)
    data = {k: v for k, v in (("satisfaction", satisfaction), ("duplicate_of", duplicate_of)) if v is not None}
    with database_rules(), _savepoint(conn):
        version = conn.scalar(sa.text("SELECT gisapp_transition(:i, :a, :who, :note, :v, CAST(:d AS jsonb))"),
                              {"i": incident_id, "a": action, "who": actor, "note": note or "", "v": version,
                               "d": json.dumps(data)})
        attachments.store(conn, incident_id, list(files))
    return version


def perform(conn: Connection, incident_id: int, command: ActionIn, actor: str, max_body_bytes: int) -> int:
    """Apply an action as the API and the console send it, as `actor` (the signed-in user's name, never
    a field of the request); returns the case's new version."""
    return transition(conn, incident_id, command.action, actor, command.note, command.version,
                      command.satisfaction if command.action == "evaluate" else None,
                      command.duplicate_of if command.action == "merge" else None,
                      attachments.decode(command.attachments, max_body_bytes))


def call_department(conn: Connection, incident_id: int, department: str, actor: str, note: str = "") -> int:
    """吹哨报到: returns the new department task's id."""
    _check_id(incident_id)
    with database_rules(), _savepoint(conn):
        return conn.scalar(sa.text("SELECT gisapp_call_department(:i, :d, :who, :note)"),
                           {"i": incident_id, "d": department, "who": actor, "note": note or ""})


def task_department(conn: Connection, task_id: int) -> str | None:
    """The department a task calls (a department user may move only its own)."""
    _check_id(task_id, "task")
    return conn.scalar(sa.text("SELECT department FROM department_task WHERE id = :t"), {"t": task_id})


def task_case(conn: Connection, task_id: int) -> int | None:
    """The case a department task belongs to (None: no such task)."""
    _check_id(task_id, "task")
    return conn.scalar(sa.text("SELECT incident_id FROM department_task WHERE id = :t"), {"t": task_id})


def move_own_task(conn: Connection, task_id: int, status: str, who: Who, note: str = "") -> None:
    """Move a task on as `who`: a department user only its own department's (another's is not found), the
    other roles that may move tasks any. The API, the console and the queue all go through here."""
    department = task_department(conn, task_id)
    if department is None or who.department not in (None, department):
        raise ApiError(404, [("task", Text(REASONS["no_task"], task=task_id))])
    update_task(conn, task_id, status, who.display, note)


def update_task(conn: Connection, task_id: int, status: str, actor: str, note: str = "") -> None:
    _check_id(task_id, "task")
    with database_rules(), _savepoint(conn):
        conn.execute(sa.text("SELECT gisapp_department_task(:t, :s, :who, :note)"),
                     {"t": task_id, "s": status, "who": actor, "note": note or ""})


def allowed_actions(conn: Connection, incident_id: int) -> list[str]:
    """What the console may offer for a case right now (the same list a refusal names)."""
    return list(conn.scalar(sa.text("SELECT gisapp_allowed_actions(:i)"), {"i": incident_id}) or [])


def last_event_id(conn: Connection, incident_id: int) -> int:
    """The newest event of a case (0 for none): whether anything happened to it since a panel was drawn."""
    return conn.scalar(sa.text("SELECT coalesce(max(id), 0) FROM incident_event WHERE incident_id = :i"),
                       {"i": incident_id})


def history(conn: Connection, incident_id: int, who: Who) -> list[dict]:
    """A case's events, oldest first, with their files; names masked for roles without personal data.
    `person`: a signed-in user wrote it; `system`: which system did (import, demo, boundary, database, api)."""
    files = attachments.by_event(conn, incident_id)
    return redact_all(({**r, "attachments": files.get(r["id"], [])} for r in conn.execute(sa.text("""
        SELECT id, at, actor, action, from_status, to_status, note, data, user_id, user_id IS NOT NULL AS person,
               CASE WHEN action = 'reassign' THEN 'boundary' WHEN actor IN ('import', 'demo') THEN actor
                    WHEN actor LIKE 'db:%' THEN 'database' WHEN actor LIKE 'api:%' THEN 'api' END AS system
        FROM incident_event WHERE incident_id = :i ORDER BY id"""), {"i": incident_id}).mappings()), who)


def place(conn: Connection, incident_id: int, lon: float, lat: float, actor: str) -> str:
    """An operator puts an unlocated report on the map. Returns its new status."""
    _check_id(incident_id)
    with database_rules(), _savepoint(conn):
        return conn.scalar(sa.text("SELECT gisapp_place(:i, :x, :y, :who)"),
                           {"i": incident_id, "x": lon, "y": lat, "who": actor})
