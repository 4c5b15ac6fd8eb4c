"""Colouring areas by their incidents: open cases now, or requests per 10,000 residents (30 days).

Values come per level in one query; class breaks are quantiles, so a district with one hot spot
still shows differences between the others.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

MEASURES = ("open_incidents", "per_10k")
OWNER_COLUMN = {"district": "district_id", "street": "street_id", "community": "community_id",
                "grid": "grid_id", "micro_grid": "micro_grid_id"}
COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")   # ColorBrewer YlOrRd, 5 classes
WINDOW_DAYS = 30


def area_values(conn: Connection, level: str) -> dict[str, dict]:
    """code → {open_incidents, per_10k} for every area of a level in the active generation."""
    column = OWNER_COLUMN[level]   # a KeyError for anything else: never interpolated from input
    rows = conn.execute(sa.text(f"""
        SELECT a.code,
               count(i.id) FILTER (WHERE i.status NOT IN ('closed', 'evaluated', 'cancelled')) AS open_incidents,
               round((count(i.id) FILTER (WHERE i.reported_at >= now() - make_interval(days => :days))
                      * 10000.0 / nullif(a.population, 0))::numeric, 1)::float8 AS per_10k
        FROM area a
        LEFT JOIN incident i ON i.{column} = a.id
             AND (i.status NOT IN ('closed', 'evaluated', 'cancelled')
                  OR i.reported_at >= now() - make_interval(days => :days))
        WHERE a.generation_id = gisapp_active_generation() AND a.level = CAST(:level AS area_level)
        GROUP BY a.code, a.population"""), {"level": level, "days": WINDOW_DAYS})
    return {r.code: {"open_incidents": r.open_incidents, "per_10k": r.per_10k} for r in rows}


def breaks(values: list[float], classes: int = len(COLOURS)) -> list[float]:
    """Upper bounds of each class but the last (quantiles of the distinct values)."""
    distinct = sorted({v for v in values if v is not None})
    if len(distinct) <= 1:
        return []
    cuts = []
    for k in range(1, classes):
        cut = distinct[min(len(distinct) - 1, round(k * len(distinct) / classes) - 1)]
        if cut not in cuts and cut < distinct[-1]:
            cuts.append(cut)
    return cuts


def colour(value: float | None, cuts: list[float]) -> str | None:
    if value is None:
        return None
    for i, cut in enumerate(cuts):
        if value <= cut:
            return COLOURS[i]
    return COLOURS[min(len(cuts), len(COLOURS) - 1)]


def classify(conn: Connection, level: str, measure: str) -> dict:
    """{measure, breaks, colours, values: {code: value}, fills: {code: colour}} for one level."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}")
    values = {code: v[measure] for code, v in area_values(conn, level).items()}
    cuts = breaks(list(values.values()))
    return {"measure": measure, "level": level, "breaks": cuts, "colours": list(COLOURS[:len(cuts) + 1]),
            "values": values, "fills": {code: colour(v, cuts) for code, v in values.items()}}
