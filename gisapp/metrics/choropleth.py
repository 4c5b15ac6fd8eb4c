"""Colouring areas by their cases: open cases now, or requests per 10,000 residents (last 30 local days).

Values come per level in one query; class breaks are quantiles, so a district with one hot spot
still shows differences between the others.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.localtime import RECENT_DAYS
from gisapp.core.validation import Query
from gisapp.core.vocabulary import level_column

MEASURES = ("open_incidents", "per_10k")


class ChoroplethQuery(Query):
    """?measure=: what colours the areas (open cases now, or requests per 10,000 residents, 30 days)."""
    measure: Literal[MEASURES] = "open_incidents"
COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")   # ColorBrewer YlOrRd, 5 classes


def area_values(conn: Connection, level: str) -> dict[str, dict]:
    """code → {open_incidents, per_10k} for every area of a level in the active generation."""
    column = level_column(level)   # a KeyError for anything else: never interpolated from input
    rows = conn.execute(sa.text(f"""
        WITH recent AS (SELECT gisapp_day_start(gisapp_today() - (:days - 1)) AS since)
        SELECT a.code,
               count(i.id) FILTER (WHERE s.open) AS open_incidents,
               round((count(i.id) FILTER (WHERE i.reported_at >= recent.since)
                      * 10000.0 / nullif(a.population, 0))::numeric, 1)::float8 AS per_10k
        FROM recent, area a
        LEFT JOIN (incident i JOIN case_status s ON s.code = i.status) ON i.{column} = a.id
        WHERE a.generation_id = gisapp_active_generation() AND a.level = CAST(:level AS area_level)
        GROUP BY a.code, a.population"""), {"level": level, "days": RECENT_DAYS})
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
