"""Working cases over HTTP: POST /reports/<id>/events, GET /reports, department call-outs."""

from __future__ import annotations

import json

import pytest


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def case(client, last_micro_grid):
    p = last_micro_grid
    return post(client, "/api/v1/reports", {"lon": p["lon"], "lat": p["lat"], "category": "road"}).get_json()


def event(client, case_id, **body):
    return post(client, f"/api/v1/reports/{case_id}/events", body)


def test_accept_returns_the_case_with_new_status_version_and_owner(client, case):
    resp = event(client, case["id"], action="accept", version=case["version"])
    body = resp.get_json()
    assert resp.status_code == 200 and body["status"] == "accepted" and body["version"] == case["version"] + 1
    assert body["owner_level"] == "micro_grid" and body["allowed_actions"] == ["cancel", "merge", "start", "escalate"]
    assert body["handler"]["area"] == case["assignment"]["micro_grid"]["code"] and body["handler"]["name"]


def test_a_refused_transition_is_409_naming_the_allowed_ones(client, case):
    resp = event(client, case["id"], action="close")
    assert resp.status_code == 409
    error = resp.get_json()["errors"][0]
    assert error["code"] == "not_allowed" and error["field"] == "action"
    assert "allowed: Accept, Cancel, Merge as duplicate, Escalate" in error["message"]


@pytest.mark.parametrize("body,field", [({"action": "fly"}, "action"),
                                        ({"action": "accept", "actor": "someone else"}, "actor"),   # never from a body
                                        ({"action": "evaluate", "satisfaction": "meh"}, "satisfaction"),
                                        ({"action": "accept", "version": "7"}, "version"),
                                        ({"action": "accept", "colour": 1}, "colour")])
def test_bad_event_bodies_are_422(client, case, body, field):
    resp = event(client, case["id"], **body)
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == field


def test_two_people_at_once_one_wins_the_other_is_told(client, case):
    first = event(client, case["id"], action="accept", version=case["version"])
    second = event(client, case["id"], action="accept", version=case["version"])
    assert first.status_code == 200 and second.status_code == 409
    assert second.get_json()["errors"][0]["field"] == "version"


def test_unknown_case_is_404(client):
    assert event(client, 999999999, action="accept").status_code == 404


def test_department_call_out_loop(client, case):
    assert post(client, f"/api/v1/reports/{case['id']}/departments",
                {"department": "power"}).status_code == 409
    for _ in range(3):
        assert event(client, case["id"], action="escalate", note="整栋停电").status_code == 200
    resp = post(client, f"/api/v1/reports/{case['id']}/departments", {"department": "power"})
    assert resp.status_code == 201 and resp.get_json()["tasks"][0]["status"] == "called"
    task = resp.get_json()["task_id"]
    assert post(client, f"/api/v1/department-tasks/{task}", {"status": "done"}).status_code == 409
    assert post(client, f"/api/v1/department-tasks/{task}", {"status": "arrived", "actor": "供电"}).status_code == 422
    assert post(client, f"/api/v1/department-tasks/{task}", {"status": "arrived"}).status_code == 200
    assert post(client, f"/api/v1/department-tasks/{task}", {"status": "done"}).status_code == 200
    assert post(client, f"/api/v1/department-tasks/{task}", {"status": "arrived"}).status_code == 409
    huge = "/api/v1/department-tasks/99999999999999999999"
    assert post(client, huge, {"status": "arrived"}).status_code == 404
    assert client.get(f"/api/v1/reports/{case['id']}").get_json()["department_tasks"][0]["status"] == "done"
    assert post(client, f"/api/v1/reports/{case['id']}/departments",
                {"department": "nasa"}).status_code == 422


def test_merged_report_points_its_reporter_at_the_original(client, case):
    dup = post(client, "/api/v1/reports", {"lon": case["lon"], "lat": case["lat"], "category": "road"}).get_json()
    assert dup["possible_duplicate_of"] == case["id"]
    merged = event(client, dup["id"], action="merge", duplicate_of=case["id"]).get_json()
    assert merged["status"] == "cancelled" and merged["links"]["follow"].endswith(f"/api/v1/reports/{case['id']}")


def test_list_filters_and_pages(client, case, sql):
    body = client.get("/api/v1/reports?status=assigned&per_page=5").get_json()
    total = sql("SELECT count(*) AS n FROM incident WHERE status = 'assigned'")[0]["n"]
    assert body["count"] == total and len(body["items"]) == min(5, total)
    assert all(i["status"] == "assigned" for i in body["items"])
    grid = case["assignment"]["grid"]["code"]
    in_grid = client.get(f"/api/v1/reports?area={grid}&per_page=500").get_json()
    assert case["id"] in [i["id"] for i in in_grid["items"]]
    assert all(i["assignment"]["grid"]["code"] == grid for i in in_grid["items"])
    overdue = client.get("/api/v1/reports?overdue=true&per_page=500").get_json()
    assert overdue["count"] > 0 and all(i["overdue"] for i in overdue["items"])
    streets = client.get("/api/v1/reports?level=street").get_json()["items"]
    assert streets and all(i["owner_level"] == "street" for i in streets)
    for bad in ("status=flying", "from=yesterday", "per_page=0", "overdue=maybe", "page=x", "level=moon"):
        assert client.get(f"/api/v1/reports?{bad}").status_code == 400


PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def test_feedback_with_a_photo_is_kept_on_its_event(client, case):
    for action in ("accept", "start"):
        event(client, case["id"], action=action)
    resp = event(client, case["id"], action="feedback", note="已疏通",
                 attachments=[{"filename": "现场照片.png", "data": "data:image/png;base64," + PNG}])
    assert resp.status_code == 200
    history = client.get(f"/api/v1/reports/{case['id']}/events").get_json()["events"]
    feedback = [e for e in history if e["action"] == "feedback"][0]
    assert [f["filename"] for f in feedback["attachments"]] == ["现场照片.png"]
    photo = client.get(feedback["attachments"][0]["url"].split("localhost", 1)[-1])
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("files,words", [
    ([{"filename": "x.exe", "data": "TVqQAAMAAAAEAAAA"}], "JPEG, PNG or WebP"),
    ([{"filename": "x.png", "data": "not base64!"}], "base64"),
    ([{"filename": "x.png"}], "{filename, data}"),
    ([{"filename": "a.png", "data": PNG}] * 4, "at most 3"),
])
def test_bad_attachments_are_422_and_nothing_is_stored(client, case, sql, files, words):
    resp = event(client, case["id"], action="accept", attachments=files)
    assert resp.status_code == 422 and words in resp.get_json()["errors"][0]["message"]
    assert sql("SELECT status FROM incident WHERE id = :i", i=case["id"])[0]["status"] == "assigned"


def test_unknown_attachment_and_history_are_404(client):
    assert client.get("/api/v1/attachments/999999999").status_code == 404
    assert client.get("/api/v1/reports/999999999/events").status_code == 404


def test_huge_ids_are_404_not_500(client):
    big = 2**64
    assert event(client, big, action="accept").status_code == 404
    assert post(client, f"/api/v1/reports/{big}/departments", {"department": "power"}).status_code == 404


def test_a_refusal_is_said_in_the_language_the_client_asks_for(client, case):
    """Accept-Language picks the message's language; English without one; field and code stay."""
    asked = {}
    for language in (None, "zh-CN,zh;q=0.9", "fr, en;q=0.5"):
        headers = {"Accept-Language": language} if language else {}
        resp = client.post(f"/api/v1/reports/{case['id']}/events", data=json.dumps({"action": "cancel"}),
                           content_type="application/json", headers=headers)
        assert resp.status_code == 422
        error = resp.get_json()["errors"][0]
        assert (error["field"], error["code"]) == ("note", "reason_required")
        asked[language] = error["message"]
    assert asked[None] == asked["fr, en;q=0.5"] == "a reason is required"
    assert asked["zh-CN,zh;q=0.9"] == "必须填写理由"


def test_validation_messages_are_said_in_chinese_too(client, case):
    resp = client.post(f"/api/v1/reports/{case['id']}/events", data=json.dumps({"action": "evaluate", "x": 1}),
                       content_type="application/json", headers={"Accept-Language": "zh-CN"})
    assert resp.status_code == 422
    assert {e["field"]: e["message"] for e in resp.get_json()["errors"]} == {"x": "未知字段"}
