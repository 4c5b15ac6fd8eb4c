"""Buildings, checkpoints and incidents of the demo district: real OSM positions where they exist,
synthetic codes, statuses and cases on top so every dashboard page has something to show."""
from collections import defaultdict

import numpy as np
import shapely
from shapely import STRtree

from .build_areas import COS, GRID, m2, metric, named_roads, reading_order, rnd, snap

M_PER_DEG = np.array([111320 * COS, 110574])


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


def number_buildings(bld, levels) -> None:
    """Code = B + micro-grid code + sequence in reading order, so a QR code tells field staff where they are."""
    mcode = {a["members"][0]: a["code"] for a in levels["micro_grid"]}
    bxy = {i: np.array(p.coords[0]) for i, p in enumerate(bld["pos"])}
    bld["code"], bld["seq"] = "", 0
    for m, idx in bld.groupby("micro").groups.items():
        for seq, i in enumerate(reading_order(list(idx), bxy), 1):
            bld.at[i, "code"], bld.at[i, "seq"] = f"B{mcode[m]}{seq:03d}", seq
    assert bld["code"].is_unique


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
SOURCES = {"app": 35, "hotline": 30, "patrol": 20, "camera": 15}  # besides "qr", which depends on the category
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
    homes = (bhh + 5) / (bhh + 5).sum()  # reports come from where people live, but offices report too
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
        source = "qr" if cat not in NOT_QR and rng.random() < 0.2 else pick(*zip(*SOURCES.items()))
        source = "patrol" if source == "camera" and cat not in CAMERA else source
        bcode = ""
        if k < n_unlocated:  # on the river, > 100 m from land and from the edge of the study area
            source, status = pick(["app", "hotline"], [1, 1]), "unlocated"
            while True:
                x, y = snap(rng.uniform(box.bounds[:2], box.bounds[2:]))
                p = metric([shapely.Point(x, y)])[0]
                if river.contains(shapely.Point(x, y)) and p.distance(land_m) > 100 and p.distance(edge_m) > 100:
                    break
        elif source == "qr":  # scanned at the building: its point-on-surface
            b = int(rng.choice(len(bld), p=homes))
            bcode, (x, y) = bld["code"].iat[b], pos[b]
        else:
            while True:
                mode = rng.random()
                if source == "camera":
                    c = jitter(cams[rng.integers(len(cams))], 25)
                elif mode < 0.25:
                    c = jitter(hot[rng.integers(len(hot))], 60)
                elif mode < 0.7:
                    c = jitter(pos[rng.choice(len(pos), p=homes)], 20)
                else:
                    line = roads_geoms[rng.choice(len(roads_geoms), p=road_len / road_len.sum())]
                    c = jitter(np.array(line.interpolate(rng.random(), normalized=True).coords[0]), 6)
                x, y = snap(c)
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
    for col, allowed in [("category", set(cat_names)), ("source", set(SOURCES) | {"qr"}),
                         ("status", statuses)]:
        assert {r[col] for r in rows} == allowed, col
    return rows

