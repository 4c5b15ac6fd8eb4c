"""Area hierarchy of the demo district: real grid boundaries are not open data, so we cut fictional ones
along real roads and rivers. Also the lon/lat precision and metric helpers the other demo modules share."""
import heapq
import re
from collections import defaultdict

import geopandas as gpd
import numpy as np
import shapely
from shapely import STRtree

GRID = 1e-7                          # snapping grid = output precision (7 decimals)
METRIC = 32651                       # UTM 51N, for areas and distances
TARGET_MICRO = 300
COS = np.cos(np.radians(31.24))      # lon/lat aspect at Shanghai
DISTRICT = ("310115", "浦江演示区")
STREETS = [("310115005", "陆家嘴演示街道"), ("310115006", "外滩演示街道"), ("310115007", "北外滩演示街道")]
BAD_ROAD_NAME = "隧道|地道|高架|桥|停车场|枢纽|匝道"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文辉力志宏海燕慧佳琳晨颖浩宇欣怡子涵思雨"


def snap(c):
    """Round to 7 decimals, as the nearest double, so JSON and CSV print exactly what was checked."""
    return np.round(c * 1e7) / 1e7


def rnd(geom):
    return shapely.transform(geom, snap)


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


def surface_roads(roads):
    """Major and minor roads outside tunnels: the ones that split land and carry street names."""
    return roads["kind"].isin(["major_road", "minor_road"]) & (roads["is_tunnel"] != 1)


def named_roads(roads):
    """Roads whose names suit an address or a community (no bridges, ramps or tunnels)."""
    keep = roads["name"].notna() & surface_roads(roads)
    return roads[keep & ~roads["name"].fillna("").str.contains(BAD_ROAD_NAME)]


def road_lines(roads, land) -> list:
    """Surface roads clipped to land, without service driveways, which would cut blocks into slivers."""
    keep = surface_roads(roads) & (roads["kind_detail"] != "service")
    clipped = shapely.intersection(roads[keep].geometry.values, land)
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
    """Give every connected piece of a label its own label: a Voronoi cell cut by a road becomes two areas."""
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
    """Lloyd k-means with k-means++ seeding on our own rng, so results never depend on a library version."""
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


def build_micro_grids(land, lines, bld_pts, bld_hh, rng):
    """Road blocks, tiny/thin ones merged, big ones cut by Voronoi; returns micro-grids and their adjacency."""
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


def is_connected(members: set, nbrs) -> bool:
    """A border move must not split the group it leaves."""
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
    """North to south, then west to east, so sequence numbers read like a map."""
    return sorted(keys, key=lambda n: (-round(xy[n][1], 3), xy[n][0]))


def person(rng) -> tuple[str, str]:
    """Random, fictional responsible person and mobile number: the demo must name no real people."""
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
    reps = shapely.point_on_surface(micro)
    xy = {i: np.array(p.coords[0]) * [COS, 1] for i, p in enumerate(reps)}
    street_of = STRtree(street_parts).query_nearest(reps)[1]
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



def keep_buildings_whole(micro, footprints) -> list:
    """Give each building's footprint whole to the micro-grid holding most of it: a Voronoi cut through a
    building would split its households between two workers (validation's split_building). Overlapping
    footprints go together. A micro-grid that would lose most of itself keeps its part: the building then
    stays split, and validation says so."""
    micro, footprints = list(micro), np.asarray(footprints)
    group = np.arange(len(footprints))                 # union-find over overlapping footprints
    for a, b in zip(*STRtree(footprints).query(footprints, predicate="overlaps")):
        ra, rb = _root(group, a), _root(group, b)
        group[max(ra, rb)] = min(ra, rb)
    roots = np.array([_root(group, n) for n in range(len(footprints))])
    tree = STRtree(micro)
    for r in np.unique(roots):
        foot = shapely.union_all(footprints[roots == r], grid_size=GRID)
        near = tree.query(foot, predicate="intersects")
        if len(near) < 2:
            continue
        parts = {int(k): _polygonal(shapely.intersection(micro[k], foot, grid_size=GRID)) for k in near}
        j = max(parts, key=lambda k: shapely.area(parts[k]))
        for k, taken in parts.items():
            if k != j and 0 < shapely.area(taken) < 0.8 * shapely.area(micro[k]):
                micro[k] = rnd(_polygonal(shapely.difference(micro[k], taken, grid_size=GRID)))
                micro[j] = rnd(_polygonal(shapely.union(micro[j], taken, grid_size=GRID)))
    return micro


def _root(group, n):
    while group[n] != n:
        n = group[n]
    return n


def _polygonal(geom):
    """The polygons of an overlay's result, without the lines and points where shapes only touch."""
    return shapely.union_all([p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"], grid_size=GRID)
