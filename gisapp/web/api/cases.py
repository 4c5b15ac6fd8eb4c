"""Cases over HTTP, all /reports routes: intake, one case, the list, actions, history, department call-outs."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, jsonify, request

from gisapp.cases import attachments, intake, workflow
from gisapp.cases.read import department_tasks, get_report, list_reports
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.vocabulary import LEVEL_CODES, SATISFACTION_CODES, STATUS_CODES, TASK_MOVES, TRANSITION_ACTIONS

from . import bp
from .inputs import base_url, json_object, query_date

MAX_NOTE = 4000


@bp.post("/reports")
def create_report():
    body = json_object()
    with begin() as conn:
        report = intake.validate(body, intake.known_categories(conn), get_settings().timezone)
        new_id, created = intake.store(conn, report, actor=f"api:{request.remote_addr}")
        result = get_report(conn, new_id, base_url())
    return jsonify(result), 201 if created else 200


@bp.get("/reports/<int:incident_id>")
def show_report(incident_id: int):
    with begin() as conn:
        result = get_report(conn, incident_id, base_url())
    if result is None:
        raise ApiError(404, [("id", f"no report {incident_id}")])
    return jsonify(result)


def _text(body: dict, field: str, required: bool = False, limit: int = MAX_NOTE) -> str:
    value = body.get(field)
    if value is None:
        if required:
            raise ApiError(422, [(field, "is required")])
        return ""
    if not isinstance(value, str) or "\x00" in value or len(value) > limit or (required and not value.strip()):
        raise ApiError(422, [(field, f"must be {'a non-empty' if required else 'a'} string of at most "
                                     f"{limit} characters")])
    return value


def _int(body: dict, field: str) -> int | None:
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ApiError(422, [(field, "must be a positive integer")])
    return value


@bp.post("/reports/<int:incident_id>/events")
def post_event(incident_id: int):
    """Perform one action. Until users land, the acting person is the `actor` field."""
    body = json_object()
    action = body.get("action")
    if action not in TRANSITION_ACTIONS:
        raise ApiError(422, [("action", f"must be one of {', '.join(TRANSITION_ACTIONS)}")])
    satisfaction = body.get("satisfaction")
    if satisfaction is not None and satisfaction not in SATISFACTION_CODES:
        raise ApiError(422, [("satisfaction", f"must be one of {', '.join(SATISFACTION_CODES)}")])
    unknown = sorted(set(body) - {"action", "actor", "note", "satisfaction", "version", "duplicate_of",
                                  "attachments"})
    if unknown:
        raise ApiError(422, [(k, "unknown field") for k in unknown])
    with begin() as conn:
        workflow.transition(conn, incident_id, action, _text(body, "actor", required=True, limit=200),
                            _text(body, "note"), _int(body, "version"), satisfaction, _int(body, "duplicate_of"),
                            attachments.decode(body.get("attachments")))
        result = get_report(conn, incident_id, base_url())
        result["allowed_actions"] = workflow.allowed_actions(conn, incident_id)
    return jsonify(result)


@bp.post("/reports/<int:incident_id>/departments")
def post_callout(incident_id: int):
    body = json_object()
    with begin() as conn:
        task = workflow.call_department(conn, incident_id, _text(body, "department", required=True, limit=50),
                                        _text(body, "actor", required=True, limit=200), _text(body, "note"))
        tasks = department_tasks(conn, incident_id)
    return jsonify({"task_id": task, "tasks": tasks}), 201


@bp.post("/department-tasks/<int:task_id>")
def post_task(task_id: int):
    body = json_object()
    status = body.get("status")
    if status not in TASK_MOVES:
        raise ApiError(422, [("status", f"must be one of {', '.join(TASK_MOVES)}")])
    with begin() as conn:
        workflow.update_task(conn, task_id, status, _text(body, "actor", required=True, limit=200),
                             _text(body, "note"))
    return jsonify({"task_id": task_id, "status": status})


def _page_arg(name: str, default: int, top: int) -> int:
    raw = request.args.get(name, str(default))
    if not (raw.isascii() and raw.isdecimal()) or not 1 <= int(raw) <= top:
        raise ApiError(400, [(name, f"must be a whole number from 1 to {top}")])
    return int(raw)


@bp.get("/reports")
def get_reports():
    statuses = [s for s in request.args.get("status", "").split(",") if s]
    bad = [s for s in statuses if s not in STATUS_CODES]
    if bad:
        raise ApiError(400, [("status", f"unknown status {bad[0]!r}; one of {', '.join(STATUS_CODES)}")])
    level = request.args.get("level") or None
    if level is not None and level not in LEVEL_CODES:
        raise ApiError(400, [("level", f"must be one of {', '.join(LEVEL_CODES)}")])
    overdue = request.args.get("overdue")
    if overdue not in (None, "", "true", "false", "1", "0"):
        raise ApiError(400, [("overdue", "must be true or false")])
    page, per_page = _page_arg("page", 1, 100000), _page_arg("per_page", 50, 500)
    with begin() as conn:
        total, items = list_reports(
            conn, status=statuses or None, area=request.args.get("area") or None,
            category=request.args.get("category") or None, level=level, since=query_date("from"),
            until=query_date("to"),
            overdue=None if not overdue else overdue in ("true", "1"), text=request.args.get("q") or None,
            limit=per_page, offset=(page - 1) * per_page, base_url=base_url())
    return jsonify({"count": total, "page": page, "per_page": per_page, "items": items})


@bp.get("/attachments/<int:attachment_id>")
def get_attachment(attachment_id: int):
    with begin() as conn:
        row = attachments.fetch(conn, attachment_id)
    if row is None:
        raise ApiError(404, [("id", f"no attachment {attachment_id}")])
    return Response(bytes(row["content"]), mimetype=row["content_type"], headers={
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(row['filename'])}",
        "ETag": row["sha256"], "X-Content-Type-Options": "nosniff"})


@bp.get("/reports/<int:incident_id>/events")
def get_events(incident_id: int):
    """The case's history, oldest first, with links to its attachments."""
    with begin() as conn:
        if get_report(conn, incident_id) is None:
            raise ApiError(404, [("id", f"no report {incident_id}")])
        events = workflow.timeline(conn, incident_id)
    for e in events:
        e["at"] = e["at"].isoformat()
        for f in e["attachments"]:
            f["url"] = f"{base_url()}/api/v1/attachments/{f['id']}"
    return jsonify({"incident_id": incident_id, "events": events})
