"""The history intake (case_history_intake): later steps of cases for importers of history, applied
set-based in order of time with the workflow's rules; the same result as one transition at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from gisapp.cases import workflow
from gisapp.core.refusals import refusal

SH = timezone(timedelta(hours=8))
T0 = datetime(2026, 10, 12, 9, 0, tzinfo=SH)
STEPS = [("accept", "网格员甲"), ("start", "网格员甲"), ("feedback", "网格员甲"), ("verify", "核查员乙"),
         ("close", "指挥中心"), ("evaluate", "回访专员"), ("reopen", "回访专员")]


@pytest.fixture
def cases(conn, first_micro_grid):
    def make(n: int) -> list[int]:
        return [conn.scalar(sa.text("""INSERT INTO incident (category, geom, reported_at)
            VALUES ('drainage', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :t) RETURNING id"""),
            {"lon": first_micro_grid["lon"], "lat": first_micro_grid["lat"], "t": T0}) for _ in range(n)]
    return make


def _steps(case: int, upto: int, satisfaction: str = "unsatisfied") -> list[dict]:
    return [{"i": case, "a": action, "t": T0 + timedelta(hours=k + 1), "who": actor,
             "s": satisfaction if action == "evaluate" else None} for k, (action, actor) in enumerate(STEPS[:upto])]


def _history(conn, rows: list[dict]) -> None:
    values = ", ".join(f"(:i{n}, :a{n}, :t{n}, :who{n}, '', :s{n})" for n in range(len(rows)))
    conn.execute(sa.text("INSERT INTO case_history_intake (incident_id, action, at, actor, note, satisfaction) "
                         f"VALUES {values}"), {f"{k}{n}": v for n, r in enumerate(rows) for k, v in r.items()})


def _reason(exc) -> str:
    return refusal(exc).errors[0][1].code


def _trail(conn, case: int) -> list[tuple]:
    return conn.execute(sa.text("""SELECT action, actor, from_status, to_status, data - 'version'
        FROM incident_event WHERE incident_id = :i AND action <> 'report' ORDER BY id"""), {"i": case}).all()


def test_steps_in_one_statement_end_where_transitions_one_at_a_time_end(conn, cases):
    by_history, by_hand = cases(2)
    # shuffled and interleaved with another case's steps: order of time decides, per case
    rows = _steps(by_history, 7)[::-1] + _steps(cases(1)[0], 3)
    _history(conn, rows)
    for action, actor in STEPS:
        workflow.transition(conn, by_hand, action, actor, "",
                            satisfaction="unsatisfied" if action == "evaluate" else None)
    read = sa.text("SELECT status, satisfaction, version FROM incident WHERE id = :i")
    assert conn.execute(read, {"i": by_history}).one() == conn.execute(read, {"i": by_hand}).one()
    # The same trail, but a reopening's fresh deadlines count from when it happened, not from now.
    assert _trail(conn, by_history)[:-1] == _trail(conn, by_hand)[:-1]
    reopened = _trail(conn, by_history)[-1]
    due = conn.execute(sa.text("SELECT handle_due, close_due FROM gisapp_dues('drainage', "
                               "(SELECT owner_level FROM incident WHERE id = :i), :t, false)"),
                       {"i": by_history, "t": T0 + timedelta(hours=7)}).one()
    assert reopened[:4] == _trail(conn, by_hand)[-1][:4]
    assert (reopened[4]["handle_due"], reopened[4]["close_due"]) == tuple(d.isoformat() for d in due)
    assert conn.execute(sa.text("SELECT handle_due, close_due FROM incident WHERE id = :i"),
                        {"i": by_history}).one() == due
    assert conn.execute(sa.text("SELECT min(at), max(at) FROM incident_event WHERE incident_id = :i "
                                "AND action <> 'report'"), {"i": by_history}).one() == \
        (T0 + timedelta(hours=1), T0 + timedelta(hours=7))
    assert conn.scalar(sa.text("SELECT count(*) FROM case_history_intake")) == 0


@pytest.mark.parametrize("change, reason", [
    (lambda rows: rows[3].update(who="网格员甲"), "verify_by_other"),      # the handler verifies his own work
    (lambda rows: rows.pop(1), "not_allowed"),                              # feedback before start
    (lambda rows: rows[5].update(s="so-so"), "satisfaction_choice"),
    (lambda rows: rows[0].update(a="merge"), "unknown_action"),
    (lambda rows: rows[0].update(i=10**12), "no_case"),
])
def test_a_step_against_the_rules_stores_nothing_of_its_statement(conn, cases, change, reason):
    case = cases(1)[0]
    rows = _steps(case, 6, satisfaction="satisfied")
    change(rows)
    saved = conn.begin_nested()
    with pytest.raises(sa.exc.DBAPIError) as info:
        _history(conn, rows)
    saved.rollback()
    assert _reason(info.value) == reason
    assert conn.scalar(sa.text("SELECT status FROM incident WHERE id = :i"), {"i": case}) == "assigned"
    assert _trail(conn, case) == []


def test_reopening_needs_an_unsatisfied_evaluation(conn, cases):
    case = cases(1)[0]
    saved = conn.begin_nested()
    with pytest.raises(sa.exc.DBAPIError) as info:
        _history(conn, _steps(case, 7, satisfaction="satisfied"))
    saved.rollback()
    assert _reason(info.value) == "reopen_unsatisfied"
