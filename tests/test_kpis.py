"""KPIs and the assessment on hand-built cases with answers worked out by hand.

tests/api/test_kpis_api.py reuses these fixtures for GET /api/v1/kpis.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from functools import partial

import pandas as pd
import pytest
import sqlalchemy as sa

from gisapp import assessment, kpis
from helpers import new_generation, square

AREAS = [
    ("street", "KS1", square(3.00, 0, 3.04, 0.01), None),
    ("community", "KC1", square(3.00, 0, 3.03, 0.01), "KS1"),
    ("community", "KC2", square(3.03, 0, 3.04, 0.01), "KS1"),
    ("grid", "KG11", square(3.00, 0, 3.01, 0.01), "KC1"),
    ("grid", "KG12", square(3.01, 0, 3.02, 0.01), "KC1"),
    ("grid", "KG13", square(3.02, 0, 3.03, 0.01), "KC1"),
    ("grid", "KG21", square(3.03, 0, 3.035, 0.01), "KC2"),
    ("grid", "KG22", square(3.035, 0, 3.04, 0.01), "KC2"),
]
POPULATION = {"KS1": 20000, "KC1": 12000, "KC2": 8000, "KG11": 2000, "KG12": 5000, "KG13": 5000,
              "KG21": 4000, "KG22": 4000}
CENTRE = {"KG11": 3.005, "KG12": 3.015, "KG13": 3.025, "KG21": 3.0325, "KG22": 3.0375}
PATH = ("accept", "start", "feedback", "verify", "close", "evaluate")
TODAY = datetime.now(timezone.utc).date()
FROM, TO = TODAY - timedelta(days=30), TODAY + timedelta(days=3)   # holds every case made "now"
RATES = {"response_rate", "resolution_rate", "satisfaction_rate", "closure_rate"}


@pytest.fixture
def world(conn):
    """A street of two communities and five grids, active, far from the demo district."""
    gen = new_generation(conn, AREAS)
    for code, people in POPULATION.items():
        conn.execute(sa.text("UPDATE area SET population = :p WHERE generation_id = :g AND code = :c"),
                     {"p": people, "g": gen, "c": code})
    return gen


def case(conn, grid, upto=None, satisfaction=None, cancel=False, reported_at=None,
         accept_ok=None, close_ok=None, hours_to_close=None, overdue=False) -> int:
    """One case in `grid`, driven through gisapp_transition; deadlines set on either side of its events."""
    row = conn.execute(sa.text("""
        INSERT INTO incident (category, geom, reported_at)
        VALUES ('other', ST_SetSRID(ST_MakePoint(:lon, 0.005), 4326),
                coalesce(CAST(:at AS timestamptz), now() - interval '2 days'))
        RETURNING id, (SELECT code FROM area WHERE id = grid_id) AS grid"""),
        {"lon": CENTRE[grid], "at": reported_at}).one()
    assert row.grid == grid
    cid = row.id

    def run(statement: str, **params):
        conn.execute(sa.text(statement), {"id": cid, **params})

    for action in PATH[:PATH.index(upto) + 1] if upto else ():
        data = json.dumps({"satisfaction": satisfaction} if action == "evaluate" else {})
        run("SELECT gisapp_transition(:id, :a, :actor, 'test', NULL, CAST(:d AS jsonb))",
            a=action, actor="checker" if action == "verify" else "handler", d=data)
    if cancel:
        run("SELECT gisapp_transition(:id, 'cancel', 'operator', 'duplicate')")
    first = "(SELECT min(at) FROM incident_event WHERE incident_id = :id AND action = '{}')"
    if hours_to_close is not None:
        run(f"UPDATE incident SET reported_at = {first.format('close')} - interval '1 hour' * :h WHERE id = :id",
            h=float(hours_to_close))
    # A new reported_at recomputes the deadlines, so they are set last: far ahead unless asked.
    run("UPDATE incident SET accept_due = now() + interval '30 days', handle_due = now() + interval '30 days', "
        "close_due = now() + interval '30 days' WHERE id = :id")
    for stage, ok in (("accept", accept_ok), ("close", close_ok)):
        if ok is not None:
            run(f"UPDATE incident SET {stage}_due = {first.format(stage)} + interval '1 hour' * :h WHERE id = :id",
                h=1.0 if ok else -1.0)
    if overdue:
        run(f"UPDATE incident SET {'handle' if upto else 'accept'}_due = now() - interval '1 day' WHERE id = :id")
    return cid


@pytest.fixture
def cases(conn, world):
    """KG11: ten cases covering every formula; KG12: two more, and two reported in 2020."""
    c = partial(case, conn)
    c("KG11", upto="evaluate", satisfaction="satisfied", accept_ok=True, close_ok=True, hours_to_close=10)
    c("KG11", upto="evaluate", satisfaction="basically", accept_ok=False, close_ok=False, hours_to_close=20)
    c("KG11", upto="evaluate", satisfaction="unsatisfied", accept_ok=True, close_ok=False, hours_to_close=30)
    c("KG11", upto="evaluate", satisfaction="satisfied", accept_ok=True, close_ok=False, hours_to_close=40)
    c("KG11", upto="start", accept_ok=True, overdue=True)          # handling late
    c("KG11", overdue=True)                                        # never accepted, late
    c("KG11", cancel=True)                                         # cancelled while assigned
    c("KG11", upto="accept", accept_ok=True, cancel=True)          # cancelled after a timely accept
    c("KG11")                                                      # assigned, still in time
    c("KG11", upto="start", accept_ok=True)                        # in progress, in time
    c("KG12", upto="evaluate", satisfaction="satisfied", accept_ok=True, close_ok=True, hours_to_close=5)
    c("KG12")
    c("KG12", reported_at="2020-01-31 23:30+08")                   # last half hour of January, local time
    c("KG12", reported_at="2020-02-01 00:00+08")                   # first moment of February


def test_each_formula_on_a_hand_built_grid(conn, cases):
    got = kpis.area_kpis(conn, "KG11", FROM, TO)
    assert got["area"] == {"code": "KG11", "name": "KG11", "level": "grid"}
    assert (got["from"], got["to"]) == (FROM.isoformat(), TO.isoformat())
    assert got["kpis"] == {
        "reports": 10, "cancelled": 2, "assigned": 10, "accepted_in_sla": 6,
        "response_rate": 0.6,                       # 6 accepted in time / 10 that reached assigned
        "closed": 4, "closed_in_sla": 1,
        "resolution_rate": 0.25,                    # 1 closed in time / 4 closed
        "evaluated": 4, "satisfied": 3,
        "satisfaction_rate": 0.75,                  # (2 satisfied + 1 basically) / 4 evaluated
        "closure_rate": 0.5,                        # 4 closed / (10 − 2 cancelled)
        "population": 2000,
        "requests_per_10k": pytest.approx(50.0),    # 10 × 10,000 / 2,000
        "avg_hours_to_close": pytest.approx(25.0),  # (10 + 20 + 30 + 40) / 4
        "p90_hours_to_close": pytest.approx(37.0),  # 30 + 0.7 × (40 − 30)
        "overdue": 2,
    }


def test_any_level_and_the_whole_generation(conn, cases):
    c1 = kpis.area_kpis(conn, "KC1", FROM, TO)["kpis"]   # KG11 + KG12 (+ empty KG13)
    assert {k: c1[k] for k in ("reports", "cancelled", "assigned", "accepted_in_sla", "closed",
                               "closed_in_sla", "evaluated", "satisfied", "overdue")} == {
        "reports": 12, "cancelled": 2, "assigned": 12, "accepted_in_sla": 7, "closed": 5,
        "closed_in_sla": 2, "evaluated": 5, "satisfied": 4, "overdue": 2}
    assert c1["response_rate"] == pytest.approx(7 / 12) and c1["resolution_rate"] == pytest.approx(0.4)
    assert c1["satisfaction_rate"] == pytest.approx(0.8) and c1["closure_rate"] == pytest.approx(0.5)
    assert c1["requests_per_10k"] == pytest.approx(10.0)
    assert c1["avg_hours_to_close"] == pytest.approx(21.0)   # (5 + 10 + 20 + 30 + 40) / 5
    assert c1["p90_hours_to_close"] == pytest.approx(36.0)   # 30 + 0.6 × 10
    whole = kpis.area_kpis(conn, None, FROM, TO)
    street = kpis.area_kpis(conn, "KS1", FROM, TO)["kpis"]
    assert whole["area"] is None and whole["kpis"] == street
    assert street["population"] == 20000 and street["requests_per_10k"] == pytest.approx(6.0)
    assert kpis.area_kpis(conn, "KG12")["kpis"]["reports"] == 4      # no range: 2020 included


def test_drill_down_lists_children_with_their_kpis(conn, cases):
    got = kpis.area_kpis(conn, "KS1", FROM, TO, drill=True)
    assert [(c["code"], c["level"], c["kpis"]["reports"]) for c in got["children"]] == [
        ("KC1", "community", 12), ("KC2", "community", 0)]
    grids = kpis.area_kpis(conn, "KC1", FROM, TO, drill=True)["children"]
    assert [(c["code"], c["kpis"]["reports"], c["kpis"]["closure_rate"]) for c in grids] == [
        ("KG11", 10, 0.5), ("KG12", 2, 0.5), ("KG13", 0, None)]
    assert [c["code"] for c in kpis.area_kpis(conn, None, FROM, TO, drill=True)["children"]] == ["KS1"]
    assert "children" not in kpis.area_kpis(conn, "KS1", FROM, TO)


def test_zero_denominators_are_null_not_zero(conn, sql, cases):
    empty = kpis.area_kpis(conn, "KG21", FROM, TO)["kpis"]
    assert all(empty[r] is None for r in RATES)
    assert empty["avg_hours_to_close"] is None and empty["p90_hours_to_close"] is None
    assert (empty["reports"], empty["overdue"], empty["requests_per_10k"]) == (0, 0, 0.0)
    only_cancelled = case(conn, "KG21", cancel=True)
    assert only_cancelled and kpis.area_kpis(conn, "KG21", FROM, TO)["kpis"]["closure_rate"] is None
    for people in (0, None):
        sql("UPDATE area SET population = :p WHERE code = 'KG11' AND generation_id = gisapp_active_generation()",
            p=people)
        assert kpis.area_kpis(conn, "KG11", FROM, TO)["kpis"]["requests_per_10k"] is None


def test_range_is_local_days_from_inclusive_to_exclusive(conn, cases):
    january = kpis.area_kpis(conn, "KG12", date(2020, 1, 1), date(2020, 2, 1))["kpis"]
    february_1 = kpis.area_kpis(conn, "KG12", date(2020, 2, 1), date(2020, 2, 2))["kpis"]
    assert (january["reports"], february_1["reports"]) == (1, 1)
    assert kpis.area_kpis(conn, "KG12", FROM, TO)["kpis"]["reports"] == 2
    with pytest.raises(ValueError, match="empty"):
        kpis.area_kpis(conn, "KG12", date(2020, 2, 1), date(2020, 2, 1))


def test_unknown_area_and_formulas_documented(conn, world):
    with pytest.raises(kpis.UnknownArea, match="NOPE"):
        kpis.area_kpis(conn, "NOPE")
    docs = kpis.formulas()
    assert set(docs) >= RATES | {"requests_per_10k", "avg_hours_to_close", "p90_hours_to_close", "overdue"}
    assert all(docs.values())


# --- assessment -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, label, start, end", [
    ("2026-10", "2026-10", "2026-10-01", "2026-11-01"),
    ("2026-12", "2026-12", "2026-12-01", "2027-01-01"),
    ("2026Q4", "2026Q4", "2026-10-01", "2027-01-01"),
    (" 2027q1 ", "2027Q1", "2027-01-01", "2027-04-01"),
])
def test_parse_period(text, label, start, end):
    p = assessment.parse_period(text)
    assert (p.label, p.start.isoformat(), p.end.isoformat()) == (label, start, end)
    assert p.kind == ("quarter" if "Q" in label else "month")


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026Q5", "2026Q0", "26-10", "2026/10", "2026-1",
                                  "", "October", "0999-10"])
def test_invalid_period_says_what_is_expected(text):
    with pytest.raises(ValueError, match=r"YYYY-MM .*YYYYQn"):
        assessment.parse_period(text)


def test_score_rescales_missing_rates_and_subtracts_overdue():
    row = {"closure_rate": 1.0, "response_rate": 0.5, "resolution_rate": None, "satisfaction_rate": None}
    assert assessment.score({**row, "overdue": 0}) == round(100 * (0.30 + 0.125) / 0.55, 2)
    assert assessment.score({**row, "overdue": 3}) == round(100 * (0.30 + 0.125) / 0.55 - 6, 2)
    assert assessment.score({k: None for k in assessment.WEIGHTS}) is None
    assert sum(assessment.WEIGHTS.values()) == pytest.approx(1.0)


@pytest.fixture
def october(conn, world):
    """KG11 and KG13 perfect, KG12 one perfect and one late, KG21 poor, KG22 empty; one KG21 case in Q3."""
    at = "2026-10-15 10:00+08"
    perfect = dict(upto="evaluate", satisfaction="satisfied", accept_ok=True, close_ok=True, reported_at=at)
    for grid in ("KG11", "KG11", "KG13", "KG12"):
        case(conn, grid, **perfect)
    case(conn, "KG12", overdue=True, reported_at=at)
    case(conn, "KG21", upto="evaluate", satisfaction="unsatisfied", accept_ok=False, close_ok=False,
         reported_at=at)
    case(conn, "KG21", **{**perfect, "reported_at": "2026-09-30 23:30+08"})


def _ranking(result):
    return [(r["code"], r["rank"], r["score"]) for r in result.rows]


def test_assessment_ranks_grids_and_communities(conn, october):
    # KG12: 100 × (0.30 × ½ + 0.25 × ½ + 0.25 × 1 + 0.20 × 1) − 2 × 1 overdue = 70.5
    # KG21: closure 1, every other rate 0 = 30
    assert _ranking(assessment.assess(conn, "2026-10")) == [
        ("KG11", 1, 100.0), ("KG13", 1, 100.0), ("KG12", 3, 70.5), ("KG21", 4, 30.0), ("KG22", None, None)]
    # KC1: five cases, four perfect, one late and never accepted: 100 × 0.89 − 2 = 87
    assert _ranking(assessment.assess(conn, "2026-10", level="community")) == [
        ("KC1", 1, 87.0), ("KC2", 2, 30.0)]
    assert _ranking(assessment.assess(conn, "2026Q4")) == _ranking(assessment.assess(conn, "2026-10"))
    q3 = assessment.assess(conn, "2026Q3")
    assert _ranking(q3)[0] == ("KG21", 1, 100.0) and all(r["rank"] is None for r in q3.rows[1:])
    with pytest.raises(ValueError, match="level"):
        assessment.assess(conn, "2026-10", level="planet")


def test_export_writes_csv_and_xlsx_that_read_back(conn, october, tmp_path):
    result = assessment.assess(conn, "2026-10")
    expected = ["KG11", "KG13", "KG12", "KG21", "KG22"]
    frame = pd.read_csv(assessment.export(result, tmp_path / "grids.csv"), encoding="utf-8-sig")
    assert frame["code"].tolist() == expected and frame["score"].tolist()[:4] == [100.0, 100.0, 70.5, 30.0]
    assert frame["rank"].tolist()[:4] == [1, 1, 3, 4] and pd.isna(frame["rank"].iloc[4])
    assert (frame["period"] == "2026-10").all() and list(frame.columns) == list(assessment.COLUMNS)
    sheets = pd.read_excel(assessment.export(result, tmp_path / "grids.xlsx"), sheet_name=None)
    ranking, method = sheets["grid 2026-10"], sheets["method"]
    assert ranking["code"].tolist() == expected and ranking["rank"].tolist()[:4] == [1, 1, 3, 4]
    assert ranking["closure_rate"].tolist()[:4] == [1.0, 1.0, 0.5, 1.0]
    assert "weight closure_rate" in method["item"].tolist()
    with pytest.raises(ValueError, match="csv or .xlsx"):
        assessment.export(result, tmp_path / "grids.pdf")
