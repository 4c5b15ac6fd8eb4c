"""Build the demo district in data/demo/ from the OSM extract in data/osm/: the app needs realistic grid data
that can be published, and real grid boundaries are not open. Fixed seed, no timestamps: same bytes every run.

Run: .venv/bin/python -m gisapp.demo.build
"""
import csv
import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely import STRtree

from .build_areas import GRID, build_hierarchy, build_micro_grids, keep_buildings_whole, m2, rnd, road_lines, study_land
from .build_features import building_addresses, make_checkpoints, make_incidents, number_buildings, prepare_buildings

SEED = 20261123
HERE = Path(__file__).resolve().parent
OSM_DIR, OUT_DIR = HERE / "osm", HERE / "data"


def read_layer(name: str) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():  # tile-split features repeat OSM ids; GDAL warns about that
        warnings.simplefilter("ignore", RuntimeWarning)
        return gpd.read_file(OSM_DIR / f"{name}.geojson")


def validate(levels, land, river) -> dict:
    """Assert every level exactly tiles its parent (m2 in UTM 51N) and the district is land minus river."""
    worst = {"cover": 0.0, "overlap": 0.0}
    order = list(levels)  # top down
    for a in (a for lvl in order for a in levels[lvl]):
        assert not a["geometry"].is_empty and shapely.is_valid(a["geometry"]), a["code"]
    for up, down in zip(order, order[1:]):
        for p in levels[up]:
            kids_ = [c for c in levels[down] if c["parent_code"] == p["code"]]
            kids = np.array([c["geometry"] for c in kids_])
            cover = m2([shapely.symmetric_difference(shapely.union_all(kids), p["geometry"])])[0]
            i, j = STRtree(kids).query(kids, predicate="intersects")
            over = m2(shapely.intersection(kids[i[i < j]], kids[j[i < j]])).max(initial=0.0)
            assert cover < 1.0 and over < 0.01, (p["code"], cover, over)
            assert sum(c["population"] for c in kids_) == p["population"], p["code"]
            worst = {"cover": max(worst["cover"], cover), "overlap": max(worst["overlap"], over)}
    d = levels["district"][0]["geometry"]
    worst["district_vs_land"], worst["district_in_water"] = m2([shapely.symmetric_difference(d, land), d & river])
    # road/cut ends on the diagonal river banks snap to the 1e-7 grid: slivers under 1 cm wide
    assert worst["district_vs_land"] < 10.0 and worst["district_in_water"] < 5.0, worst
    return {k: float(v) for k, v in worst.items()}


def feature(props, geom, multi=True) -> dict:
    """GeoJSON feature with RFC 7946 ring orientation; areas are always MultiPolygon."""
    geom = shapely.MultiPolygon([geom]) if multi and geom.geom_type == "Polygon" else geom
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(shapely.orient_polygons(geom))}


def write_geojson(path: Path, features: list[dict]) -> None:
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    path.write_text('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n", encoding="utf-8")


def main() -> None:
    rng = np.random.default_rng(SEED)
    roads, water, pois = read_layer("roads"), read_layer("water"), read_layer("pois")
    box, river, land, street_parts = study_land(roads, water)
    assert shapely.centroid(street_parts[0]).x > shapely.centroid(street_parts[1]).x, "largest bank is Pudong"
    bld, dropped = prepare_buildings(read_layer("buildings"), river, land)
    lines = road_lines(roads, land)
    micro, adj = build_micro_grids(land, lines, bld["pos"].values, bld["households"].to_numpy(), rng)
    assert 250 <= len(micro) <= 350, len(micro)
    tree = STRtree(micro)
    hit = tree.query(bld["pos"].values, predicate="within")
    assert np.array_equal(np.sort(hit[0]), np.arange(len(bld))), "every building lies in exactly one micro-grid"
    bld["micro"] = hit[1][np.argsort(hit[0])]
    hh = np.bincount(bld["micro"], weights=bld["households"], minlength=len(micro)).astype(int)
    levels = build_hierarchy(micro, adj, street_parts, roads, hh, rng)
    # then each building whole in its micro-grid, and every level again the union of its micro-grids
    micro = keep_buildings_whole(micro, bld.geometry.values)
    for a in (a for items in levels.values() for a in items):
        a["geometry"] = rnd(shapely.union_all([micro[n] for n in a["members"]], grid_size=GRID))
    tree = STRtree(micro)
    hit = tree.query(bld["pos"].values, predicate="within")
    bld["micro"] = hit[1][np.argsort(hit[0])]
    worst = validate(levels, land, river)

    number_buildings(bld, levels)
    bld["address"] = building_addresses(bld, roads)
    bld = bld.sort_values("code").reset_index(drop=True)
    OUT_DIR.mkdir(exist_ok=True)
    keys = ["code", "name", "parent_code", "population", "households", "responsible_name", "responsible_phone"]
    for lvl, items in levels.items():
        write_geojson(OUT_DIR / f"areas_{lvl}.geojson",
                      [feature({k: a[k] for k in keys}, a["geometry"]) for a in sorted(items, key=lambda a: a["code"])])
    write_geojson(OUT_DIR / "buildings.geojson", [feature({
        "code": r.code, "name": r.name if isinstance(r.name, str) else f"{int(r.seq)}号楼", "address": r.address,
        "households": int(r.households), "osm_id": int(r.id)}, r.geometry, multi=False) for r in bld.itertuples()])
    checkpoints, nudged = make_checkpoints(pois, tree, rng)
    write_geojson(OUT_DIR / "checkpoints.geojson", checkpoints)
    rows = make_incidents(bld, tree, checkpoints, np.array(lines), river, box, land, rng)
    with open(OUT_DIR / "incidents.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    area, per = m2(micro), np.bincount(bld["micro"], minlength=len(micro))
    for lvl, items in levels.items():
        pops = [a["population"] for a in items]
        print(f"areas_{lvl}.geojson: {len(items)} (population {min(pops)}-{max(pops)}, total {sum(pops)})")
    print(f"buildings.geojson: {len(bld)} (dropped: {dropped})")
    print(f"checkpoints.geojson: {len(checkpoints)} ({nudged} nudged 0.5 m off a micro-grid edge)")
    print(f"incidents.csv: {len(rows)} ({sum(r['status'] == 'unlocated' for r in rows)} unlocated)")
    print(f"micro-grid area m2 min/median/max: {area.min():.0f}/{np.median(area):.0f}/{area.max():.0f}; "
          f"buildings per micro-grid: {per.min()}/{np.median(per):.0f}/{per.max()}")
    print("max errors m2:", {k: float(f"{v:.3g}") for k, v in worst.items()})


if __name__ == "__main__":
    main()
