"""Activation re-homes everything that points into areas, set-based (core/sql/35_rehome.sql)."""

from __future__ import annotations

import sqlalchemy as sa


def activate(conn, generation: int) -> int:
    """The database's own switch, as any writer calls it (the app's activate() validates first)."""
    return conn.scalar(sa.text("SELECT gisapp_activate_generation(:g)"), {"g": generation})


def _redraw(conn, shift: float = 0.0) -> int:
    """The active generation again under new ids (moved east by `shift` degrees), as a draft."""
    gen = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    new = gen + 50
    conn.execute(sa.text("INSERT INTO generation (id) VALUES (:n)"), {"n": new})
    conn.execute(sa.text("""
        INSERT INTO area (generation_id, level, code, name, population, responsible_name, geom)
        SELECT :n, level, code, name, population, responsible_name, ST_Translate(geom, :dx, 0)
        FROM area WHERE generation_id = :g ORDER BY level"""), {"n": new, "g": gen, "dx": shift})
    conn.execute(sa.text("""
        UPDATE area c SET parent_id = np.id FROM area o JOIN area op ON op.id = o.parent_id
        JOIN area np ON np.code = op.code AND np.generation_id = :n
        WHERE c.generation_id = :n AND o.generation_id = :g AND o.code = c.code"""), {"n": new, "g": gen})
    return new


def _cases(conn) -> dict[int, tuple]:
    return {r[0]: tuple(r[1:]) for r in conn.execute(sa.text(
        "SELECT id, status, version, generation_id, micro_grid_id, grid_id, owner_level FROM incident"))}


def _owners(conn) -> dict[int, tuple]:
    """Each open case's owner as people know it: the codes of its chain, owner level, status, deadlines."""
    return {r[0]: tuple(r[1:]) for r in conn.execute(sa.text("""
        SELECT i.id, m.code, g.code, c.code, s.code, i.owner_level, i.status, i.snapped_m,
               i.accept_due, i.handle_due, i.close_due
        FROM incident i JOIN case_status o ON o.code = i.status AND o.open
        LEFT JOIN area m ON m.id = i.micro_grid_id LEFT JOIN area g ON g.id = i.grid_id
        LEFT JOIN area c ON c.id = i.community_id LEFT JOIN area s ON s.id = i.street_id"""))}


def test_activation_moves_open_cases_buildings_and_checkpoints_with_one_event_each(conn):
    before = _cases(conn)
    owners = _owners(conn)
    open_ids = set(owners)
    new = _redraw(conn, shift=0.0005)      # about 50 m east: some cases change micro-grid
    moved = activate(conn, new)
    after = _cases(conn)
    changed = {i for i, owner in _owners(conn).items() if owner != owners[i]}
    assert moved == len(changed) and 0 < len(changed) < len(open_ids)
    for case, row in after.items():
        if case in open_ids:
            assert row[2] == new and row[1] == before[case][1] + 1
        else:
            assert row == before[case], "closed and cancelled cases keep the areas they were handled in"
    # The leaf each open case got is what the rule for one point gives now that the draft is active.
    wrong = conn.execute(sa.text("""
        SELECT i.id FROM incident i JOIN case_status s ON s.code = i.status AND s.open,
               LATERAL gisapp_assign(i.geom, i.building_id) a
        WHERE (a.micro_grid_id, a.grid_id, a.community_id, a.street_id, a.district_id, a.snapped_m)
              IS DISTINCT FROM (i.micro_grid_id, i.grid_id, i.community_id, i.street_id, i.district_id, i.snapped_m)
        """)).all()
    assert wrong == []
    # one event for each case whose owner changed, none for a case whose micro-grid only got a new id
    events = conn.execute(sa.text("""SELECT incident_id, count(*), min(data->'was'->>'generation_id'),
        bool_and(data->>'responsible' IS NOT NULL) FROM incident_event WHERE action = 'reassign' GROUP BY 1""")).all()
    assert {e[0] for e in events} == changed and {e[1] for e in events} == {1}
    assert {int(e[2]) for e in events} == {new - 50}
    assert all(e[3] for e in events), "each event names the new owner's responsible person"
    stale = conn.scalar(sa.text("""
        SELECT count(*) FROM (SELECT area_id FROM building UNION ALL SELECT area_id FROM checkpoint) f
        LEFT JOIN area a ON a.id = f.area_id WHERE a.generation_id IS DISTINCT FROM :n"""), {"n": new})
    assert stale == conn.scalar(sa.text("""
        SELECT count(*) FROM building b WHERE gisapp_locate(b.point, :n) IS NULL""") , {"n": new}) \
        + conn.scalar(sa.text("SELECT count(*) FROM checkpoint c WHERE gisapp_locate(c.geom, :n) IS NULL"),
                      {"n": new})


def test_any_writer_that_activates_a_generation_re_homes(conn):
    new = _redraw(conn)
    conn.execute(sa.text("UPDATE generation SET state = 'retired' WHERE state = 'active'"))
    conn.execute(sa.text("UPDATE generation SET state = 'active' WHERE id = :n"), {"n": new})
    assert conn.scalar(sa.text("""SELECT count(*) FROM incident i JOIN case_status s ON s.code = i.status
        AND s.open WHERE i.generation_id <> :n"""), {"n": new}) == 0


def test_a_new_owner_level_brings_its_deadlines_for_the_stages_not_yet_passed(conn):
    # The draft has no micro-grids: every case's leaf becomes its grid. Grids get deadlines of their own.
    conn.execute(sa.text("INSERT INTO sla_rule (level, accept_hours, handle_hours, close_hours) "
                         "VALUES ('grid', 7, 77, 177)"))
    gen = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    new = _redraw(conn)
    conn.execute(sa.text("DELETE FROM area WHERE generation_id = :n AND level = 'micro_grid'"), {"n": new})
    before = {r[0]: r[1:] for r in conn.execute(sa.text("""
        SELECT i.id, i.owner_level, s.intake, s.stage, i.accept_due, i.handle_due, i.close_due,
               d.accept_due, d.handle_due, d.close_due
        FROM incident i JOIN case_status s ON s.code = i.status AND s.open
        JOIN category c ON c.code = i.category,
        LATERAL gisapp_dues(i.category, 'grid', i.reported_at, i.urgent OR c.urgent) d
        WHERE i.generation_id = :g AND i.status <> 'reopened'"""), {"g": gen})}
    activate(conn, new)
    after = {r[0]: r[1:] for r in conn.execute(sa.text(
        "SELECT id, owner_level, accept_due, handle_due, close_due FROM incident WHERE id = ANY(:ids)"),
        {"ids": list(before)})}
    moved = [i for i, b in before.items() if b[0] == "micro_grid"]
    kept = [i for i, b in before.items() if b[0] != "micro_grid"]
    assert moved and kept
    for i in moved:
        _, intake, stage, accept, handle, close, d_accept, d_handle, d_close = before[i]
        assert after[i] == ("grid", d_accept if intake else accept,
                            d_handle if intake or stage == "handle" else handle, d_close)
    for i in kept:   # already owned above the micro-grid: the same level, the same deadlines
        assert after[i] == (before[i][0], *before[i][3:6])


def test_unchanged_micro_grids_keep_what_they_hold_and_a_changed_neighbour_takes_its_shared_edge(conn):
    gen = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    new = _redraw(conn)      # the same shapes under new ids: every micro-grid has a twin ...
    # ... but one: B shrinks to a sliver at a vertex P it shares with its smaller neighbour N. P was N's
    # (the smaller area wins a shared edge); now the sliver is smaller, so P is B's, though N is unchanged.
    n_id, b_id, p = conn.execute(sa.text("""
        SELECT n.id, b.id, v.geom
        FROM area n JOIN area b ON b.generation_id = n.generation_id AND b.level = n.level
             AND b.area_m2 > n.area_m2 AND ST_Touches(n.geom, b.geom),
             LATERAL ST_DumpPoints(ST_Intersection(n.geom, b.geom)) v
        WHERE n.generation_id = :n AND n.level = 'micro_grid'
          AND ST_Covers(n.geom, v.geom) AND ST_Covers(b.geom, v.geom)
          AND NOT EXISTS (SELECT 1 FROM area m WHERE m.generation_id = :n AND m.level = 'micro_grid'
                          AND m.id NOT IN (n.id, b.id) AND ST_Covers(m.geom, v.geom))
        ORDER BY n.id, b.id LIMIT 1"""), {"n": new}).one()
    conn.execute(sa.text("UPDATE area SET geom = ST_Multi(ST_Intersection(geom, ST_Buffer(:p, 0.0003))) "
                         "WHERE id = :b"), {"p": p, "b": b_id})
    case = conn.scalar(sa.text("INSERT INTO incident (category, geom) VALUES ('other', :p) RETURNING id"), {"p": p})
    old_n = conn.scalar(sa.text("SELECT id FROM area WHERE generation_id = :g AND code = "
                                "(SELECT code FROM area WHERE id = :n)"), {"g": gen, "n": n_id})
    assert conn.scalar(sa.text("SELECT micro_grid_id FROM incident WHERE id = :c"), {"c": case}) == old_n
    activate(conn, new)
    assert conn.scalar(sa.text("SELECT micro_grid_id FROM incident WHERE id = :c"), {"c": case}) == b_id
    # Everything else lands where the rule for one point puts it, through twins or probes alike.
    wrong = conn.execute(sa.text("""
        SELECT i.id FROM incident i JOIN case_status s ON s.code = i.status AND s.open,
               LATERAL gisapp_assign(i.geom, i.building_id) a
        WHERE (a.micro_grid_id, a.grid_id, a.snapped_m) IS DISTINCT FROM (i.micro_grid_id, i.grid_id, i.snapped_m)
        """)).all()
    assert wrong == []
    assert conn.scalar(sa.text("SELECT count(*) FROM building b WHERE b.area_id IS DISTINCT FROM "
                               "gisapp_locate(b.point, :n)"), {"n": new}) == 0
