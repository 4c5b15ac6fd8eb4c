"""`gisapp demo generate`: a synthetic city (issue 12) for benchmarks and tests, through the bulk paths.

Areas, buildings and checkpoints are COPYed through their own triggers; cases go through incident_intake
(every intake rule, set-based) and their later steps through case_history_intake (every workflow rule),
so a million cases load in minutes and obey the same rules as any other. Everything is marked synthetic:
area names (合成), the generation's description and flag, and so the big screen's title.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.boundaries.generations import activate

from .build_areas import GIVEN, SURNAMES
from .synthetic_areas import SCALES, Scale, building_shapes, city_shapes

CODE = "SYN"
CHUNK = 100_000


def copy_frame(conn: Connection, table: str, frame: pd.DataFrame) -> None:
    """COPY a frame in CSV: missing values (None, NaN) are NULL, an empty string stays one."""
    raw = conn.connection.driver_connection
    for start in range(0, len(frame), CHUNK):
        buf = io.StringIO()
        frame.iloc[start:start + CHUNK].to_csv(buf, index=False, header=False, na_rep=r"\N")
        with raw.cursor() as cur, cur.copy(
                f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
            copy.write(buf.getvalue())


def _names(rng: np.random.Generator, n: int, prefix: str) -> list[str]:
    return [prefix + SURNAMES[a] + GIVEN[b] for a, b in zip(rng.integers(0, len(SURNAMES), n),
                                                            rng.integers(0, len(GIVEN), n))]


def _area_rows(shapes: dict, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Codes, names, people and responsible workers per level, parents first; populations add up."""
    frames, codes = {}, {}
    for level, items in shapes.items():
        parents = [p for _, p in items]
        seen: dict[int, int] = {}
        level_codes, names = [], []
        for p in parents:
            seen[p] = seen.get(p, 0) + 1
            n = seen[p]
            parent = codes["street" if level == "community" else "community" if level == "grid" else
                           "grid" if level == "micro_grid" else "district"][p] if level != "district" else ""
            code = CODE if level == "district" else f"{parent}-{n:02d}"
            level_codes.append(code)
            names.append({"district": "合成城区（synthetic）", "street": f"合成第{n:02d}街道",
                          "community": f"合成{code[4:6]}-{n:02d}社区", "grid": f"第{n:02d}网格",
                          "micro_grid": f"微网格{n:02d}"}[level])
        codes[level] = level_codes
        above = {"street": "district", "community": "street", "grid": "community", "micro_grid": "grid"}.get(level)
        frames[level] = pd.DataFrame({
            "level": level, "code": level_codes, "name": names,
            "parent_code": [codes[above][p] for p in parents] if above else [None] * len(parents),
            "wkb": shapely.to_wkb([g for g, _ in items], hex=True, include_srid=False)})
    micro = frames["micro_grid"]
    micro["population"] = rng.integers(60, 420, len(micro))
    micro["households"] = (micro["population"] / rng.uniform(2.2, 3.0, len(micro))).astype(int)
    for level, below in (("grid", "micro_grid"), ("community", "grid"), ("street", "community"),
                         ("district", "street")):
        for column in ("population", "households"):
            sums = frames[below].groupby("parent_code")[column].sum()
            frames[level][column] = frames[level]["code"].map(sums).fillna(0).astype(int)
    for level, frame in frames.items():
        staffed = level in ("grid", "micro_grid", "community")
        frame["responsible_name"] = _names(rng, len(frame), "网格员" if level != "community" else "书记") \
            if staffed else None
        frame["responsible_phone"] = [f"139{n:08d}" for n in rng.integers(0, 10**8, len(frame))] \
            if staffed else None
    return frames


def load_areas(conn: Connection, scale: Scale, seed: int, rng: np.random.Generator) -> tuple[int, dict]:
    shapes = city_shapes(scale, seed)
    frames = _area_rows(shapes, rng)
    gen = conn.scalar(sa.text("SELECT coalesce(max(id), 0) + 1 FROM generation"))
    conn.execute(sa.text("INSERT INTO generation (id, description, synthetic) VALUES (:g, :d, true)"),
                 {"g": gen, "d": f"合成城市（synthetic city）: scale {scale_name(scale)}, seed {seed}"})
    conn.execute(sa.text("""CREATE TEMP TABLE synthetic_area (level area_level, code text, name text,
        parent_code text, wkb text, population integer, households integer, responsible_name text,
        responsible_phone text) ON COMMIT DROP"""))
    for level, frame in frames.items():
        copy_frame(conn, "synthetic_area", frame)
        conn.execute(sa.text("""
            INSERT INTO area (generation_id, level, code, name, parent_id, population, households,
                              responsible_name, responsible_phone, geom)
            SELECT :g, s.level, s.code, s.name, p.id, s.population, s.households, s.responsible_name,
                   s.responsible_phone, ST_Multi(ST_SetSRID(ST_GeomFromWKB(decode(s.wkb, 'hex')), 4326))
            FROM synthetic_area s LEFT JOIN area p ON p.generation_id = :g AND p.code = s.parent_code
            WHERE s.level = CAST(:level AS area_level)"""), {"g": gen, "level": level})
    activate(conn, gen, validate=False)   # tests/demo checks a town is valid
    return gen, {level: [g for g, _ in items] for level, items in shapes.items()}


def scale_name(scale: Scale) -> str:
    return next(name for name, s in SCALES.items() if s == scale)


def load_buildings(conn: Connection, micro_grids: list, scale: Scale, seed: int, rng) -> int:
    shapes, owners = building_shapes(micro_grids, scale.buildings, seed)
    n = len(shapes)
    frame = pd.DataFrame({
        "code": [f"{CODE}-B{i:07d}" for i in range(1, n + 1)],
        "name": [f"合成{i}号楼" for i in range(1, n + 1)],
        "address": [f"合成路{o % 997 + 1}号" for o in owners],
        "households": rng.integers(6, 80, n),
        "geom": shapely.to_wkb(shapely.set_srid(np.array([shapely.MultiPolygon([s]) for s in shapes]), 4326),
                               hex=True, include_srid=True)})
    copy_frame(conn, "building", frame)
    return n


def load_checkpoints(conn: Connection, micro_grids: list, scale: Scale, rng) -> int:
    picks = rng.choice(len(micro_grids), scale.checkpoints, replace=scale.checkpoints > len(micro_grids))
    points = shapely.point_on_surface([micro_grids[i] for i in picks])
    kinds = rng.choice(["camera", "junction", "gate"], scale.checkpoints, p=[0.3, 0.55, 0.15])
    frame = pd.DataFrame({
        "code": [f"{CODE}-C{i:05d}" for i in range(1, scale.checkpoints + 1)], "kind": kinds,
        "name": [f"合成{'摄像头' if k == 'camera' else '路口' if k == 'junction' else '出入口'}{i}"
                 for i, k in enumerate(kinds, start=1)],
        "status": np.where(rng.random(scale.checkpoints) < 0.9, "online", "offline"),
        "geom": shapely.to_wkb(shapely.set_srid(points, 4326), hex=True, include_srid=True)})
    copy_frame(conn, "checkpoint", frame)
    return scale.checkpoints
