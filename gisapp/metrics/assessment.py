"""Monthly and quarterly assessment (月通报、季考核): grids or communities ranked by one composite score.

Score, out of 100 before penalties:
    score = 100 × Σ WEIGHTS[k] × rate_k / Σ WEIGHTS[k]  −  OVERDUE_PENALTY × overdue
over the four rates of `gisapp.kpis` (closure 30 %, response 25 %, resolution 25 %, satisfaction 20 %).
A rate that is null (no case to measure it on) is left out and the other weights are rescaled, so an
area is neither punished nor rewarded for, say, having no evaluation yet. An area with no rate at all
has no score and no rank and is listed last. Equal scores share a rank (1, 1, 3). The score is
rounded to 2 decimals and may go below 0 when many cases are overdue.

Periods are months "2026-10" or quarters "2026Q4", on `reported_at` in the `timezone` setting.
Overdue counts the period's cases that are overdue at the time of the assessment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Connection

from gisapp.boundaries.generations import active_generation

from . import kpis

WEIGHTS = {"closure_rate": 0.30, "response_rate": 0.25, "resolution_rate": 0.25, "satisfaction_rate": 0.20}
OVERDUE_PENALTY = 2.0      # points off per case overdue
LEVELS = ("grid", "community")

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
COLUMNS = ("period", "rank", "score", "code", "name", "parent_code", "parent_name",
           *(k.name for k in kpis.KPIS))


def N_(message: str) -> str:
    """Marks a header for pybabel; export() says it in the language it is given."""
    return message


# The headers of the exported ranking (月通报), as people read them.
HEADERS = {"period": N_("Period"), "rank": N_("Rank"), "score": N_("Score"), "code": N_("Code"),
           "name": N_("Name"), "parent_code": N_("Parent code"), "parent_name": N_("Part of"),
           "reports": N_("Reports"), "cancelled": N_("Cancelled"), "assigned": N_("Dispatched"),
           "accepted_in_sla": N_("Accepted in time"), "response_rate": N_("Response rate"),
           "closed": N_("Closed"), "closed_in_sla": N_("Closed in time"), "resolution_rate": N_("Resolution rate"),
           "evaluated": N_("Called back"), "satisfied": N_("Satisfied"), "satisfaction_rate": N_("Satisfaction rate"),
           "closure_rate": N_("Closure rate"), "population": N_("Population"),
           "requests_per_10k": N_("Requests per 10,000 residents"), "avg_hours_to_close": N_("Average hours to close"),
           "p90_hours_to_close": N_("90th percentile hours to close"), "overdue": N_("Overdue")}


@dataclass(frozen=True)
class Period:
    label: str      # normalised: "2026-10" or "2026Q4"
    kind: str       # "month" or "quarter"
    start: date     # first day
    end: date       # first day after


def parse_period(text: str) -> Period:
    """"2026-10" → October 2026, "2026Q4" → Oct–Dec 2026; anything else is a ValueError that says so."""
    raw = (text or "").strip()
    month, quarter = _MONTH.fullmatch(raw), _QUARTER.fullmatch(raw)
    year = int((month or quarter).group(1)) if (month or quarter) else None
    if year is None or not 1900 <= year <= 2999 or (month and not 1 <= int(month.group(2)) <= 12):
        raise ValueError(f"period must be a month YYYY-MM (e.g. 2026-10) or a quarter YYYYQn "
                         f"(e.g. 2026Q4), got {text!r}")
    if month:
        first = int(month.group(2))
        months, label, kind = 1, f"{year}-{first:02d}", "month"
    else:
        first = 3 * int(quarter.group(2)) - 2
        months, label, kind = 3, f"{year}Q{quarter.group(2)}", "quarter"
    after = first + months
    end = date(year + 1, after - 12, 1) if after > 12 else date(year, after, 1)
    return Period(label, kind, date(year, first, 1), end)


@dataclass
class Assessment:
    period: Period
    level: str
    generation: int | None
    rows: list[dict] = field(default_factory=list)   # ranked, best first; keys are COLUMNS


def score(row: dict) -> float | None:
    """The composite score of one area's KPIs (see the module docstring); None without any rate."""
    rated = {k: w for k, w in WEIGHTS.items() if row.get(k) is not None}
    if not rated:
        return None
    weighted = sum(w * row[k] for k, w in rated.items()) / sum(rated.values())
    return round(100 * weighted - OVERDUE_PENALTY * (row.get("overdue") or 0), 2)


def rank(rows: list[dict]) -> list[dict]:
    """Best score first, ties by code and sharing a rank; unscored areas last with rank None."""
    ordered = sorted(rows, key=lambda r: (r["score"] is None, -(r["score"] or 0), r["code"]))
    previous, position = None, 0
    for i, row in enumerate(ordered, start=1):
        if row["score"] is None:
            row["rank"] = None
            continue
        if row["score"] != previous:
            position, previous = i, row["score"]
        row["rank"] = position
    return ordered


def assess(conn: Connection, period: str, level: str = "grid", generation: int | None = None) -> Assessment:
    """Rank every area of `level` (grid or community) of the generation on the period's cases."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    p = parse_period(period)
    gen = generation if generation is not None else active_generation(conn)
    rows = kpis.level_kpis(conn, level, p.start, p.end, gen)
    for row in rows:
        row["period"], row["score"] = p.label, score(row)
    ranked = rank(rows)
    return Assessment(p, level, gen, [{c: r.get(c) for c in COLUMNS} for r in ranked])


def to_frame(result: Assessment) -> pd.DataFrame:
    frame = pd.DataFrame(result.rows, columns=list(COLUMNS))
    frame["rank"] = frame["rank"].astype("Int64")   # integers with gaps, not 1.0, 2.0
    return frame


def method_frame() -> pd.DataFrame:
    """How the score is made, for the second sheet of the workbook (people ask)."""
    items = [(f"weight {k}", w) for k, w in WEIGHTS.items()] + [("overdue penalty per case", OVERDUE_PENALTY)]
    items += [(name, doc) for name, doc in kpis.formulas().items()]
    return pd.DataFrame(items, columns=["item", "value"])


def export(result: Assessment, path: str | Path, say=None) -> Path:
    """Write the ranking to .csv (UTF-8 with BOM, so Excel shows Chinese) or .xlsx (with the method).
    With `say` (core/language.py's translator) the headers are for people, in its language; without
    it they are the column codes, for programs."""
    path = Path(path)
    frame = to_frame(result)
    if say is not None:
        frame = frame.rename(columns={c: say(HEADERS[c]) for c in COLUMNS if c in HEADERS})
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name=f"{result.level} {result.period.label}", index=False)
            method_frame().to_excel(writer, sheet_name="method", index=False)
    else:
        raise ValueError(f"export to .csv or .xlsx, not {path.name!r}")
    return path
