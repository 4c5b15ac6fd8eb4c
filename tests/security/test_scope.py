"""Security review, part 3: what each person sees and may touch. A worker's area, a department's
call-outs, personal data masked for roles that do not need it, the actor always the signed-in user,
and a client_ref that belongs to its sender."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from fixtures.people import bearer, user_id

PHONE = "13812341234"


@pytest.fixture
def grids(conn, first_micro_grid, last_micro_grid):
    """The demo worker moved to the first micro-grid's grid; a new case there and one in the last grid."""
    conn.execute(sa.text("UPDATE app_user SET area_code = :c WHERE name = 'demo.worker'"),
                 {"c": first_micro_grid["grid_code"]})

    def case_at(point: dict) -> int:
        return conn.scalar(sa.text("""INSERT INTO incident (category, description, geom)
                                      VALUES ('other', 'scope test', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
                                      RETURNING id"""), point)
    return case_at(first_micro_grid), case_at(last_micro_grid)


def test_a_worker_sees_and_acts_on_the_cases_of_their_grid_only(client_as, grids):
    mine, theirs = grids
    worker = client_as("worker")
    assert worker.get(f"/api/v1/reports/{mine}").status_code == 200
    assert worker.get(f"/api/v1/reports/{theirs}").status_code == 404
    assert worker.get(f"/api/v1/reports/{theirs}/events").status_code == 404
    assert worker.post(f"/api/v1/reports/{theirs}/events", json={"action": "cancel", "note": "x"}).status_code == 404
    listed = worker.get("/api/v1/reports?per_page=500").get_json()
    assert mine in {c["id"] for c in listed["items"]} and theirs not in {c["id"] for c in listed["items"]}


def test_a_workers_scope_follows_the_area_code_into_a_new_generation(conn, client_as, grids, first_micro_grid):
    """Re-zoning keeps codes: a new generation with the same grid code, activated, still shows the case."""
    mine, _ = grids
    gen = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    conn.execute(sa.text("INSERT INTO generation (id) VALUES (:g)"), {"g": gen + 1})
    conn.execute(sa.text("""INSERT INTO area (generation_id, level, code, name, parent_id, population, households,
                                              responsible_name, responsible_phone, geom)
                            SELECT :g, level, code, name, NULL, population, households, responsible_name,
                                   responsible_phone, geom
                            FROM area WHERE generation_id = :old ORDER BY level"""), {"g": gen + 1, "old": gen})
    conn.execute(sa.text("""UPDATE area a SET parent_id = p2.id FROM area a1 JOIN area p1 ON p1.id = a1.parent_id
                            JOIN area p2 ON p2.code = p1.code AND p2.generation_id = :g
                            WHERE a.generation_id = :g AND a1.generation_id = :old AND a1.code = a.code"""),
                 {"g": gen + 1, "old": gen})
    conn.execute(sa.text("SELECT gisapp_activate_generation(:g)"), {"g": gen + 1})
    assert conn.scalar(sa.text("SELECT generation_id FROM incident WHERE id = :i"), {"i": mine}) == gen + 1
    assert client_as("worker").get(f"/api/v1/reports/{mine}").status_code == 200


def test_a_department_sees_only_its_call_outs_and_moves_only_its_own_tasks(conn, client_as, client, grids):
    case, other = grids
    for incident in (case, other):
        conn.execute(sa.text("UPDATE incident SET owner_level = 'street' WHERE id = :i"), {"i": incident})
    def call(incident: int, department: str) -> int:
        answer = client.post(f"/api/v1/reports/{incident}/departments", json={"department": department})
        return answer.get_json()["task_id"]
    mine, theirs = call(case, "city_management"), call(other, "power")
    conn.execute(sa.text("UPDATE app_user SET department = 'city_management' WHERE name = 'demo.department'"))
    department = client_as("department")
    assert department.get(f"/api/v1/reports/{case}").status_code == 200
    assert department.get(f"/api/v1/reports/{other}").status_code == 404
    listed = {c["id"] for c in department.get("/api/v1/reports?per_page=500").get_json()["items"]}
    assert case in listed and other not in listed     # (browser tests may have committed call-outs of their own)
    assert department.post(f"/api/v1/department-tasks/{theirs}", json={"status": "arrived"}).status_code == 404
    assert department.post(f"/api/v1/department-tasks/{mine}", json={"status": "arrived"}).status_code == 200
    assert department.post(f"/api/v1/reports/{case}/events", json={"action": "accept"}).status_code == 403


def _set_phone(conn, first_micro_grid):
    conn.execute(sa.text("UPDATE area SET responsible_name = '王小明', responsible_phone = :p WHERE code = :c"),
                 {"p": PHONE, "c": first_micro_grid["code"]})


@pytest.mark.parametrize("role, masked", [("operator", False), ("worker", False), ("planner", True),
                                          ("viewer", True)])
def test_names_and_phones_are_shown_only_to_roles_that_need_them(conn, client_as, first_micro_grid, role, masked):
    _set_phone(conn, first_micro_grid)
    client = client_as(role)
    areas = client.get("/api/v1/areas?level=micro_grid").get_json()["areas"]
    area = next(a for a in areas if a["code"] == first_micro_grid["code"])
    expected = ("王**", "138****1234") if masked else ("王小明", PHONE)
    assert (area["responsible_name"], area["responsible_phone"]) == expected
    layer = client.get(f"/api/v1/layers/micro_grids?bbox={first_micro_grid['lon'] - 0.001},"
                       f"{first_micro_grid['lat'] - 0.001},{first_micro_grid['lon'] + 0.001},"
                       f"{first_micro_grid['lat'] + 0.001}&z=17").get_data(as_text=True)
    assert (PHONE in layer) != masked and ("138****1234" in layer) == masked


def test_the_live_feed_carries_no_notes_names_or_phones(conn, client, grids):
    mine, _ = grids
    client.post(f"/api/v1/reports/{mine}/events", json={"action": "cancel", "note": f"打错了 {PHONE}"})
    feed = client.get("/api/v1/events?after=0&limit=1000").get_data(as_text=True)
    assert PHONE not in feed and "演示·值班员王芳" not in feed and '"note"' not in feed and '"actor"' not in feed


def test_the_actor_is_the_signed_in_user_and_verification_needs_another_user(conn, client_as, grids):
    mine, _ = grids
    worker = client_as("worker")
    for action in ("accept", "start", "feedback"):
        assert worker.post(f"/api/v1/reports/{mine}/events", json={"action": action, "note": "ok"}).status_code == 200
    refused = worker.post(f"/api/v1/reports/{mine}/events", json={"action": "verify"})
    assert refused.status_code == 409 and refused.get_json()["errors"][0]["field"] == "actor"
    # The same person with another display name is still the same person: users, not names, are compared.
    conn.execute(sa.text("UPDATE app_user SET display_name = '李强 ' || 'X' WHERE name = 'demo.worker'"))
    assert client_as("worker").post(f"/api/v1/reports/{mine}/events", json={"action": "verify"}).status_code == 409
    assert client_as("operator").post(f"/api/v1/reports/{mine}/events", json={"action": "verify"}).status_code == 200
    users = list(conn.scalars(sa.text("SELECT user_id FROM incident_event WHERE incident_id = :i ORDER BY id DESC "
                                      "LIMIT 4"), {"i": mine}))
    assert users == [user_id(conn, "operator")] + [user_id(conn, "worker")] * 3


def test_the_reporters_address_is_never_the_actor(client, conn, first_micro_grid):
    case = client.post("/api/v1/reports", json={"category": "other", "lon": first_micro_grid["lon"],
                                                "lat": first_micro_grid["lat"]},
                       environ_base={"REMOTE_ADDR": "203.0.113.9"}).get_json()["id"]
    actors = list(conn.scalars(sa.text("SELECT actor FROM incident_event WHERE incident_id = :i"), {"i": case}))
    assert actors == ["演示·值班员王芳"]
    assert "203.0.113.9" not in json.dumps(client.get(f"/api/v1/reports/{case}/events").get_json())


def test_a_client_ref_belongs_to_the_client_that_sent_it(conn, web, first_micro_grid):
    report = {"category": "other", "lon": first_micro_grid["lon"], "lat": first_micro_grid["lat"],
              "client_ref": "phone-1"}
    operator, worker = web.test_client(), web.test_client()
    first = operator.post("/api/v1/reports", json=report, headers=bearer(conn, "operator"))
    again = operator.post("/api/v1/reports", json=report, headers=bearer(conn, "operator"))
    guessed = worker.post("/api/v1/reports", json=report, headers=bearer(conn, "worker"))
    assert (first.status_code, again.status_code, guessed.status_code) == (201, 200, 201)
    assert first.get_json()["id"] == again.get_json()["id"] != guessed.get_json()["id"]
