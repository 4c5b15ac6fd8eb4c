"""POST /reports and GET /reports/<id>."""

from __future__ import annotations

from flask import jsonify, request

from gisapp.cases import intake
from gisapp.core.settings import get_settings
from gisapp.core.db import begin
from gisapp.core.errors import ApiError
from gisapp.cases.read import get_report
from . import bp
from .base import base_url, json_object


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
