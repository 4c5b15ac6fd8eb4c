"""`gisapp demo generate`: build a synthetic city of a named scale, step by step, saying how long each took."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
from sqlalchemy.engine import Connection

from .synthetic import load_areas, load_buildings, load_checkpoints
from .synthetic_areas import SCALES
from .synthetic_cases import load_histories, load_reports


def generate(conn: Connection, scale_name: str, seed: int) -> Iterator[str]:
    """Areas, buildings, checkpoints and a year of cases into `conn`'s transaction; one line per step."""
    scale = SCALES[scale_name]
    rng = np.random.default_rng(seed)
    clock = [time.perf_counter()]

    def took() -> str:
        now = time.perf_counter()
        spent, clock[0] = now - clock[0], now
        return f"({spent:.1f} s)"

    gen, shapes = load_areas(conn, scale, seed, rng)
    counts = ", ".join(f"{len(v)} {k}" for k, v in shapes.items())
    yield f"generation {gen} (synthetic, active): {counts} {took()}"
    yield f"buildings: {load_buildings(conn, shapes['micro_grid'], scale, seed, rng)} {took()}"
    yield f"checkpoints: {load_checkpoints(conn, shapes['micro_grid'], scale, rng)} {took()}"
    got = load_reports(conn, scale, shapes["district"][0], seed, rng)
    yield (f"cases: {got['inserted']} ({got['assigned']} assigned, {got['unlocated']} unlocated, "
           f"{got['duplicates']} possible duplicates) {took()}")
    yield f"later steps of cases: {load_histories(conn, rng)} {took()}"
