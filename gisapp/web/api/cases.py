"""Cases over HTTP, all /reports routes: intake, one case, the list, actions, history, department call-outs."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, jsonify, request

from gisapp.cases import attachments, intake, workflow
from gisapp.cases.read import CaseQuery, department_tasks, get_case, list_cases
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse

from . import bp
from .doc import takes
from .inputs import base_url, json_object


@bp.post("/reports")
@takes(body=intake.ReportIn, ok=201)
def create_report():
    """Report an incident: it is stored and assigned to its area (200 for a client_ref sent before)."""
    body = json_object()
    with begin() as conn:
        report = intake.ReportIn.check(body, intake.known_categories(conn), get_settings().timezone)
        new_id, created = intake.store(conn, report, actor=f"api:{request.remote_addr}")
        result = get_case(conn, new_id, base_url())
    return jsonify(result), 201 if created else 200


@bp.get("/reports/<int:incident_id>")
@takes()
def show_report(incident_id: int):
    """One case: where, what, its chain, owner level, deadline, handler and department tasks."""
    with begin() as conn:
        result = get_case(conn, incident_id, base_url())
    if result is None:
        raise ApiError(404, [("id", f"no report {incident_id}")])
    return jsonify(result)


@bp.post("/reports/<int:incident_id>/events")
@takes(body=workflow.ActionIn)
def post_event(incident_id: int):
    """Perform one action on a case; answers with the case and the actions now allowed."""
    command = parse(workflow.ActionIn, json_object())
    with begin() as conn:
        workflow.perform(conn, incident_id, command)
        result = get_case(conn, incident_id, base_url())
        result["allowed_actions"] = workflow.allowed_actions(conn, incident_id)
    return jsonify(result)


@bp.post("/reports/<int:incident_id>/departments")
@takes(body=workflow.CalloutIn, ok=201)
def post_callout(incident_id: int):
    """Call a department to a case owned at street or district level (吹哨报到)."""
    command = parse(workflow.CalloutIn, json_object())
    with begin() as conn:
        task = workflow.call_department(conn, incident_id, command.department, command.actor, command.note)
        tasks = department_tasks(conn, incident_id)
    return jsonify({"task_id": task, "tasks": tasks}), 201


@bp.post("/department-tasks/<int:task_id>")
@takes(body=workflow.TaskMoveIn)
def post_task(task_id: int):
    """Move a department task on: called → arrived → done."""
    command = parse(workflow.TaskMoveIn, json_object())
    with begin() as conn:
        workflow.update_task(conn, task_id, command.status, command.actor, command.note)
    return jsonify({"task_id": task_id, "status": command.status})


@bp.get("/reports")
@takes(query=CaseQuery)
def get_reports():
    """Cases matching the filters, newest first, a page at a time, with the total count."""
    query = parse(CaseQuery, request.args.to_dict(), status=400)
    with begin() as conn:
        total, items = list_cases(conn, query, base_url=base_url())
    return jsonify({"count": total, "page": query.page, "per_page": query.per_page, "items": items})


@bp.get("/attachments/<int:attachment_id>")
@takes(media="application/octet-stream")
def get_attachment(attachment_id: int):
    """One file attached to an event."""
    with begin() as conn:
        row = attachments.fetch(conn, attachment_id)
    if row is None:
        raise ApiError(404, [("id", f"no attachment {attachment_id}")])
    return Response(bytes(row["content"]), mimetype=row["content_type"], headers={
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(row['filename'])}",
        "ETag": row["sha256"], "X-Content-Type-Options": "nosniff"})


@bp.get("/reports/<int:incident_id>/events")
@takes()
def get_events(incident_id: int):
    """The case's history, oldest first, with links to its attachments."""
    with begin() as conn:
        if get_case(conn, incident_id) is None:
            raise ApiError(404, [("id", f"no report {incident_id}")])
        events = workflow.history(conn, incident_id)
    for e in events:
        e["at"] = e["at"].isoformat()
        for f in e["attachments"]:
            f["url"] = f"{base_url()}/api/v1/attachments/{f['id']}"
    return jsonify({"incident_id": incident_id, "events": events})
