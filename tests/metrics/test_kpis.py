"""KPIs and the assessment on the hand-built cases of tests/fixtures/kpi_cases.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from fixtures.kpi_cases import FROM, RATES, TO, case
from gisapp.metrics import assessment, kpis


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
    assert set(kpis.formulas()) >= RATES | {"requests_per_10k", "avg_hours_to_close", "p90_hours_to_close", "overdue"}


def test_every_kpi_is_defined_in_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## KPIs", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in kpis.formulas() if f"`{name}`" not in section]
    assert missing == [], "README's KPI section defines each KPI by its name"


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
