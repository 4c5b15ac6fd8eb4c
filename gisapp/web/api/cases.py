"""Cases over HTTP, all /reports routes: intake, one case, the list, actions, history, department call-outs.

The actor of every change is the signed-in user (or the token's user), never a field of the request.
A case outside the caller's scope (a worker's area, a department's call-outs) answers 404, as if it
did not exist.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, jsonify, request
from flask_babel import gettext as _

from gisapp.cases import attachments, intake, workflow
from gisapp.cases.read import CaseQuery, department_tasks, get_case, list_cases, visible
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse

from ..auth import acting, current_who
from ..limits import limited
from . import bp
from .doc import takes
from .inputs import base_url, json_object


def _no_case(incident_id: int) -> ApiError:
    return ApiError(404, [("id", _("no report %(id)s", id=incident_id))])


@bp.post("/reports")
@takes("cases.report", body=intake.ReportIn, ok=201)
@limited("report_limit", "sender", "address")
def create_report():
    """Report an incident: it is stored and assigned to its area (200 for a client_ref you sent before)."""
    body = json_object()
    who = current_who()
    with acting() as conn:
        report = intake.ReportIn.check(body, intake.known_categories(conn), get_settings().timezone)
        new_id, created = intake.store(conn, report, actor=who.display, reported_by=who.user_id)
        result = get_case(conn, new_id, base_url(), who=who)
    if result is None:   # a worker reporting outside their own area: stored, and theirs to see no further
        return jsonify({"id": new_id}), 201 if created else 200
    return jsonify(result), 201 if created else 200


@bp.get("/reports/<int:incident_id>")
@takes("cases.read")
def show_report(incident_id: int):
    """One case: where, what, its chain, owner level, deadline, handler and department tasks."""
    with begin() as conn:
        result = get_case(conn, incident_id, base_url(), who=current_who())
    if result is None:
        raise _no_case(incident_id)
    return jsonify(result)


@bp.post("/reports/<int:incident_id>/events")
@takes("cases.act", body=workflow.ActionIn)
def post_event(incident_id: int):
    """Perform one action on a case; answers with the case and the actions now allowed."""
    command = parse(workflow.ActionIn, json_object())
    who = current_who()
    with acting() as conn:
        if not visible(conn, incident_id, who):
            raise _no_case(incident_id)
        workflow.perform(conn, incident_id, command, who.display, get_settings().max_body_bytes)
        result = get_case(conn, incident_id, base_url(), who=who)
        result["allowed_actions"] = workflow.allowed_actions(conn, incident_id)
    return jsonify(result)


@bp.post("/reports/<int:incident_id>/departments")
@takes("cases.call_out", body=workflow.CalloutIn, ok=201)
def post_callout(incident_id: int):
    """Call a department to a case owned at street or district level (吹哨报到)."""
    command = parse(workflow.CalloutIn, json_object())
    who = current_who()
    with acting() as conn:
        if not visible(conn, incident_id, who):
            raise _no_case(incident_id)
        task = workflow.call_department(conn, incident_id, command.department, who.display, command.note)
        tasks = department_tasks(conn, incident_id, who)
    return jsonify({"task_id": task, "tasks": tasks}), 201


@bp.post("/department-tasks/<int:task_id>")
@takes("tasks.move", body=workflow.TaskMoveIn)
def post_task(task_id: int):
    """Move a department task on: called → arrived → done (a department, only its own tasks)."""
    command = parse(workflow.TaskMoveIn, json_object())
    who = current_who()
    with acting() as conn:
        workflow.move_own_task(conn, task_id, command.status, who, command.note)
    return jsonify({"task_id": task_id, "status": command.status})


@bp.get("/reports")
@takes("cases.read", query=CaseQuery)
def get_reports():
    """Cases matching the filters, newest first, a page at a time, with the total count."""
    query = parse(CaseQuery, request.args.to_dict(), status=400)
    with begin() as conn:
        total, items = list_cases(conn, query, who=current_who(), base_url=base_url())
    return jsonify({"count": total, "page": query.page, "per_page": query.per_page, "items": items})


@bp.get("/attachments/<int:attachment_id>")
@takes("cases.read", media="application/octet-stream")
def get_attachment(attachment_id: int):
    """One file attached to an event, as a download (never shown inline, never run)."""
    with begin() as conn:
        row = attachments.fetch(conn, attachment_id)
        if row is not None and not visible(conn, row["incident_id"], current_who()):
            row = None
    if row is None:
        raise ApiError(404, [("id", _("no attachment %(id)s", id=attachment_id))])
    return Response(bytes(row["content"]), mimetype=row["content_type"], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row['filename'])}",
        "Content-Security-Policy": "default-src 'none'; sandbox", "ETag": row["sha256"],
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@bp.get("/reports/<int:incident_id>/events")
@takes("cases.read")
def get_events(incident_id: int):
    """The case's history, oldest first, with links to its attachments."""
    who = current_who()
    with begin() as conn:
        if not visible(conn, incident_id, who):
            raise _no_case(incident_id)
        events = workflow.history(conn, incident_id, who)
    for e in events:
        e["at"] = e["at"].isoformat()
        for f in e["attachments"]:
            f["url"] = f"{base_url()}/api/v1/attachments/{f['id']}"
    return jsonify({"incident_id": incident_id, "events": events})
