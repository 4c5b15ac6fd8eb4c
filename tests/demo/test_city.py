"""`gisapp demo generate`: the synthetic city at its town scale, through the bulk and history intakes."""

from __future__ import annotations

import shapely
import sqlalchemy as sa

from gisapp.boundaries.checks import blocking, check_generation
from gisapp.core.vocabulary import STATUS_CODES
from gisapp.demo.city import generate
from gisapp.demo.synthetic_areas import SCALES, city_shapes


def test_the_same_seed_makes_the_same_city_and_another_seed_another():
    one, again, other = (city_shapes(SCALES["town"], s) for s in (5, 5, 6))
    wkb = lambda shapes: [shapely.to_wkb(g) for g, _ in shapes["micro_grid"]]  # noqa: E731
    assert wkb(one) == wkb(again) and wkb(one) != wkb(other)
    assert {k: len(v) for k, v in one.items()} == SCALES["town"].counts


def test_a_town_tiles_every_level_and_holds_cases_in_every_state(conn):
    lines = list(generate(conn, "town", 11))
    gen = conn.scalar(sa.text("SELECT gisapp_active_generation()"))
    assert lines[0].startswith(f"generation {gen} (synthetic, active)")
    assert conn.execute(sa.text("SELECT synthetic, description FROM generation WHERE id = :g"),
                        {"g": gen}).one()[0] is True
    counts = dict(conn.execute(sa.text("SELECT level::text, count(*) FROM area WHERE generation_id = :g GROUP BY 1"),
                               {"g": gen}).all())
    assert counts == SCALES["town"].counts
    problems = blocking(check_generation(conn, gen))   # buildings and checkpoints included
    assert problems == []
    assert conn.scalar(sa.text("""SELECT count(*) FROM area p JOIN area c ON c.parent_id = p.id
        WHERE p.generation_id = :g GROUP BY p.id HAVING p.population <> sum(c.population)
        OR p.households <> sum(c.households) LIMIT 1"""), {"g": gen}) is None
    assert conn.scalar(sa.text("""SELECT count(*) FROM building b JOIN area a ON a.id = b.area_id
        WHERE a.generation_id = :g AND a.level = 'micro_grid' AND b.code LIKE 'SYN-%'"""), {"g": gen}) == 600

    cases = conn.execute(sa.text("""
        SELECT i.status, i.version, e.n, e.last_status, e.ordered, i.reported_at <= e.first_at AS after_report
        FROM incident i JOIN LATERAL (
            SELECT count(*) n, (array_agg(to_status ORDER BY id DESC))[1] last_status, min(at) first_at,
                   array_agg(at ORDER BY id) = array_agg(at ORDER BY at, id) AS ordered
            FROM incident_event WHERE incident_id = i.id) e ON true
        WHERE i.client_ref LIKE 'syn-11-%'""")).all()
    assert len(cases) == SCALES["town"].incidents
    statuses = {c.status for c in cases}
    # every state but 'reported' (an intake status that assignment always moves on from)
    assert statuses == set(STATUS_CODES) - {"reported"}
    # Each case's history is whole: one event per version, ending in its status, in order of time.
    assert all(c.n == c.version and c.last_status == c.status and c.ordered and c.after_report for c in cases)
    unlocated = sum(c.status == "unlocated" for c in cases)
    assert 0 < unlocated < len(cases) * 0.02
