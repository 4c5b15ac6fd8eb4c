"""The synthetic city's cases: a year of reports through the bulk intake (incident_intake), then their
later steps through the history intake (case_history_intake), so every case is in a plausible state with
its whole history and the workflow's rules held for each step.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .load import ACTORS, PATHS
from .synthetic import CODE, copy_frame
from .synthetic_areas import Scale

PATH = PATHS["reopened"]                              # accept, start, … close, evaluate, reopen
WHEN = np.array([0.04, 0.12, 0.55, 0.65, 0.75, 0.9, 0.95])   # each step's share of the case's span
# How far cases older than ten days got: steps taken (7 = reopened after an unsatisfied call-back), -1 cancelled.
SETTLED = {6: 0.86, 5: 0.06, 7: 0.02, 2: 0.02, -1: 0.04}
SOURCES = {"hotline": 0.45, "app": 0.25, "patrol": 0.2, "camera": 0.1}   # the QR flow comes on top
HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 10, 8, 10, 12, 12, 11, 9, 7, 6, 5, 4, 2, 1], float)


def report_frame(conn: Connection, scale: Scale, district, seed: int, rng, n: int | None = None) -> pd.DataFrame:
    """A year of reports over the city's buildings and streets (also `make bench`'s import file)."""
    n = scale.incidents if n is None else n
    buildings = np.array(conn.execute(sa.text(
        "SELECT id, ST_X(point), ST_Y(point) FROM building WHERE code LIKE :c ORDER BY id"),
        {"c": f"{CODE}-B%"}).all())
    categories = [c for (c,) in conn.execute(sa.text("SELECT code FROM category WHERE active ORDER BY sort, code"))]
    weights = 1 / np.arange(1, len(categories) + 1)
    kind = rng.random(n)
    pick = rng.integers(0, len(buildings), n)
    lon = buildings[pick, 1] + rng.normal(0, 0.00015, n)
    lat = buildings[pick, 2] + rng.normal(0, 0.00012, n)
    x0, y0, x1, y1 = district.bounds
    spread = kind > 0.75                               # a quarter anywhere in the district
    lon[spread], lat[spread] = rng.uniform(x0, x1, spread.sum()), rng.uniform(y0, y1, spread.sum())
    outside = spread & ~shapely.contains_xy(district, lon, lat)    # the box's corners: near buildings instead
    lon[outside], lat[outside] = buildings[pick[outside], 1], buildings[pick[outside], 2]
    lon[rng.random(n) < 0.003] += 0.5                  # and a few far outside every area: unlocated
    by_qr = kind < 0.05
    now = datetime.now(UTC).replace(microsecond=0)
    days = rng.uniform(0, 365, n).astype(int)
    hour = rng.choice(24, n, p=HOURS / HOURS.sum())
    reported = (pd.Timestamp(now) - pd.to_timedelta(days, "D")).floor("D") + pd.to_timedelta(
        hour * 3600 + rng.integers(0, 3600, n), "s")
    earlier_today = pd.Timestamp(now) - pd.to_timedelta(rng.integers(60, 7200, n), "s")
    reported = reported.where(reported < pd.Timestamp(now), earlier_today)   # nothing from the future
    frame = pd.DataFrame({
        "client_ref": [f"syn-{seed}-{i}" for i in range(n)],
        "category": rng.choice(categories, n, p=weights / weights.sum()),
        "description": "合成案件（synthetic）",
        "source": np.where(by_qr, "qr", rng.choice(list(SOURCES), n, p=list(SOURCES.values()))),
        "input_lon": np.where(by_qr, np.nan, lon.round(7)), "input_lat": np.where(by_qr, np.nan, lat.round(7)),
        "building_id": np.where(by_qr, buildings[pick, 0], np.nan),
        "reported_at": reported, "logged_at": reported})
    frame["building_id"] = frame["building_id"].astype("Int64")
    return frame.sort_values("reported_at", kind="stable")


def load_reports(conn: Connection, scale: Scale, district, seed: int, rng) -> dict:
    conn.execute(sa.text("SELECT set_config('gisapp.actor', 'demo', true)"))
    copy_frame(conn, "incident_intake", report_frame(conn, scale, district, seed, rng))
    counts = conn.execute(sa.text("""SELECT sum(inserted), sum(assigned), sum(unlocated), sum(duplicates)
                                     FROM intake_batch WHERE txid = txid_current()""")).one()
    return dict(zip(("inserted", "assigned", "unlocated", "duplicates"), map(int, counts)))


def _steps(cases: pd.DataFrame, rng) -> pd.DataFrame:
    """Each case's later steps with their times and people: older cases mostly settled, recent ones on
    their way; one in twenty-five cancelled."""
    n = len(cases)
    now = pd.Timestamp(datetime.now(UTC))
    age_h = ((now - cases["reported_at"]).dt.total_seconds() / 3600).to_numpy()
    young = age_h < 240
    settled = rng.choice(list(SETTLED), n, p=list(SETTLED.values()))
    on_the_way = np.floor(rng.random(n) * 7 * np.minimum(age_h / 240, 1)).astype(int).clip(0, 6)
    taken = np.where(young, np.where(rng.random(n) < 0.04, -1, on_the_way), settled)
    span = np.minimum(age_h * 0.9, rng.uniform(4, 120, n))
    satisfied = rng.choice(["satisfied", "basically", "unsatisfied"], n, p=[0.8, 0.16, 0.04])
    start = pd.DatetimeIndex(cases["reported_at"])
    rows = []
    cancelled = taken == -1
    if cancelled.any():
        rows.append(pd.DataFrame({"incident_id": cases["id"].to_numpy()[cancelled], "action": "cancel",
                                  "at": start[cancelled] + pd.to_timedelta(span[cancelled] * 0.1 * 3600, "s"),
                                  "actor": ACTORS["cancel"], "note": "重复或无效上报", "satisfaction": None}))
    for k, action in enumerate(PATH):
        on = taken > k
        if not on.any():
            break
        actor = cases["handler"].to_numpy()[on] if action in ("accept", "start", "feedback") \
            else ACTORS.get(action, "指挥中心")
        satisfaction = None
        if action == "evaluate":
            satisfaction = np.where(taken[on] == 7, "unsatisfied", satisfied[on])
        rows.append(pd.DataFrame({"incident_id": cases["id"].to_numpy()[on], "action": action,
                                  "at": start[on] + pd.to_timedelta(span[on] * WHEN[k] * 3600, "s"),
                                  "actor": actor, "note": "", "satisfaction": satisfaction}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def load_histories(conn: Connection, rng) -> int:
    """The later steps of every located case, as its handler (the micro-grid's worker) and the centre
    would have taken them."""
    cases = pd.DataFrame(conn.execute(sa.text("""
        SELECT i.id, i.reported_at, coalesce(a.responsible_name, '网格员') AS handler
        FROM incident i LEFT JOIN area a ON a.id = gisapp_leaf_id(i)
        WHERE i.client_ref LIKE 'syn-%' AND i.status = 'assigned' ORDER BY i.id""")).mappings().all())
    if cases.empty:
        return 0
    cases["reported_at"] = pd.to_datetime(cases["reported_at"], utc=True)
    steps = _steps(cases, rng)
    steps["at"] = pd.to_datetime(steps["at"], utc=True)
    # Case by case, so each COPY holds whole histories and each case is written once, not once per step.
    steps = steps.sort_values(["incident_id", "at"], kind="stable")
    copy_frame(conn, "case_history_intake", steps[["incident_id", "action", "at", "actor", "note", "satisfaction"]])
    return len(steps)
