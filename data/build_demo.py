"""Build the synthetic grid-management demo in data/demo/ from the real OSM extract in data/osm/.

Real grid boundaries are not open data, so we cut a fictional but plausible hierarchy along real
roads and rivers. Output is byte-identical on every run (fixed seed, no timestamps).
Run: .venv/bin/python data/build_demo.py
"""
import csv
import heapq
import json
import re
import warnings
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely import STRtree

SEED = 20261123
HERE = Path(__file__).resolve().parent
OSM_DIR, OUT_DIR = HERE / "osm", HERE / "demo"
GRID = 1e-7                          # snapping grid = output precision (7 decimals)
METRIC = 32651                       # UTM 51N, for areas and distances
TARGET_MICRO = 300
COS = np.cos(np.radians(31.24))      # lon/lat aspect at Shanghai
M_PER_DEG = np.array([111320 * COS, 110574])
DISTRICT = ("310115", "浦江演示区")
STREETS = [("310115005", "陆家嘴演示街道"), ("310115006", "外滩演示街道"), ("310115007", "北外滩演示街道")]
BAD_ROAD_NAME = "隧道|地道|高架|桥|停车场|枢纽|匝道"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文辉力志宏海燕慧佳琳晨颖浩宇欣怡子涵思雨"


def read_layer(name: str) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():  # tile-split features repeat OSM ids; GDAL warns about that
        warnings.simplefilter("ignore", RuntimeWarning)
        return gpd.read_file(OSM_DIR / f"{name}.geojson")


def rnd(geom):
    """Round to 7 decimals, as the nearest double, so JSON prints exactly what was checked."""
    return shapely.transform(geom, lambda c: np.round(c * 1e7) / 1e7)


def metric(geoms) -> np.ndarray:
    return gpd.GeoSeries(list(geoms), crs=4326).to_crs(METRIC).to_numpy()


def m2(geoms) -> np.ndarray:
    """Area in m2; set operations stay in lon/lat, where shared edges are exact."""
    return shapely.area(metric(geoms))


def study_land(roads, water):
    """Study area (extent of the road/water tiles) minus the Huangpu and Suzhou river polygons."""
    box = rnd(shapely.box(*roads.total_bounds))
    polys = water[water.geom_type.isin(["Polygon", "MultiPolygon"])]
    rivers = polys[polys["name"].isin(["黄浦江", "苏州河"]) | (polys["kind"] == "riverbank")]
    river = shapely.intersection(shapely.union_all(rivers.geometry.values), box, grid_size=GRID)
    river = shapely.union_all([g for g in shapely.get_parts(river) if g.geom_type == "Polygon"])
    land = shapely.difference(box, river, grid_size=GRID)
    return box, river, land, sorted(shapely.get_parts(land), key=lambda g: -m2([g])[0])


def named_roads(roads):
    keep = roads["name"].notna() & roads["kind"].isin(["major_road", "minor_road"]) & (roads["is_tunnel"] != 1)
    return roads[keep & ~roads["name"].fillna("").str.contains(BAD_ROAD_NAME)]


def road_lines(roads, land) -> list:
    """Major and minor roads (no tunnels, no service driveways) clipped to land."""
    keep = roads["kind"].isin(["major_road", "minor_road"]) & (roads["is_tunnel"] != 1)
    clipped = shapely.intersection(roads[keep & (roads["kind_detail"] != "service")].geometry.values, land)
    return [g for g in clipped if not g.is_empty]


def polygonize_land(lines, land) -> np.ndarray:
    """Node the lines with the land outline on the 1e-7 grid; faces inside land share exact edges."""
    noded = shapely.union_all([*lines, land.boundary], grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    return rnd(faces[shapely.contains(land, shapely.point_on_surface(faces))])


def face_graph(faces):
    """Face areas, perimeters (m2, m) and the pairs sharing an edge with its length."""
    fm = metric(faces)
    i, j = STRtree(fm).query(fm, predicate="intersects")
    i, j = i[i < j], j[i < j]
    shared = shapely.length(shapely.intersection(shapely.boundary(fm[i]), shapely.boundary(fm[j])))
    ok = shared > 0.01
    return shapely.area(fm), shapely.length(fm), list(zip(i[ok].tolist(), j[ok].tolist())), shared[ok].tolist()


def merge_small(labels, graph, too_small):
    """Fold the smallest offending label into the neighbour it shares most border with, until none is left."""
    areas, perims, pairs, lengths = graph
    area, perim, nb = defaultdict(float), defaultdict(float), defaultdict(lambda: defaultdict(float))
    for f, lab in enumerate(labels):
        area[lab] += areas[f]
        perim[lab] += perims[f]
    for (i, j), length in zip(pairs, lengths):
        a, b = labels[i], labels[j]
        if a == b:
            perim[a] -= 2 * length
        else:
            nb[a][b] += length
            nb[b][a] += length
    parent, heap = {}, sorted((area[lab], lab) for lab in area if too_small(area[lab], perim[lab]))
    while heap:
        a, lab = heapq.heappop(heap)
        if lab in area and area[lab] == a and nb[lab]:
            tgt = min(nb[lab], key=lambda m: (-nb[lab][m], m))
            area[tgt], perim[tgt] = area[tgt] + area.pop(lab), perim[tgt] + perim.pop(lab) - 2 * nb[lab][tgt]
            for m, length in nb.pop(lab).items():
                del nb[m][lab]
                if m != tgt:
                    nb[tgt][m] = nb[m][tgt] = nb[tgt][m] + length
            parent[lab] = tgt
            if too_small(area[tgt], perim[tgt]):
                heapq.heappush(heap, (area[tgt], tgt))
    for lab in parent:  # resolve merge chains
        while parent[lab] in parent:
            parent[lab] = parent[parent[lab]]
    return [parent.get(lab, lab) for lab in labels]


def split_disconnected(labels, pairs) -> list:
    """Give every connected piece of a label its own label (union-find over shared edges)."""
    up = list(range(len(labels)))

    def find(x):
        while up[x] != x:
            up[x] = up[up[x]]
            x = up[x]
        return x
    for i, j in pairs:
        if labels[i] == labels[j]:
            up[find(i)] = find(j)
    return [find(i) for i in range(len(labels))]


def kmeans(pts: np.ndarray, k: int, rng, iters: int = 30) -> np.ndarray:
    """Plain Lloyd k-means with k-means++ seeding; returns the centres."""
    centres = [pts[rng.integers(len(pts))]]
    for _ in range(1, k):
        d2 = ((pts[:, None, :] - np.array(centres)[None]) ** 2).sum(-1).min(1)
        centres.append(pts[rng.choice(len(pts), p=d2 / d2.sum())])
    centres = np.array(centres, float)
    for _ in range(iters):
        assign = ((pts[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)
        for c in range(k):
            if (assign == c).any():
                centres[c] = pts[assign == c].mean(0)
    return centres


def voronoi_split(block, k, bld_xy, rng):
    """Voronoi cells of k-means centres (area samples + building points) and their internal edges in block."""
    x0, y0, x1, y1 = block.bounds
    step = np.sqrt(block.area / (40 * k))
    while True:
        gx, gy = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
        inside = shapely.contains_xy(block, gx.ravel(), gy.ravel())
        if inside.sum() >= 20 * k:
            break
        step /= 2
    pts = np.vstack([np.c_[gx.ravel()[inside], gy.ravel()[inside]], np.repeat(bld_xy, 3, axis=0)]) * [COS, 1]
    frame = shapely.transform(block, lambda c: c * [COS, 1])  # isotropic metres-ish space
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(kmeans(pts, k, rng)), extend_to=frame))
    cells = shapely.transform(cells, lambda c: c / [COS, 1])
    edges = [shapely.intersection(cells[a].boundary, cells[b].boundary) for a in range(k) for b in range(a + 1, k)]
    return cells, shapely.intersection(shapely.union_all([e for e in edges if e.length > 0]), block)


def build_micro_grids(land, roads, bld_pts, bld_hh, rng):
    """Road blocks, tiny/thin ones merged, big ones cut by Voronoi; returns micro-grids and their adjacency."""
    lines = road_lines(roads, land)
    faces = polygonize_land(lines, land)
    blk = merge_small(list(range(len(faces))), face_graph(faces),
                      lambda a, p: a < 4000 or (a < 20000 and 4 * np.pi * a / p**2 < 0.2))
    blocks = [shapely.union_all(faces[np.array(blk) == b], grid_size=GRID) for b in sorted(set(blk))]
    barea = m2(blocks)
    which = STRtree(blocks).query(bld_pts, predicate="within")
    bhh = np.bincount(which[1], weights=bld_hh[which[0]], minlength=len(blocks))
    size = barea / barea.mean() + bhh / max(bhh.mean(), 1)  # pieces per block: half area, half households
    goal = TARGET_MICRO * 1.04                               # the clean-up below merges a few percent
    mult = min(np.linspace(0.05, 3, 600), key=lambda m: abs(np.maximum(1, np.round(m * size)).sum() - goal))
    cells, cuts = {}, []
    for b, k in enumerate(np.maximum(1, np.round(mult * size)).astype(int)):
        if k > 1:
            bxy = shapely.get_coordinates(bld_pts[which[0][which[1] == b]])
            cells[b], cut = voronoi_split(blocks[b], k, bxy, rng)
            cuts.append(cut)
    faces = polygonize_land(lines + cuts, land)
    reps = shapely.point_on_surface(faces)
    labels = [int(b) * 1000 + (int(STRtree(cells[b]).query_nearest(reps[f])[0]) if b in cells else 0)
              for f, b in enumerate(STRtree(blocks).query_nearest(reps)[1])]
    graph = face_graph(faces)
    labels = merge_small(split_disconnected(labels, graph[2]), graph,
                         lambda a, p: a < 2500 or (a < 10000 and 4 * np.pi * a / p**2 < 0.25))
    index = {lab: n for n, lab in enumerate(sorted(set(labels)))}
    micro = [rnd(shapely.union_all(faces[np.array(labels) == lab], grid_size=GRID)) for lab in index]
    adj = defaultdict(dict)              # micro -> {neighbour: shared border in m}
    for (i, j), length in zip(graph[2], graph[3]):
        a, b = index[labels[i]], index[labels[j]]
        if a != b:
            adj[a][b] = adj[b][a] = adj[a].get(b, 0) + length
    return micro, adj


def prepare_buildings(bld, river, land):
    """Merge tile-split pieces by OSM id, fold building_part heights in, keep those on land; estimate households."""
    parts, bld = bld[bld["kind"] == "building_part"], bld[bld["kind"] == "building"]
    bld = bld.dissolve("id", aggfunc={"name": "first", "height": "max", "addr_street": "first",
                                      "addr_housenumber": "first"}).reset_index()
    bld["geometry"] = rnd(shapely.set_precision(bld.geometry.values, GRID))
    for p, b in zip(*STRtree(bld.geometry.values).query(shapely.point_on_surface(parts.geometry.values), "within")):
        bld.loc[b, "height"] = np.nanmax([bld.at[b, "height"], parts["height"].iloc[p]])
    geoms = bld.geometry.values
    assert all(g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid for g in geoms)
    wet = shapely.area(shapely.intersection(geoms, river)) > 0.5 * shapely.area(geoms)
    bld["pos"] = rnd(shapely.point_on_surface(geoms))
    n_total, bld = len(bld), bld[~wet & shapely.contains(land, bld["pos"].values)].reset_index(drop=True)
    # households = footprint x floors x residential share / 90 m2; towers and named venues are mostly offices
    foot = m2(bld.geometry)
    floors = np.clip(np.round(bld["height"].fillna(15).to_numpy() / 3), 1, 35)
    name = bld["name"].fillna("")
    share = np.where(bld["height"].fillna(0) >= 80, 0.08, np.where(foot > 1500, 0.25, 0.7))
    share = np.where(name.str.contains("大厦|中心|银行|酒店|广场|大楼|会议|馆|公司|海关|交易所|商场|购物|堂|阁|庙|[A-Za-z]"), 0.05, share)
    share = np.where(name.str.contains("公寓|小区|住宅|苑|新村|花园|里$"), 0.9, share)
    bld["households"] = np.where(foot < 40, 0, np.minimum(np.round(foot * floors * share / 90), 300)).astype(int)
    return bld, {"building_part": len(parts), "in water": int(wet.sum()), "off the study area": n_total - len(bld)}


def is_connected(members: set, nbrs) -> bool:
    seen, stack = {min(members)}, [min(members)]
    while stack:
        new = [m for m in nbrs[stack.pop()] if m in members and m not in seen]
        seen.update(new)
        stack += new
    return len(seen) == len(members)


def grow_groups(nodes, nbrs, xy, k, rng, weight) -> dict:
    """k contiguous groups of similar total weight: seeded region growing, then border moves that keep them compact."""
    k = max(1, min(k, len(nodes)))
    pts = np.array([xy[n] for n in nodes])
    centres, group = kmeans(pts, k, rng), {}
    for g, c in enumerate(centres):
        group[next(nodes[i] for i in np.argsort(((pts - c) ** 2).sum(1), kind="stable") if nodes[i] not in group)] = g
    size = {g: weight[n] for n, g in group.items()}
    while True:
        frontier = defaultdict(set)
        for n, g in group.items():
            frontier[g].update(m for m in nbrs[n] if m not in group)
        if not any(frontier.values()):
            break
        g = min((h for h in frontier if frontier[h]), key=lambda h: (size[h], h))
        pick = min(frontier[g], key=lambda m: (((xy[m] - centres[g]) ** 2).sum(), m))
        group[pick], size[g] = g, size[g] + weight[pick]
    for n in nodes:  # not reachable by adjacency (should not happen within a river bank)
        group.setdefault(n, int(((centres - xy[n]) ** 2).sum(1).argmin()))
    members = defaultdict(set)
    for n, g in group.items():
        members[g].add(n)
    size = {g: sum(weight[n] for n in ms) for g, ms in members.items()}
    moved = True
    while moved:
        moved = False
        for n in sorted(group):
            a, border = group[n], defaultdict(float)
            for m, length in nbrs[n].items():
                border[group[m]] += length
            for b in sorted(set(border) - {a}):
                if (size[b] + weight[n] < size[a] - 1e-9 and border[b] >= 0.5 * border[a] and len(members[a]) > 1
                        and is_connected(members[a] - {n}, nbrs)):
                    members[a].discard(n)
                    members[b].add(n)
                    size[a], size[b], group[n], moved = size[a] - weight[n], size[b] + weight[n], b, True
                    break
    return group


def reading_order(keys, xy) -> list:
    return sorted(keys, key=lambda n: (-round(xy[n][1], 3), xy[n][0]))


def person(rng) -> tuple[str, str]:
    given = "".join(GIVEN[i] for i in rng.integers(len(GIVEN), size=rng.integers(1, 3)))
    prefix = ["139", "138", "137", "136", "135", "158", "186", "189"][rng.integers(8)]
    return SURNAMES[rng.integers(len(SURNAMES))] + given, prefix + "".join(map(str, rng.integers(10, size=8)))


def community_names(polys, roads) -> list[str]:
    """Name each community after the named road it contains most of (stem only: 浦东南路 -> 浦东社区)."""
    named, used, out = named_roads(roads), set(), []
    for poly in polys:
        totals = defaultdict(float)
        for nm, ln in zip(named["name"], shapely.length(shapely.intersection(named.geometry.values, poly))):
            totals[nm] += ln
        stems = [re.sub("(环路|大道|[东西南北中]?[一二三四]?路|街)$", "", nm) for nm in sorted(totals, key=lambda n: (-totals[n], n))]
        used.add(stem := next((s for s in stems if len(s) >= 2 and s not in used), f"滨江{len(out) + 1}"))
        out.append(f"{stem}社区")
    return out


def build_hierarchy(micro, adj, street_parts, roads, hh, rng) -> dict:
    """Streets = river banks; grids = ~7.5 contiguous micro-grids; communities = ~4 grids / ~9k residents."""
    xy = {i: np.array(shapely.point_on_surface(g).coords[0]) * [COS, 1] for i, g in enumerate(micro)}
    street_of = STRtree(street_parts).query_nearest([shapely.point_on_surface(g) for g in micro])[1]
    lv = {"district": [dict(code=DISTRICT[0], name=DISTRICT[1], parent_code=None, members=list(range(len(micro))))],
          "street": [], "community": [], "grid": [], "micro_grid": []}
    for s, (scode, sname) in enumerate(STREETS[:len(street_parts)]):
        nodes = [i for i in range(len(micro)) if street_of[i] == s]
        g_of = grow_groups(nodes, adj, xy, round(len(nodes) / 7.5), rng, defaultdict(lambda: 1.0))
        grids = sorted(set(g_of.values()))
        gxy = {g: np.mean([xy[n] for n in nodes if g_of[n] == g], 0) for g in grids}
        gadj = {g: defaultdict(float) for g in grids}
        for n in nodes:
            for m, length in adj[n].items():
                if g_of[m] != g_of[n]:
                    gadj[g_of[n]][g_of[m]] += length
        ghh = {g: sum(hh[n] for n in nodes if g_of[n] == g) for g in grids}
        weight = {g: 0.8 + ghh[g] / max(np.mean(list(ghh.values())), 1) for g in grids}  # grid count and households
        n_comm = max(min(2, len(grids)), round((len(grids) / 4 + sum(ghh.values()) * 2.6 / 9000) / 2))
        c_of = grow_groups(grids, gadj, gxy, n_comm, rng, weight)
        cxy = {c: np.mean([gxy[g] for g in grids if c_of[g] == c], 0) for c in set(c_of.values())}
        lv["street"].append(dict(code=scode, name=sname, parent_code=DISTRICT[0], members=nodes))
        for ci, c in enumerate(reading_order(sorted(cxy), cxy), 1):
            ccode, cgrids = f"{scode}{ci:03d}", reading_order([g for g in grids if c_of[g] == c], gxy)
            cmembers = [n for n in nodes if c_of[g_of[n]] == c]
            lv["community"].append(dict(code=ccode, parent_code=scode, members=cmembers))
            for gi, g in enumerate(cgrids, 1):
                ms = reading_order([n for n in nodes if g_of[n] == g], xy)
                lv["grid"].append(dict(code=f"{ccode}{gi:03d}", parent_code=ccode, gnum=gi, members=ms))
                lv["micro_grid"] += [dict(code=f"{ccode}{gi:03d}{mi:02d}", name=f"第{gi}网格-微网格{mi:02d}",
                                          parent_code=f"{ccode}{gi:03d}", members=[n]) for mi, n in enumerate(ms, 1)]
    for a in (a for items in lv.values() for a in items):
        a["geometry"] = rnd(shapely.union_all([micro[n] for n in a["members"]], grid_size=GRID))
    for a, name in zip(lv["community"], community_names([a["geometry"] for a in lv["community"]], roads)):
        a["name"] = name
    cname = {a["code"]: a["name"] for a in lv["community"]}
    for a in lv["grid"]:
        a["name"] = f"{cname[a['parent_code']]}第{a['gnum']}网格"
    pop = {a["members"][0]: int(round(hh[a["members"][0]] * 2.6 * rng.uniform(0.9, 1.1))) for a in lv["micro_grid"]}
    for a in (a for items in lv.values() for a in items):
        a["households"], a["population"] = int(sum(hh[n] for n in a["members"])), sum(pop[n] for n in a["members"])
        a["responsible_name"], a["responsible_phone"] = person(rng)
    return lv


def validate(levels, land, river) -> dict:
    """Assert every level exactly tiles its parent (m2 in UTM 51N) and the district is land minus river."""
    worst = {"cover": 0.0, "overlap": 0.0}
    order = ["district", "street", "community", "grid", "micro_grid"]
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


def building_addresses(bld, roads) -> list[str]:
    """OSM address if tagged, else nearest named road within 150 m + a number from the position along it."""
    named = named_roads(roads)
    names = sorted(set(named["name"]))
    lines = metric([shapely.line_merge(shapely.union_all(named[named["name"] == n].geometry.values)) for n in names])
    pm = metric(bld["pos"])
    (pi, li), dist = STRtree(lines).query_nearest(pm, return_distance=True, all_matches=False)
    out = [""] * len(bld)
    for p, line, d in zip(pi, li, dist):
        street, number = bld["addr_street"].iat[p], bld["addr_housenumber"].iat[p]
        if isinstance(street, str) and isinstance(number, str):
            out[p] = f"{street}{number}" + ("" if number.endswith("号") else "号")
        elif d <= 150:
            part = min(shapely.get_parts(lines[line]), key=lambda g: g.distance(pm[p]))
            along = part.project(pm[p])
            a, b = (np.array(part.interpolate(t).coords[0]) for t in (along, min(along + 1, part.length)))
            (dx, dy), (px, py) = b - a, np.array(pm[p].coords[0]) - a
            out[p] = f"{names[line]}{2 * int(along // 15) + 1 + int(dx * py - dy * px > 0)}号"  # odd/even by side
    return out


def make_checkpoints(pois, micro_tree, rng) -> tuple[list[dict], int]:
    """Gates, traffic signals (junction cameras) and subway entrances (cameras) inside the district."""
    kinds = {"gate": ("gate", "出入口门岗"), "traffic_signals": ("junction", "路口卡口"), "subway_entrance": ("camera", "地铁口监控")}
    feats, count, nudged = [], defaultdict(int), 0
    for _, row in pois[pois["kind"].isin(list(kinds))].sort_values(["kind", "id"]).iterrows():
        pt, hits = rnd(row.geometry), micro_tree.query(row.geometry, predicate="intersects")
        if len(hits) == 0:
            continue
        if len(micro_tree.query(pt, predicate="within")) != 1:  # on a road = micro-grid edge: nudge 0.5 m inside
            inner = shapely.point_on_surface(micro_tree.geometries[hits.min()])
            pt, nudged = rnd(shapely.line_interpolate_point(shapely.LineString([pt, inner]), 5e-6)), nudged + 1
            assert len(micro_tree.query(pt, predicate="within")) == 1, row["id"]
        kind, label = kinds[row["kind"]]
        count[kind] += 1
        name = row["name"] if isinstance(row["name"], str) else f"{label} {count[kind]}"
        name = f"地铁{name}号口监控" if name.isdigit() else name
        online = rng.random() >= 0.1
        feats.append({"type": "Feature", "geometry": shapely.geometry.mapping(pt), "properties": {
            "code": f"CP{len(feats) + 1:04d}", "kind": kind, "name": name, "status": "online" if online else "offline",
            "last_seen_minutes_ago": int(rng.integers(0, 6) if online else rng.integers(90, 4320)),
            "osm_id": int(row["id"])}})
    return feats, nudged


DESCRIPTIONS = {  # category: (weight, texts)
    "environment": (8, "绿化带内有人倾倒建筑垃圾|河道沿岸漂浮垃圾较多|餐饮店油烟直排，气味刺鼻|工地扬尘严重，未覆盖防尘网"),
    "appearance": (7, "沿街商铺跨门营业，占用人行道|墙面乱张贴小广告|违规设置户外广告牌|非机动车乱停放，影响市容"),
    "facilities": (6, "小区健身器材损坏，存在安全隐患|公共座椅破损|果壳箱破损需更换|宣传栏玻璃碎裂"),
    "safety_hazard": (6, "楼道内堆放杂物，堵塞消防通道|电动车在楼道内充电|高空悬挂物松动，有坠落风险|施工围挡倾斜，存在倒塌隐患"),
    "traffic": (6, "路口信号灯故障，车辆通行混乱|机动车违停占用消防通道|共享单车堆积阻碍通行|学校门口上下学时段拥堵严重"),
    "noise": (6, "夜间施工噪声扰民|广场舞音响音量过大|商铺高音喇叭招揽生意|空调外机噪音大，影响休息"),
    "dispute": (4, "邻里因楼上漏水发生纠纷|业主与物业因停车费发生争执|租户与房东押金纠纷|邻居占用公共走道引发矛盾"),
    "services": (4, "独居老人需要上门探访|咨询居住证办理流程|申请社区居家养老服务|残疾人申请无障碍设施改造"),
    "power": (3, "小区突发停电，电梯停运|路边电箱门未关闭，线路外露|架空电线下垂，离地过低|楼道电表箱冒烟有焦味"),
    "water": (3, "小区水压不足，高层无水|自来水发黄有异味|路面水管爆裂，大量跑水|水表井盖缺失"),
    "drainage": (4, "小区门口雨水井堵塞，积水严重|下雨后路面积水没过脚踝|污水管道返溢，臭味明显|化粪池满溢，需要清掏"),
    "lighting": (3, "路灯不亮，夜间行走不安全|小区楼道灯损坏|路灯白天常亮|景观灯线路破损"),
    "road": (4, "人行道地砖松动破损|路面出现坑洼，车辆颠簸|窨井盖缺失，存在安全隐患|盲道被占用或损坏"),
    "sanitation": (7, "垃圾桶满溢未及时清运|公共厕所卫生状况差|垃圾分类投放点脏乱|街面有动物粪便未清理"),
    "other": (2, "发现流浪犬在小区内游荡|楼顶鸽群影响居民生活|咨询社区活动报名方式|快递柜故障无法取件"),
}
NOT_QR = {"traffic", "appearance", "road"}                  # street problems: nobody scans a building code
CAMERA = {"traffic", "appearance", "environment", "sanitation", "safety_hazard", "road"}
URGENT = {"safety_hazard": 0.35, "power": 0.2, "water": 0.2, "drainage": 0.15, "traffic": 0.1}
STATUS_BY_AGE = [  # (younger than hours, {status: weight}): recent cases open, old ones closed
    (12, {"assigned": 45, "accepted": 30, "in_progress": 20, "cancelled": 5}),
    (72, {"accepted": 15, "in_progress": 35, "feedback": 25, "verified": 10, "closed": 10, "cancelled": 5}),
    (336, {"in_progress": 8, "feedback": 12, "verified": 15, "closed": 35, "evaluated": 20, "reopened": 5,
           "cancelled": 5}),
    (2161, {"verified": 3, "closed": 45, "evaluated": 43, "reopened": 4, "cancelled": 5}),
]


def make_incidents(bld, micro_tree, checkpoints, roads_geoms, river, box, land, rng, n=400, n_unlocated=4) -> list:
    """Fictional incidents: hot spots, near homes, along roads, at cameras, QR scans, and a few off the map."""
    def pick(items, weights):
        return items[rng.choice(len(items), p=np.asarray(weights, float) / np.sum(weights))]

    def jitter(xy, metres):
        return xy + rng.normal(0, metres, 2) / M_PER_DEG

    pos, bhh = shapely.get_coordinates(bld["pos"].values), bld["households"].to_numpy()
    hot = pos[rng.choice(np.flatnonzero(bhh > 0), 4, replace=False)]
    cams = np.array([f["geometry"]["coordinates"] for f in checkpoints if f["properties"]["kind"] != "gate"])
    road_len, cat_names = shapely.length(roads_geoms), list(DESCRIPTIONS)
    land_m, edge_m = metric([land, box.boundary])
    weights = [w for w, _ in DESCRIPTIONS.values()]
    cats = cat_names * 5 + [pick(cat_names, weights) for _ in range(n - 5 * len(cat_names))]  # every one >= 5
    rng.shuffle(cats)
    rows = []
    for k, cat in enumerate(cats):
        age = round(float(rng.uniform(0, 240) if k < n_unlocated else min(
            rng.exponential(40) if rng.random() < 0.3 else rng.uniform(0, 2160), 2160)), 2)
        status = pick(*zip(*next(s for lim, s in STATUS_BY_AGE if age < lim).items()))
        source = "qr" if cat not in NOT_QR and rng.random() < 0.2 else pick(["app", "hotline", "patrol", "camera"],
                                                                              [35, 30, 20, 15])
        source = "patrol" if source == "camera" and cat not in CAMERA else source
        bcode = ""
        if k < n_unlocated:  # on the river, > 100 m from land and from the edge of the study area
            source, status = pick(["app", "hotline"], [1, 1]), "unlocated"
            while True:
                x, y = np.round(rng.uniform(box.bounds[:2], box.bounds[2:]) * 1e7) / 1e7
                p = metric([shapely.Point(x, y)])[0]
                if river.contains(shapely.Point(x, y)) and p.distance(land_m) > 100 and p.distance(edge_m) > 100:
                    break
        elif source == "qr":  # scanned at the building: its point-on-surface
            b = int(rng.choice(len(bld), p=(bhh + 5) / (bhh + 5).sum()))
            bcode, (x, y) = bld["code"].iat[b], pos[b]
        else:
            while True:
                mode = rng.random()
                if source == "camera":
                    c = jitter(cams[rng.integers(len(cams))], 25)
                elif mode < 0.25:
                    c = jitter(hot[rng.integers(len(hot))], 60)
                elif mode < 0.7:
                    c = jitter(pos[rng.choice(len(pos), p=(bhh + 5) / (bhh + 5).sum())], 20)
                else:
                    line = roads_geoms[rng.choice(len(roads_geoms), p=road_len / road_len.sum())]
                    c = jitter(np.array(line.interpolate(rng.random(), normalized=True).coords[0]), 6)
                x, y = np.round(c * 1e7) / 1e7
                if len(micro_tree.query(shapely.Point(x, y), predicate="within")) == 1:
                    break
        rows.append({"client_ref": "", "lon": f"{x:.7f}", "lat": f"{y:.7f}", "category": cat,
                     "description": pick(DESCRIPTIONS[cat][1].split("|"), [1] * 4), "source": source,
                     "building_code": bcode, "status": status, "hours_ago": f"{age:.2f}",
                     "urgent": int(rng.random() < URGENT.get(cat, 0.05))})
    rows.sort(key=lambda r: -float(r["hours_ago"]))  # oldest first, like an export
    for i, r in enumerate(rows, 1):
        r["client_ref"] = f"demo-{i:04d}"
    statuses = {s for _, d in STATUS_BY_AGE for s in d} | {"unlocated"}
    for col, allowed in [("category", set(cat_names)), ("source", {"app", "qr", "hotline", "patrol", "camera"}),
                         ("status", statuses)]:
        assert {r[col] for r in rows} == allowed, col
    return rows


def main() -> None:
    rng = np.random.default_rng(SEED)
    roads, water, pois = read_layer("roads"), read_layer("water"), read_layer("pois")
    box, river, land, street_parts = study_land(roads, water)
    assert shapely.centroid(street_parts[0]).x > shapely.centroid(street_parts[1]).x, "largest bank is Pudong"
    bld, dropped = prepare_buildings(read_layer("buildings"), river, land)
    micro, adj = build_micro_grids(land, roads, bld["pos"].values, bld["households"].to_numpy(), rng)
    assert 250 <= len(micro) <= 350, len(micro)
    tree = STRtree(micro)
    hit = tree.query(bld["pos"].values, predicate="within")
    assert np.array_equal(np.sort(hit[0]), np.arange(len(bld))), "every building lies in exactly one micro-grid"
    bld["micro"] = hit[1][np.argsort(hit[0])]
    hh = np.bincount(bld["micro"], weights=bld["households"], minlength=len(micro)).astype(int)
    levels = build_hierarchy(micro, adj, street_parts, roads, hh, rng)
    worst = validate(levels, land, river)

    mcode = {a["members"][0]: a["code"] for a in levels["micro_grid"]}
    bxy = {i: np.array(p.coords[0]) for i, p in enumerate(bld["pos"])}
    bld["code"], bld["seq"] = "", 0
    for m, idx in bld.groupby("micro").groups.items():
        for seq, i in enumerate(reading_order(list(idx), bxy), 1):
            bld.at[i, "code"], bld.at[i, "seq"] = f"B{mcode[m]}{seq:03d}", seq
    assert bld["code"].is_unique
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
    rows = make_incidents(bld, tree, checkpoints, np.array(road_lines(roads, land)), river, box, land, rng)
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
