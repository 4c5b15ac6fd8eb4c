"""The shapes of a synthetic city: nested Voronoi cells, each level clipped to its parents, so every level
tiles the one above with shared edges and irregular, street-block-like cells. Pure geometry (shapely and
numpy, no database), so a scale's shapes depend only on its seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

CENTRE = (114.30, 30.58)              # lon, lat: somewhere no real district of the demo lies
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * np.cos(np.radians(CENTRE[1]))


@dataclass(frozen=True)
class Scale:
    """Children per parent at each level, buildings per micro-grid, and the city's totals."""
    streets: int
    communities: int
    grids: int
    micro_grids: int
    buildings: int
    checkpoints: int
    incidents: int
    size_km: float

    @property
    def counts(self) -> dict[str, int]:
        s = self.streets
        c = s * self.communities
        g = c * self.grids
        return {"district": 1, "street": s, "community": c, "grid": g, "micro_grid": g * self.micro_grids}


SCALES = {
    # issue 12: 1 district, 10 streets, 200 communities, 10,000 grids, 100,000 micro-grids, 300,000 buildings
    "city": Scale(streets=10, communities=20, grids=50, micro_grids=10, buildings=3, checkpoints=500,
                  incidents=1_000_000, size_km=30.0),
    "town": Scale(streets=2, communities=4, grids=5, micro_grids=5, buildings=3, checkpoints=10,
                  incidents=2_000, size_km=3.0),
}


def _to_lonlat(geoms):
    """Metres around CENTRE to lon/lat: one affine map, so a vertex two cells share stays shared."""
    return shapely.transform(geoms, lambda xy: np.column_stack(
        [CENTRE[0] + xy[:, 0] / M_PER_DEG_LON, CENTRE[1] + xy[:, 1] / M_PER_DEG_LAT]))


def _to_metric(geoms):
    return shapely.transform(geoms, lambda xy: np.column_stack(
        [(xy[:, 0] - CENTRE[0]) * M_PER_DEG_LON, (xy[:, 1] - CENTRE[1]) * M_PER_DEG_LAT]))


def _points_in(polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """n random points inside a polygon (rejection sampling in its bounding box)."""
    x0, y0, x1, y1 = polygon.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        xy = rng.uniform((x0, y0), (x1, y1), size=(max(2 * (n - len(out)), 8), 2))
        out = np.vstack([out, xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]])
    return out[:n]


def _polygonal(geom):
    """The polygons of an intersection (which may add slivers of line where cells only touch)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def split(polygon, n: int, rng: np.random.Generator):
    """n cells tiling a polygon (in metres): Voronoi cells of random seeds, relaxed once towards their
    centroids (Lloyd) so they look like blocks rather than splinters, then clipped to the polygon."""
    if n == 1:
        return [polygon]
    seeds = _points_in(polygon, n, rng)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=polygon))
    clipped = shapely.intersection(cells, polygon)
    centroids = shapely.centroid(clipped)
    inside = shapely.contains(polygon, centroids)
    seeds = shapely.get_coordinates(shapely.point_on_surface(clipped))
    seeds[inside] = shapely.get_coordinates(centroids[inside])
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=polygon.buffer(10)))
    out = [_polygonal(c) for c in shapely.intersection(cells, polygon)]
    return [c for c in out if c is not None and not c.is_empty]


def _noded(cells: list, parents: dict[str, list[int]], grid: float) -> dict[str, list]:
    """The finest cells noded together (one planar arrangement of every edge, on a grid in metres), each
    level then the union of the faces below it, as the demo is built: neighbours share every vertex and
    each level tiles the one above exactly."""
    lines = shapely.get_parts(shapely.union_all(shapely.boundary(np.asarray(cells)), grid_size=grid))
    faces = shapely.get_parts(shapely.polygonize(lines))
    tree = shapely.STRtree(cells)
    face_at, cell_at = tree.query(shapely.point_on_surface(faces), predicate="within")
    owner = np.full(len(faces), -1)
    owner[face_at] = cell_at
    by_cell: dict[int, list[int]] = {}
    for face, cell in enumerate(owner):
        by_cell.setdefault(int(cell), []).append(face)
    level_faces = {"micro_grid": [by_cell.get(i, []) for i in range(len(cells))]}
    out = {"micro_grid": [faces[f[0]] if len(f) == 1 else shapely.coverage_union_all(faces[f])
                          for f in level_faces["micro_grid"]]}
    below = "micro_grid"
    for level in ("grid", "community", "street", "district"):
        members: dict[int, list[int]] = {}
        for child, parent in enumerate(parents[below]):
            members.setdefault(parent, []).extend(level_faces[below][child])
        size = max(members) + 1
        level_faces[level] = [members.get(i, []) for i in range(size)]
        out[level] = [shapely.coverage_union_all(faces[f]) for f in level_faces[level]]
        below = level
    return out


def city_shapes(scale: Scale, seed: int) -> dict[str, list[tuple[object, int]]]:
    """Per level, (lon/lat geometry, index of its parent in the level above) in a fixed order: cut
    top-down in metres, then noded bottom-up (_noded)."""
    rng = np.random.default_rng(seed)
    half = scale.size_km * 500.0
    # A district with an irregular outline: a circle's polygon, squashed and wobbled.
    angles = np.linspace(0, 2 * np.pi, 73)[:-1]
    radius = half * (1 + 0.12 * np.sin(3 * angles + rng.uniform(0, 6)) + 0.05 * rng.standard_normal(72))
    district = shapely.Polygon(np.column_stack([radius * np.cos(angles), 0.8 * radius * np.sin(angles)]))
    levels: dict[str, list[tuple[object, int]]] = {"district": [(district, -1)]}
    order = (("street", "district", scale.streets), ("community", "street", scale.communities),
             ("grid", "community", scale.grids), ("micro_grid", "grid", scale.micro_grids))
    for level, above, n in order:
        levels[level] = [(cell, i) for i, (parent, _) in enumerate(levels[above]) for cell in split(parent, n, rng)]
    parents = {level: [p for _, p in items] for level, items in levels.items()}
    shapes = _noded([c for c, _ in levels["micro_grid"]], parents, grid=0.001)
    return {level: [(_to_lonlat(g), p) for g, p in zip(shapes[level], parents[level])] for level in levels}


def building_shapes(micro_grids: list, per: int, seed: int) -> tuple[list, list[int]]:
    """`per` small rotated blocks inside each micro-grid, none crossing its edge; (lon/lat geometry,
    index of its micro-grid). Vectorised over all micro-grids at once."""
    rng = np.random.default_rng(seed + 1)
    metric = _to_metric(np.asarray(micro_grids, dtype=object))
    shrunk = np.repeat(shapely.buffer(metric, -6), per)
    owners = np.repeat(np.arange(len(micro_grids)), per)
    keep = ~shapely.is_empty(shrunk)
    shrunk, owners = shrunk[keep], owners[keep]
    bounds = shapely.bounds(shrunk)
    xy = np.full((len(shrunk), 2), np.nan)
    for _ in range(30):                   # rejection sampling, every block at once
        todo = np.isnan(xy[:, 0])
        if not todo.any():
            break
        cand = rng.uniform(bounds[todo, :2], bounds[todo, 2:])
        hit = shapely.contains_xy(shrunk[todo], cand[:, 0], cand[:, 1])
        idx = np.flatnonzero(todo)[hit]
        xy[idx] = cand[hit]
    placed = ~np.isnan(xy[:, 0])
    shrunk, owners, xy = shrunk[placed], owners[placed], xy[placed]
    n = len(xy)
    w, h, turn = rng.uniform(8, 18, n), rng.uniform(15, 40, n), rng.uniform(0, np.pi, n)
    corners = np.array([(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5), (-0.5, -0.5)])
    local_x, local_y = corners[None, :, 0] * w[:, None], corners[None, :, 1] * h[:, None]
    c, s_ = np.cos(turn)[:, None], np.sin(turn)[:, None]
    ring = np.stack([xy[:, :1] + c * local_x - s_ * local_y, xy[:, 1:] + s_ * local_x + c * local_y], axis=-1)
    blocks = shapely.intersection(shapely.polygons(ring), shrunk)
    good = (shapely.get_type_id(blocks) == 3) & (shapely.area(blocks) > 20)    # 3: Polygon
    return list(_to_lonlat(blocks[good])), owners[good].tolist()
