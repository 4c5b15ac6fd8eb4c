"""Security review, part 5: inputs that once answered 500, each now a clear 4xx (or a page that says
what is wrong); and the size and type limits on bodies and uploads."""

from __future__ import annotations

import base64
import io
import json

import pytest
import sqlalchemy as sa
from PIL import Image

from gisapp.cases.attachments import MAX_FILES, file_limit
from gisapp.core.settings import get_settings

SURROGATES = ["\ud800", "\udfff", "a\udc80b", "\ud83d"]


def raw_json(client, path: str, text: str):
    """A body with lone surrogates escaped as JSON allows (\\udXXX), which Python's json module reads."""
    return client.post(path, data=text.encode("utf-8"), content_type="application/json")


@pytest.mark.parametrize("field", ["description", "client_ref", "category"])
@pytest.mark.parametrize("value", SURROGATES)
def test_lone_surrogates_in_report_text_are_422(client, first_micro_grid, field, value):
    body = {"category": "other", "lon": first_micro_grid["lon"], "lat": first_micro_grid["lat"], field: value}
    resp = raw_json(client, "/api/v1/reports", json.dumps(body))   # json.dumps escapes them: \ud800
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == field


@pytest.mark.parametrize("value", SURROGATES)
def test_lone_surrogates_in_a_note_and_a_filter_are_refused(client, value):
    case = 1
    resp = raw_json(client, f"/api/v1/reports/{case}/events", json.dumps({"action": "cancel", "note": value}))
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "note"


def test_a_surrogate_sent_as_bytes_in_a_query_is_read_as_a_replacement_character(client):
    assert client.get("/api/v1/reports?q=%ED%A0%80").status_code == 200


def test_an_attachment_data_url_without_a_comma_is_422(client, conn):
    case = conn.scalar(sa.text("SELECT min(id) FROM incident WHERE status = 'assigned'"))
    resp = client.post(f"/api/v1/reports/{case}/events", json={
        "action": "accept", "attachments": [{"filename": "a.jpg", "data": "data:image/jpeg;base64"}]})
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "attachments[0]"


@pytest.mark.parametrize("name", ["q", "area", "category"])
def test_a_nul_in_a_filter_is_400(client, name):
    resp = client.get("/api/v1/reports", query_string={name: "a\x00b"})
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == name


@pytest.mark.parametrize("z", ["inf", "-inf", "nan", "1e309"])
def test_an_impossible_zoom_is_400(client, z):
    resp = client.get(f"/api/v1/layers/grids?bbox=121.4,31.2,121.6,31.3&z={z}")
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == "z"


def test_a_nul_in_a_deep_link_and_the_end_of_time_in_a_filter_are_answered(client_as, client):
    operator = client_as("operator")
    assert operator.get("/?area=a%00b").status_code == 200
    assert client.get("/api/v1/reports?to=9999-12-31").status_code == 200
    assert client.get("/api/v1/audit?to=9999-12-31").status_code == 403   # an operator: not theirs
    assert client_as("admin").get("/api/v1/audit?to=9999-12-31").status_code == 200


def test_forged_callback_inputs_are_400_not_500(client):
    token_free = client   # a bearer client needs no CSRF token
    forged = {"output": "..cases-grid.rowData...cases-count.children..", "outputs": [
                  {"id": "cases-grid", "property": "rowData"}, {"id": "cases-count", "property": "children"}],
              "inputs": [{"id": "cases-status", "property": "value", "value": {"not": "a list"}}],
              "changedPropIds": ["cases-status.value"], "state": []}
    resp = token_free.post("/_dash-update-component", json=forged)
    assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] in ("request", "callback")


def test_any_body_over_the_limit_is_413_chunked_or_not(client):
    limit = get_settings().max_body_bytes
    big = b"{" + b" " * limit + b"}"
    assert client.post("/api/v1/reports", data=big, content_type="application/json").status_code == 413

    # As gunicorn hands a chunked body on: no length, the stream ends where the body does.
    chunked = client.post("/api/v1/reports", input_stream=io.BytesIO(big), content_type="application/json",
                          headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert chunked.status_code == 413 and chunked.get_json()["errors"][0]["field"] == "body"


def _photo(size=(64, 48), exif_gps=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "SecretCam"          # Make
        exif[0x8825] = {2: (31.0, 14.0, 20.0)}   # GPS latitude
    image.save(out, "JPEG", exif=exif)
    return out.getvalue() + b"<script>alert(1)</script>"   # something appended after the image


def test_photos_are_re_encoded_without_metadata_or_anything_appended(client, conn):
    case = conn.scalar(sa.text("SELECT min(id) FROM incident WHERE status = 'assigned'"))
    data = base64.b64encode(_photo()).decode()
    resp = client.post(f"/api/v1/reports/{case}/events", json={
        "action": "accept", "attachments": [{"filename": "现场\x07../../etc.jpg", "data": data}]})
    assert resp.status_code == 200
    stored = conn.execute(sa.text("SELECT filename, content FROM attachment WHERE incident_id = :i"),
                          {"i": case}).one()
    content = bytes(stored.content)
    assert b"SecretCam" not in content and b"<script>" not in content
    assert Image.open(io.BytesIO(content)).size == (64, 48)
    assert stored.filename == "现场.._.._etc.jpg"


def test_a_damaged_photo_or_a_pixel_bomb_is_422(client, conn):
    case = conn.scalar(sa.text("SELECT min(id) FROM incident WHERE status = 'assigned'"))
    broken = b"\xff\xd8\xff\xe0" + b"\x00" * 200
    bomb = io.BytesIO()
    Image.new("1", (9000, 9000)).save(bomb, "PNG")   # 81 MP, a few kilobytes
    for content in (broken, bomb.getvalue()):
        resp = client.post(f"/api/v1/reports/{case}/events", json={
            "action": "accept", "attachments": [{"filename": "x", "data": base64.b64encode(content).decode()}]})
        assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "attachments[0]"
    assert conn.scalar(sa.text("SELECT count(*) FROM attachment WHERE incident_id = :i"), {"i": case}) == 0


def test_the_attachment_limits_fit_the_body_limit():
    body = get_settings().max_body_bytes
    largest = file_limit(body)
    request = json.dumps({"action": "feedback", "note": "x" * 4000, "attachments": [
        {"filename": "f" * 200, "data": "A" * (4 * -(-largest // 3))} for _ in range(MAX_FILES)]})
    assert len(request.encode()) <= body < len(request.encode()) + 70_000


def test_a_pdf_is_only_ever_a_download_in_a_sandbox(client, conn):
    case = conn.scalar(sa.text("SELECT min(id) FROM incident WHERE status = 'assigned'"))
    pdf = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF"
    client.post(f"/api/v1/reports/{case}/events", json={
        "action": "accept", "attachments": [{"filename": "a.pdf", "data": base64.b64encode(pdf).decode()}]})
    attachment = conn.scalar(sa.text("SELECT id FROM attachment WHERE incident_id = :i"), {"i": case})
    resp = client.get(f"/api/v1/attachments/{attachment}")
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in resp.headers["Content-Security-Policy"] and resp.headers["X-Content-Type-Options"] == "nosniff"


def test_the_consoles_date_filter_takes_the_end_of_time(client):
    """/cases: an end date of 9999-12-31 in the date picker lists cases (it once answered 500)."""
    values = {"cases-status.value": None, "cases-category.value": None, "cases-level.value": None,
              "cases-area.value": "", "cases-dates.start_date": "2020-01-01", "cases-dates.end_date": "9999-12-31",
              "cases-text.value": "", "cases-overdue.value": [], "case-refresh.data": 0, "cases-poll.n_intervals": 0}
    inputs = [{"id": key.split(".")[0], "property": key.split(".")[1], "value": value} for key, value in values.items()]
    resp = client.post("/_dash-update-component", json={
        "output": "..cases-grid.rowData...cases-count.children..",
        "outputs": [{"id": "cases-grid", "property": "rowData"}, {"id": "cases-count", "property": "children"}],
        "inputs": inputs, "state": [], "changedPropIds": ["cases-dates.end_date"]})
    assert resp.status_code == 200
    assert "个事件" in resp.get_json()["response"]["cases-count"]["children"]
