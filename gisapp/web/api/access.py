"""The access room over HTTP: the audit record (admins), and signed field links for a worker's phone."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from flask import Response, jsonify, request

from gisapp.access import audit, credentials
from gisapp.core.db import begin
from gisapp.core.settings import get_settings
from gisapp.core.validation import parse

from ..auth import acting, current_who
from . import bp
from .doc import takes
from .inputs import base_url, json_object


@bp.get("/audit")
@takes("audit.read", query=audit.AuditQuery)
def get_audit():
    """The audit record, newest first: logins, denials, user, token and boundary changes (?format=csv)."""
    query = parse(audit.AuditQuery, request.args.to_dict(), status=400)
    with begin() as conn:
        rows = audit.entries(conn, query)
    if query.format == "csv":
        out = io.StringIO()
        audit.write_csv(rows, out)
        return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=gisapp-audit.csv"})
    for r in rows:
        r["at"] = r["at"].isoformat()
    return jsonify({"count": len(rows), "items": rows})


@bp.post("/field-links")
@takes("links.create", body=credentials.FieldLinkIn, ok=201)
def post_field_link():
    """A signed, expiring link that opens one case or area of one worker's on their phone."""
    link = parse(credentials.FieldLinkIn, json_object())
    with acting() as conn:
        token, worker = credentials.field_link(conn, get_settings().secret_key, link)
        audit.record(conn, "link.field", current_who(), target=f"user {worker.name}",
                     detail={"case_id": link.case_id, "area_code": link.area_code, "hours": link.hours},
                     ip=request.remote_addr)
    expires = datetime.now(UTC) + timedelta(hours=link.hours)
    return jsonify({"url": f"{base_url()}/f/{token}", "worker": worker.name,
                    "expires_at": expires.isoformat(timespec="seconds")}), 201
