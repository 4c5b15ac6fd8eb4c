"""The planner's edits of a draft, made so that no edit opens a gap or an overlap: every shape a planner draws
is snapped to the borders near it and then given to one area and taken from its siblings in the same
statement set, so shared borders stay shared (the guarantee comes from the server: issue 10 §5).
Each edit is logged in area_edit with the rows it changed as they were, so undo replays it backwards, and
an edit names the versions the planner saw, so a second planner's stale save is refused, never applied.
"""

from __future__ import annotations

import json

import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from gisapp.core.errors import N_, ApiError, Text
from gisapp.core.settings import Settings, get_settings
from gisapp.core.vocabulary import LEVEL_CODES

from .edits import Attributes, Draw, Merge, Split, Transfer

POLYGONAL = "ST_Multi(ST_CollectionExtract({}, 3))"
SNAPSHOT = """SELECT coalesce(jsonb_agg(to_jsonb(a) - 'geom' - 'area_m2'
                                   || jsonb_build_object('geom', encode(ST_AsEWKB(a.geom), 'hex')) ORDER BY a.id), '[]')
              FROM area a WHERE a.id = ANY(:ids)"""
COLUMNS = "level, code, name, parent_id, population, households, responsible_name, responsible_phone, geom, origin_id"


def refuse(status: int, field: str, msgid: str, **params) -> ApiError:
    return ApiError(status, [(field, Text(msgid, **params))])


def _draft(conn: Connection, generation: int) -> None:
    found = conn.scalar(sa.text("SELECT state FROM generation WHERE id = :g FOR UPDATE"), {"g": generation})
    if found is None:
        raise refuse(404, "generation", N_("no generation %(generation)s"), generation=generation)
    if found != "draft":
        raise refuse(409, "generation", N_("generation %(generation)s is %(state)s: edit a draft"),
                     generation=generation, state=found)


def _area(conn: Connection, generation: int, code: str, version: int | None, field: str = "code") -> dict:
    """The area, locked; refused when it is gone or another edit changed it since `version`."""
    row = conn.execute(sa.text("""SELECT id, level, code, name, parent_id, version, population, households
                                  FROM area WHERE generation_id = :g AND code = :c FOR UPDATE"""),
                       {"g": generation, "c": code}).mappings().first()
    if row is None:
        raise refuse(404, field, N_("no area %(code)s in generation %(generation)s"), code=code, generation=generation)
    if version is not None and row["version"] != version:
        last = conn.execute(sa.text("""SELECT actor, action, to_char(at, 'HH24:MI:SS') AS at FROM area_edit
                                       WHERE generation_id = :g AND :a = ANY(touched) ORDER BY id DESC LIMIT 1"""),
                            {"g": generation, "a": row["id"]}).mappings().first()
        raise refuse(409, field, N_("area %(code)s changed since you opened it (version %(seen)s, now %(now)s: "
                                    "%(edit)s by %(actor)s at %(at)s); look at it again"),
                     code=code, seen=version, now=row["version"], edit=last["action"] if last else "attributes",
                     actor=last["actor"] if last else "-", at=last["at"] if last else "-")
    return dict(row)


def _shape(conn: Connection, generation: int, wkt: str, settings: Settings) -> str:
    """The drawn shape, snapped to the borders of the draft's areas within about GISAPP_EDIT_SNAP_M, as EWKT."""
    return conn.scalar(sa.text("""
        SELECT ST_AsEWKT(ST_MakeValid(ST_Snap(x.g, coalesce(
                   (SELECT ST_Collect(ST_Boundary(a.geom)) FROM area a
                    WHERE a.generation_id = :g AND a.geom && ST_Expand(x.g, x.tol)), x.g), x.tol)))
        FROM (SELECT ST_GeomFromText(:wkt, 4326) AS g,
                     :m / (111320 * greatest(cosd(ST_Y(ST_Centroid(ST_GeomFromText(:wkt, 4326)))), 0.01)) AS tol) x"""),
        {"g": generation, "wkt": wkt, "m": settings.edit_snap_m})


def _polygon(vertices) -> str:
    shape = shapely.make_valid(shapely.Polygon(vertices))
    parts = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon" and p.area > 0]
    if not parts:
        raise refuse(422, "polygon", N_("the drawn polygon has no area"))
    return shapely.MultiPolygon(parts).wkt


def _log(conn: Connection, generation: int, actor: str, action: str, summary: dict, before: str,
         created: list[int], touched: list[int]) -> int:
    """Record the edit, with its areas as it left them (undo refuses when they changed since)."""
    return conn.scalar(sa.text("""
        INSERT INTO area_edit (generation_id, actor, action, summary, before, created, touched, after)
        VALUES (:g, :actor, :action, CAST(:summary AS jsonb), CAST(:before AS jsonb), :created, :touched,
                CAST(:after AS jsonb))
        RETURNING id"""), {"g": generation, "actor": actor, "action": action, "summary": _json(summary),
                           "before": before, "created": created, "touched": touched,
                           "after": _before(conn, touched)})


def _unversioned(rows: list[dict]) -> dict[int, dict]:
    """Snapshot rows by id, without the version (an undo counts versions up but restores everything else)."""
    return {r["id"]: {k: v for k, v in r.items() if k != "version"} for r in rows}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _before(conn: Connection, ids: list[int]) -> str:
    return _json(conn.scalar(sa.text(SNAPSHOT), {"ids": ids}))


def _take(conn: Connection, generation: int, receiver: dict, piece: str, exclude: list[int]) -> list[int]:
    """Take `piece` (EWKT, inside the receiver's parent) from the receiver's siblings and their children
    whose inner point it holds; returns the siblings it touched. A sibling it would swallow whole refuses."""
    siblings = [dict(r) for r in conn.execute(sa.text("""
        SELECT id, code, ST_Area(ST_Difference(geom, ST_GeomFromEWKT(:t))) = 0 AS swallowed FROM area
        WHERE generation_id = :g AND level = CAST(:l AS area_level) AND parent_id IS NOT DISTINCT FROM :p
          AND id <> ALL(:x) AND geom && ST_GeomFromEWKT(:t) AND ST_Relate(geom, ST_GeomFromEWKT(:t), '2********')
        ORDER BY id FOR UPDATE"""), {"g": generation, "l": receiver["level"], "p": receiver["parent_id"],
                                     "x": exclude, "t": piece}).mappings()]
    for s in siblings:
        if s["swallowed"]:
            raise refuse(409, "polygon", N_("the shape covers all of %(code)s: merge it instead"), code=s["code"])
    return [s["id"] for s in siblings]


def _children_in(conn: Connection, parents: list[int], piece: str) -> list[int]:
    return list(conn.scalars(sa.text("""SELECT id FROM area WHERE parent_id = ANY(:p)
        AND ST_Covers(ST_GeomFromEWKT(:t), ST_PointOnSurface(geom)) ORDER BY id"""), {"p": parents, "t": piece}))


def _move(conn: Connection, receiver: int, siblings: list[int], piece: str) -> None:
    conn.execute(sa.text(f"""UPDATE area SET geom = {POLYGONAL.format("ST_Difference(geom, ST_GeomFromEWKT(:t))")}
                             WHERE id = ANY(:s)"""), {"t": piece, "s": siblings})
    conn.execute(sa.text(f"""UPDATE area SET geom = {POLYGONAL.format("ST_Union(geom, ST_GeomFromEWKT(:t))")}
                             WHERE id = :r"""), {"t": piece, "r": receiver})


def _clip_to_parent(conn: Connection, area: dict, wkt: str) -> str:
    if area["parent_id"] is None:
        return wkt
    piece = conn.scalar(sa.text(f"""SELECT ST_AsEWKT({POLYGONAL.format("ST_Intersection(ST_GeomFromEWKT(:w), geom)")})
                                    FROM area WHERE id = :p"""), {"w": wkt, "p": area["parent_id"]})
    if piece is None or conn.scalar(sa.text("SELECT ST_IsEmpty(ST_GeomFromEWKT(:t))"), {"t": piece}):
        raise refuse(422, "polygon", N_("the shape lies outside the parent of %(code)s"), code=area["code"])
    return piece


def transfer(conn: Connection, generation: int, edit: Transfer, actor: str, settings: Settings | None = None) -> int:
    """Move a border: the drawn part goes to edit.code, its neighbours (and their children there) follow."""
    settings = settings or get_settings()
    _draft(conn, generation)
    target = _area(conn, generation, edit.code, edit.version)
    piece = _clip_to_parent(conn, target, _shape(conn, generation, _polygon(edit.polygon), settings))
    siblings = _take(conn, generation, target, piece, [target["id"]])
    if not siblings:
        raise refuse(422, "polygon", N_("the shape takes nothing from the neighbours of %(code)s"), code=edit.code)
    children = _children_in(conn, siblings, piece)
    before = _before(conn, [target["id"], *siblings, *children])
    _move(conn, target["id"], siblings, piece)
    conn.execute(sa.text("UPDATE area SET parent_id = :r WHERE id = ANY(:c)"), {"r": target["id"], "c": children})
    codes = list(conn.scalars(sa.text("SELECT code FROM area WHERE id = ANY(:s) ORDER BY code"), {"s": siblings}))
    return _log(conn, generation, actor, "transfer", {"to": edit.code, "from": codes}, before, [],
                [target["id"], *siblings, *children])


def draw(conn: Connection, generation: int, edit: Draw, actor: str, settings: Settings | None = None) -> int:
    """A new area; it takes what it covers from the areas of its level in the same parent."""
    settings = settings or get_settings()
    _draft(conn, generation)
    shape = _shape(conn, generation, _polygon(edit.polygon), settings)
    if edit.parent:
        parent = _area(conn, generation, edit.parent, None, field="parent")
    else:
        parent = conn.execute(sa.text("""SELECT id, level, code FROM area WHERE generation_id = :g
            AND level < CAST(:l AS area_level) AND ST_Covers(geom, ST_PointOnSurface(ST_GeomFromEWKT(:s)))
            ORDER BY level DESC LIMIT 1"""), {"g": generation, "l": edit.level, "s": shape}).mappings().first()
    if parent is None and conn.scalar(sa.text(
            "SELECT 1 FROM area WHERE generation_id = :g AND level < CAST(:l AS area_level) LIMIT 1"),
            {"g": generation, "l": edit.level}):
        raise refuse(422, "polygon", N_("the new area lies in no area above it"))
    if parent is not None and LEVEL_CODES.index(parent["level"]) >= LEVEL_CODES.index(edit.level):
        raise refuse(422, "parent", N_("%(code)s is not above %(level)s"), code=parent["code"], level=edit.level)
    _code_free(conn, generation, edit.code, "code")
    new = {"level": edit.level, "parent_id": parent["id"] if parent else None, "code": edit.code}
    piece = _clip_to_parent(conn, new, shape)
    siblings = _take(conn, generation, new, piece, [])
    children = _children_in(conn, siblings, piece)
    before = _before(conn, [*siblings, *children])
    conn.execute(sa.text(f"""UPDATE area SET geom = {POLYGONAL.format("ST_Difference(geom, ST_GeomFromEWKT(:t))")}
                             WHERE id = ANY(:s)"""), {"t": piece, "s": siblings})
    created = conn.scalar(sa.text("""INSERT INTO area (generation_id, level, code, name, parent_id, geom)
        VALUES (:g, CAST(:l AS area_level), :c, :n, :p, ST_GeomFromEWKT(:t)) RETURNING id"""),
        {"g": generation, "l": edit.level, "c": edit.code, "n": edit.name, "p": new["parent_id"], "t": piece})
    conn.execute(sa.text("UPDATE area SET parent_id = :r WHERE id = ANY(:c)"), {"r": created, "c": children})
    return _log(conn, generation, actor, "draw", {"code": edit.code}, before, [created],
                [created, *siblings, *children])


def split(conn: Connection, generation: int, edit: Split, actor: str, settings: Settings | None = None) -> int:
    """Cut an area along a line; the largest part keeps the area, the others are new areas (code-2, -3 …)."""
    settings = settings or get_settings()
    _draft(conn, generation)
    area = _area(conn, generation, edit.code, edit.version)
    line = _shape(conn, generation, shapely.LineString(edit.line).wkt, settings)
    parts = conn.execute(sa.text("""
        SELECT ST_AsEWKT(ST_Multi(d.geom)) AS geom, ST_Area(d.geom::geography) AS m2
        FROM area a, ST_Dump(ST_Split(a.geom, ST_GeomFromEWKT(:line))) d
        WHERE a.id = :a ORDER BY 2 DESC"""), {"a": area["id"], "line": line}).all()
    whole = conn.scalar(sa.text("SELECT ST_NumGeometries(geom) FROM area WHERE id = :a"), {"a": area["id"]})
    if len(parts) <= whole:   # a part of a multi-part area is not a cut
        raise refuse(422, "line", N_("the line must cross %(code)s from edge to edge"), code=edit.code)
    if edit.new_code:
        _code_free(conn, generation, edit.new_code, "new_code")
    total = sum(m2 for _, m2 in parts)
    children = list(conn.scalars(sa.text("SELECT id FROM area WHERE parent_id = :a ORDER BY id"), {"a": area["id"]}))
    before = _before(conn, [area["id"], *children])
    shares = {k: _shares(area[k], [m2 / total for _, m2 in parts]) for k in ("population", "households")}
    conn.execute(sa.text("UPDATE area SET geom = ST_GeomFromEWKT(:t), population = :pop, households = :hh "
                         "WHERE id = :a"),
                 {"t": parts[0][0], "pop": shares["population"][0], "hh": shares["households"][0], "a": area["id"]})
    created, codes = [], []
    for n, (geom, _m2) in enumerate(parts[1:], 2):
        code = edit.new_code if edit.new_code and n == 2 else _free_code(conn, generation, f"{edit.code}-{n}")
        created.append(conn.scalar(sa.text("""
            INSERT INTO area (generation_id, level, code, name, parent_id, population, households,
                              responsible_name, responsible_phone, geom)
            SELECT generation_id, level, :c, name || '-' || :n, parent_id, :pop, :hh,
                   responsible_name, responsible_phone, ST_GeomFromEWKT(:t)
            FROM area WHERE id = :a RETURNING id"""),
            {"c": code, "n": n, "pop": shares["population"][n - 1], "hh": shares["households"][n - 1],
             "t": geom, "a": area["id"]}))
        codes.append(code)
        conn.execute(sa.text("""UPDATE area SET parent_id = :r WHERE parent_id = :a
                                AND ST_Covers(ST_GeomFromEWKT(:t), ST_PointOnSurface(geom))"""),
                     {"r": created[-1], "a": area["id"], "t": geom})
    return _log(conn, generation, actor, "split", {"code": edit.code, "into": codes}, before, created,
                [area["id"], *created, *children])


def _shares(count: int | None, fractions: list[float]) -> list[int | None]:
    """A count shared by area, the rounding remainder to the first (largest) part; unknown stays unknown."""
    if count is None:
        return [None] * len(fractions)
    rest = [round(count * f) for f in fractions[1:]]
    return [count - sum(rest), *rest]


def _code_free(conn: Connection, generation: int, code: str, field: str) -> None:
    if conn.scalar(sa.text("SELECT 1 FROM area WHERE generation_id = :g AND code = :c"), {"g": generation, "c": code}):
        raise refuse(409, field, N_("code %(code)s is already in generation %(generation)s"),
                     code=code, generation=generation)


def _free_code(conn: Connection, generation: int, code: str) -> str:
    taken = set(conn.scalars(sa.text("SELECT code FROM area WHERE generation_id = :g AND code LIKE :p"),
                             {"g": generation, "p": code + "%"}))
    suffix, found = 0, code
    while found in taken:
        suffix += 1
        found = f"{code}{chr(ord('a') + suffix - 1)}"
    return found


def merge(conn: Connection, generation: int, edit: Merge, actor: str) -> int:
    """Join two neighbours of one parent; the kept area takes the shape, people and children of the other."""
    _draft(conn, generation)
    keep = _area(conn, generation, edit.keep, edit.keep_version, field="keep")
    gone = _area(conn, generation, edit.absorb, edit.absorb_version, field="absorb")
    if keep["id"] == gone["id"] or keep["level"] != gone["level"] or keep["parent_id"] != gone["parent_id"]:
        raise refuse(422, "absorb", N_("%(absorb)s and %(keep)s must be two areas of one level and one parent"),
                     absorb=edit.absorb, keep=edit.keep)
    if not conn.scalar(sa.text("SELECT ST_Relate(a.geom, b.geom, '****1****') FROM area a, area b "
                               "WHERE a.id = :a AND b.id = :b"), {"a": keep["id"], "b": gone["id"]}):
        raise refuse(422, "absorb", N_("%(absorb)s and %(keep)s do not share a border"),
                     absorb=edit.absorb, keep=edit.keep)
    children = list(conn.scalars(sa.text("SELECT id FROM area WHERE parent_id = :b ORDER BY id"), {"b": gone["id"]}))
    before = _before(conn, [keep["id"], gone["id"], *children])
    conn.execute(sa.text(f"""UPDATE area k SET geom = {POLYGONAL.format("ST_Union(k.geom, g.geom)")},
                                population = CASE WHEN k.population IS NULL AND g.population IS NULL THEN NULL
                                                  ELSE coalesce(k.population, 0) + coalesce(g.population, 0) END,
                                households = CASE WHEN k.households IS NULL AND g.households IS NULL THEN NULL
                                                  ELSE coalesce(k.households, 0) + coalesce(g.households, 0) END
                             FROM area g WHERE k.id = :k AND g.id = :g"""), {"k": keep["id"], "g": gone["id"]})
    conn.execute(sa.text("UPDATE area SET parent_id = :k WHERE parent_id = :g"), {"k": keep["id"], "g": gone["id"]})
    conn.execute(sa.text("DELETE FROM area WHERE id = :g"), {"g": gone["id"]})
    return _log(conn, generation, actor, "merge", {"keep": edit.keep, "absorb": edit.absorb}, before, [],
                [keep["id"], gone["id"], *children])


def attributes(conn: Connection, generation: int, edit: Attributes, actor: str) -> int:
    """Change what an area is called, its people and its responsible person (any generation but these)."""
    _draft(conn, generation)
    area = _area(conn, generation, edit.code, edit.version)
    values = {k: v for k, v in edit.model_dump(exclude={"code", "version"}).items() if v is not None}
    if "new_code" in values:
        values["code"] = values.pop("new_code")
        if values["code"] != edit.code:
            _code_free(conn, generation, values["code"], "new_code")
    for key in ("responsible_name", "responsible_phone"):
        if values.get(key) == "":
            values[key] = None
    if not values:
        raise refuse(422, "code", N_("nothing to change"))
    before = _before(conn, [area["id"]])
    conn.execute(sa.text("UPDATE area SET " + ", ".join(f"{k} = :{k}" for k in values) + " WHERE id = :a"),
                 {**values, "a": area["id"]})
    return _log(conn, generation, actor, "attributes", {"code": edit.code, "changed": sorted(values)}, before, [],
                [area["id"]])


def undo(conn: Connection, generation: int, actor: str) -> dict | None:
    """Undo the draft's last edit not yet undone: its removed areas come back, changed ones return to how
    they were, added ones go. Returns what was undone, or None when there is nothing left to undo."""
    _draft(conn, generation)
    last = conn.execute(sa.text("""SELECT id, action, summary, before, created, touched, after FROM area_edit
        WHERE generation_id = :g AND action <> 'undo' AND undone_by IS NULL ORDER BY id DESC LIMIT 1 FOR UPDATE"""),
        {"g": generation}).mappings().first()
    if last is None:
        return None
    now = json.loads(_before(conn, list(last["touched"])))
    left, current = _unversioned(last["after"]), _unversioned(now)
    changed = next((row["code"] for key, row in {**left, **current}.items() if left.get(key) != current.get(key)),
                   None) or conn.scalar(sa.text("""SELECT code FROM area WHERE parent_id = ANY(:c)
                                                   AND id <> ALL(:t) LIMIT 1"""),
                                        {"c": list(last["created"]), "t": list(last["touched"])})
    if changed is not None:
        raise refuse(409, "generation", N_("%(code)s changed after that edit: undo would overwrite it"), code=changed)
    rows = _json(last["before"])
    conn.execute(sa.text(f"""
        INSERT INTO area (id, generation_id, version, {COLUMNS})
        SELECT r.id, r.generation_id, r.version + 1, r.level, r.code, r.name, r.parent_id, r.population, r.households,
               r.responsible_name, r.responsible_phone, r.geom, r.origin_id
        FROM jsonb_populate_recordset(NULL::area, CAST(:rows AS jsonb)) r
        WHERE NOT EXISTS (SELECT 1 FROM area a WHERE a.id = r.id) ORDER BY r.level"""), {"rows": rows})
    conn.execute(sa.text(f"""
        UPDATE area a SET ({COLUMNS}) = (r.level, r.code, r.name, r.parent_id, r.population, r.households,
                                          r.responsible_name, r.responsible_phone, r.geom, r.origin_id)
        FROM jsonb_populate_recordset(NULL::area, CAST(:rows AS jsonb)) r WHERE a.id = r.id"""), {"rows": rows})
    conn.execute(sa.text("DELETE FROM area WHERE id = ANY(:c)"), {"c": list(last["created"])})
    undo_id = _log(conn, generation, actor, "undo", {"undid": last["id"], "action": last["action"],
                                                      **last["summary"]}, _json(now), [], list(last["touched"]))
    conn.execute(sa.text("UPDATE area_edit SET undone_by = :u WHERE id = :e"), {"u": undo_id, "e": last["id"]})
    return {"action": last["action"], **last["summary"]}


def history(conn: Connection, generation: int, limit: int = 20) -> list[dict]:
    """The draft's edits, newest first."""
    return [dict(r) for r in conn.execute(sa.text("""
        SELECT id, at, actor, action, summary, undone_by IS NOT NULL AS undone FROM area_edit
        WHERE generation_id = :g ORDER BY id DESC LIMIT :n"""), {"g": generation, "n": limit}).mappings()]
