"""The closed loop, enforced in the database: every transition, who may do it, escalation, SLA."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from gisapp.cases import workflow
from gisapp.core.errors import ApiError
from gisapp.core.vocabulary import STATUS, STATUS_CODES

SH = ZoneInfo("Asia/Shanghai")
# The happy path, with who does each step (verify must not be the handler who gave feedback).
PATH = [("accept", "worker"), ("start", "worker"), ("feedback", "worker"), ("verify", "checker"),
        ("close", "operator"), ("evaluate", "operator")]


@pytest.fixture
def new_case(conn, first_micro_grid):
    """A fresh case in a demo micro-grid, status 'assigned'."""
    def make(category: str = "drainage", **extra) -> int:
        cols = ", ".join(["category", "geom", *extra])
        vals = ", ".join([":c", "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)", *[f":{k}" for k in extra]])
        return conn.scalar(sa.text(f"INSERT INTO incident ({cols}) VALUES ({vals}) RETURNING id"),
                           {"c": category, "lon": first_micro_grid["lon"], "lat": first_micro_grid["lat"], **extra})
    return make


def act(conn, case: int, action: str, actor: str = "worker", **kw) -> int:
    kw.setdefault("note", "done" if action not in ("escalate", "deescalate", "cancel") else "needs the street")
    return workflow.transition(conn, case, action, actor, **kw)


def status(conn, case: int) -> str:
    return conn.scalar(sa.text("SELECT status FROM incident WHERE id = :i"), {"i": case})


def walk(conn, case: int, until: str) -> None:
    for action, actor in PATH:
        if status(conn, case) == until:
            return
        act(conn, case, action, actor, satisfaction="satisfied" if action == "evaluate" else None)


TABLE = {("assigned", "accept"): "accepted", ("accepted", "start"): "in_progress",
         ("in_progress", "feedback"): "feedback", ("feedback", "verify"): "verified",
         ("feedback", "reject"): "in_progress", ("verified", "close"): "closed",
         ("closed", "evaluate"): "evaluated"}
REACHABLE = ["assigned"]   # the statuses the happy path walks through, in order
for _action, _who in PATH:
    REACHABLE.append(TABLE[(REACHABLE[-1], _action)])
PLAIN = ["accept", "start", "feedback", "verify", "reject", "close", "evaluate", "reopen"]


@pytest.mark.parametrize("start", REACHABLE)
@pytest.mark.parametrize("action", PLAIN + ["cancel"])
def test_every_transition_is_allowed_or_refused_by_the_table(conn, new_case, start, action):
    case = new_case()
    walk(conn, case, start)
    cancels = action == "cancel" and STATUS[start].open
    expected = "cancelled" if cancels else TABLE.get((start, action))
    actor = "checker" if action == "verify" else "worker"
    if expected is None:
        with pytest.raises(ApiError) as info:
            act(conn, case, action, actor, satisfaction="satisfied")
        message = info.value.errors[0][1]
        assert info.value.status == 409
        assert "allowed:" in message or ("evaluated", "reopen") == (start, action) and "unsatisfied" in message
        assert status(conn, case) == start
    else:
        act(conn, case, action, actor, satisfaction="satisfied")
        assert status(conn, case) == expected


def test_verify_by_the_handler_is_refused(conn, new_case):
    case = new_case()
    walk(conn, case, "feedback")
    with pytest.raises(ApiError) as info:
        act(conn, case, "verify", "worker")
    assert info.value.status == 409 and "someone other than the handler" in info.value.errors[0][1]


def test_unsatisfied_reporter_reopens_the_case(conn, new_case):
    case = new_case()
    walk(conn, case, "closed")
    act(conn, case, "evaluate", "caller", satisfaction="unsatisfied")
    act(conn, case, "reopen", "caller")
    act(conn, case, "start", "worker")
    assert status(conn, case) == "in_progress"
    events = [r[0] for r in conn.execute(sa.text(
        "SELECT action FROM incident_event WHERE incident_id = :i ORDER BY id"), {"i": case})]
    assert events == ["report", "accept", "start", "feedback", "verify", "close", "evaluate", "reopen", "start"]


def test_a_satisfied_case_cannot_be_reopened_and_evaluate_needs_satisfaction(conn, new_case):
    case = new_case()
    walk(conn, case, "closed")
    with pytest.raises(ApiError) as info:
        act(conn, case, "evaluate", "caller")
    assert info.value.status == 422 and info.value.errors[0][0] == "satisfaction"
    act(conn, case, "evaluate", "caller", satisfaction="basically")
    with pytest.raises(ApiError) as info:
        act(conn, case, "reopen", "caller")
    assert info.value.status == 409


def test_escalation_goes_up_the_chain_and_back(conn, new_case):
    case = new_case()
    def level():
        return conn.scalar(sa.text("SELECT owner_level::text FROM incident WHERE id = :i"), {"i": case})
    assert level() == "micro_grid"
    with pytest.raises(ApiError) as info:
        act(conn, case, "deescalate", "op")
    assert info.value.status == 409 and "not escalated" in info.value.errors[0][1]
    for expected in ("grid", "community", "street", "district"):
        act(conn, case, "escalate", "op")
        assert level() == expected
    with pytest.raises(ApiError):
        act(conn, case, "escalate", "op")
    act(conn, case, "deescalate", "op")
    assert level() == "street"
    with pytest.raises(ApiError) as info:
        act(conn, case, "escalate", "op", note="")
    assert info.value.status == 422 and info.value.errors[0][0] == "note"


def test_category_can_go_straight_to_street_level(conn, new_case):
    case = new_case("power")
    assert conn.scalar(sa.text("SELECT owner_level::text FROM incident WHERE id = :i"), {"i": case}) == "street"


def test_an_open_department_task_blocks_close(conn, new_case):
    case = new_case()
    with pytest.raises(ApiError) as info:
        workflow.call_department(conn, case, "power", "op")
    assert info.value.status == 409 and "escalate first" in info.value.errors[0][1]
    for _ in range(3):
        act(conn, case, "escalate", "op")
    task = workflow.call_department(conn, case, "power", "op", "整栋楼停电")
    walk(conn, case, "verified")
    with pytest.raises(ApiError) as info:
        act(conn, case, "close", "operator")
    assert "department task is still open" in info.value.errors[0][1]
    workflow.update_task(conn, task, "arrived", "power-co")
    workflow.update_task(conn, task, "done", "power-co")
    act(conn, case, "close", "operator")
    assert status(conn, case) == "closed"
    with pytest.raises(ApiError):
        workflow.update_task(conn, task, "arrived", "power-co")


def test_a_stale_version_is_refused(conn, new_case):
    case = new_case()
    version = conn.scalar(sa.text("SELECT version FROM incident WHERE id = :i"), {"i": case})
    act(conn, case, "accept", "worker", version=version)
    with pytest.raises(ApiError) as info:
        act(conn, case, "start", "other-worker", version=version)
    assert info.value.status == 409 and info.value.errors[0][0] == "version"


def test_status_cannot_be_changed_behind_the_workflows_back(conn, new_case):
    case = new_case()
    with pytest.raises(sa.exc.DBAPIError) as info:
        with conn.begin_nested():
            conn.execute(sa.text("UPDATE incident SET status = 'closed' WHERE id = :i"), {"i": case})
    assert "must go through gisapp_transition" in str(info.value.orig)


@pytest.mark.parametrize("reported,hours,expected", [
    # Wed 30 Sep 16:00 + 16 working hours: 1 h that day, National Day 1–7 Oct off, 8 h on Thu 8, 7 h on Fri 9.
    ("2026-09-30T16:00", 16, "2026-10-09T16:00"),
    # Fri 9 Oct 16:00 + 8 h: 1 h, then the make-up working Saturday 10 Oct (调休).
    ("2026-10-09T16:00", 8, "2026-10-10T16:00"),
    # Sat 10 Oct 18:00 + 1 h: Sunday is off, so Monday 12 Oct 10:00.
    ("2026-10-10T18:00", 1, "2026-10-12T10:00"),
])
def test_working_hours_follow_the_chinese_calendar(conn, reported, hours, expected):
    got = conn.scalar(sa.text("SELECT gisapp_add_work_hours(:t, :h)"),
                      {"t": datetime.fromisoformat(reported).replace(tzinfo=SH), "h": hours})
    assert got.astimezone(SH).replace(tzinfo=None) == datetime.fromisoformat(expected)


def test_case_deadlines_use_working_hours_or_calendar_hours_for_urgent(conn, new_case):
    at = datetime(2026, 9, 30, 16, 0, tzinfo=SH)
    normal, urgent = new_case("drainage", reported_at=at), new_case("drainage", reported_at=at, urgent=True)
    due = dict(conn.execute(sa.text("SELECT id, handle_due FROM incident WHERE id IN (:a, :b)"),
                            {"a": normal, "b": urgent}).all())
    # 24 working hours: 1 on 30 Sep, 8 on 8 Oct, 8 on 9 Oct, 7 on the make-up Saturday 10 Oct.
    assert due[normal].astimezone(SH).isoformat().startswith("2026-10-10T16:00")
    assert due[urgent].astimezone(SH).isoformat().startswith("2026-10-01T16:00")  # 24 calendar hours


def test_overdue_is_flagged_in_the_database(conn, new_case):
    old = new_case("drainage", reported_at=datetime(2026, 9, 1, 9, 0, tzinfo=SH))
    fresh = new_case("drainage")
    flags = dict(conn.execute(sa.text("SELECT id, overdue FROM incident_overdue WHERE id IN (:a, :b)"),
                              {"a": old, "b": fresh}).all())
    assert flags == {old: True, fresh: False}


def test_nearby_open_case_of_the_same_category_is_flagged_and_can_be_merged(conn, new_case):
    first = new_case("drainage")
    second = new_case("drainage")
    other_kind = new_case("noise")
    hints = dict(conn.execute(sa.text("SELECT id, possible_duplicate_of FROM incident WHERE id IN (:a, :b)"),
                              {"a": second, "b": other_kind}).all())
    assert hints == {second: first, other_kind: None}
    assert "keep" in workflow.allowed_actions(conn, second)
    third = new_case("drainage")
    act(conn, third, "keep", "op")
    assert conn.scalar(sa.text("SELECT possible_duplicate_of FROM incident WHERE id = :i"), {"i": third}) is None
    with pytest.raises(ApiError):
        act(conn, third, "keep", "op")
    act(conn, second, "merge", "op", duplicate_of=first)
    row = conn.execute(sa.text("SELECT status, duplicate_of FROM incident WHERE id = :i"), {"i": second}).one()
    assert tuple(row) == ("cancelled", first)


def test_statuses_in_the_table_are_known_statuses(sql):
    assert {r["s"] for r in sql("SELECT from_status AS s FROM transition UNION SELECT to_status FROM transition")} \
        <= set(STATUS_CODES)


def test_an_operator_places_an_unlocated_report(conn, sql, first_micro_grid):
    case = conn.scalar(sa.text("INSERT INTO incident (category, geom) VALUES "
                               "('other', ST_SetSRID(ST_MakePoint(121.4905, 31.2420), 4326)) RETURNING id"))
    assert status(conn, case) == "unlocated"  # on the Huangpu river
    target = first_micro_grid
    assert workflow.place(conn, case, target["lon"], target["lat"], "operator-1") == "assigned"
    last = sql("SELECT actor, action, from_status, to_status FROM incident_event WHERE incident_id = :i "
               "ORDER BY id DESC LIMIT 1", i=case)[0]
    assert dict(last) == {"actor": "operator-1", "action": "place", "from_status": "unlocated", "to_status": "assigned"}
    with pytest.raises(ApiError) as info:
        workflow.place(conn, 999999999, 121.5, 31.2, "operator-1")
    assert info.value.status == 404


def test_a_transition_leaves_no_actor_behind_for_the_next_writer(conn, new_case):
    act(conn, new_case(), "accept", "worker-a")
    later = new_case()
    assert conn.scalar(sa.text("SELECT actor = 'db:' || current_user FROM incident_event WHERE incident_id = :i"),
                       {"i": later})


def test_redrawing_the_grids_keeps_an_escalation(conn, new_case):
    case = new_case()
    act(conn, case, "escalate", "op")
    act(conn, case, "escalate", "op")
    gen = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    new_gen = gen + 100
    conn.execute(sa.text("INSERT INTO generation (id) VALUES (:n)"), {"n": new_gen})
    # the same areas again under new ids: a re-zoning that changes nothing on the ground
    conn.execute(sa.text("""
        INSERT INTO area (generation_id, level, code, name, population, geom)
        SELECT :n, level, code, name, population, geom FROM area WHERE generation_id = :g ORDER BY level"""),
        {"n": new_gen, "g": gen})
    conn.execute(sa.text("""
        UPDATE area c SET parent_id = np.id FROM area o JOIN area op ON op.id = o.parent_id
        JOIN area np ON np.code = op.code AND np.generation_id = :n
        WHERE c.generation_id = :n AND o.generation_id = :g AND o.code = c.code"""), {"n": new_gen, "g": gen})
    conn.execute(sa.text("SELECT gisapp_activate_generation(:n)"), {"n": new_gen})
    row = conn.execute(sa.text("SELECT owner_level::text, generation_id FROM incident WHERE id = :i"),
                       {"i": case}).one()
    assert tuple(row) == ("community", new_gen)


def test_a_reopened_case_gets_fresh_deadlines(conn, new_case):
    case = new_case("drainage", reported_at=datetime(2026, 9, 1, 9, 0, tzinfo=SH))
    walk(conn, case, "closed")
    act(conn, case, "evaluate", "caller", satisfaction="unsatisfied")
    act(conn, case, "reopen", "caller")
    overdue = conn.scalar(sa.text("SELECT overdue FROM incident_overdue WHERE id = :i"), {"i": case})
    assert overdue is False


def test_only_unlocated_reports_are_placed(conn, new_case):
    with pytest.raises(ApiError) as info:
        workflow.place(conn, new_case(), 121.5, 31.24, "operator-1")
    assert info.value.status == 409 and "only unlocated" in info.value.errors[0][1]


def test_duplicates_respect_radius_and_category(conn, new_case):
    first = new_case("drainage")
    far = conn.scalar(sa.text("""INSERT INTO incident (category, geom)
        SELECT 'drainage', ST_Translate(geom, 0.002, 0) FROM incident WHERE id = :i RETURNING possible_duplicate_of"""),
        {"i": first})   # about 190 m east: beyond the 50 m radius
    assert far is None
    power = new_case("power")
    near_power = conn.scalar(sa.text("""INSERT INTO incident (category, geom)
        SELECT 'power', ST_Translate(geom, 0.0015, 0) FROM incident WHERE id = :i RETURNING possible_duplicate_of"""),
        {"i": power})   # about 140 m: inside power's 200 m radius
    assert near_power == power
