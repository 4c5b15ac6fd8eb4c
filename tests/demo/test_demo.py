"""The demo district, as `gisapp demo load` put it in the test database."""

from __future__ import annotations

from gisapp.boundaries.checks import blocking, check_generation
from gisapp.core.vocabulary import STATUS_CODES


def test_hierarchy_sizes_are_realistic(sql):
    counts = {r["level"]: r["n"] for r in sql(
        "SELECT level::text, count(*) AS n FROM area WHERE generation_id = gisapp_active_generation() GROUP BY 1")}
    assert counts["district"] == 1 and 2 <= counts["street"] <= 3
    assert 8 <= counts["community"] <= 14 and 30 <= counts["grid"] <= 50 and 250 <= counts["micro_grid"] <= 350


def test_every_level_tiles_its_parent_without_gaps_or_overlaps(conn):
    gen = conn.exec_driver_sql("SELECT gisapp_active_generation()").scalar()
    problems = blocking(check_generation(conn, gen))   # buildings and checkpoints included
    assert problems == []


def test_parents_hold_the_sum_of_their_childrens_population(sql):
    bad = sql("""SELECT p.code FROM area p JOIN area c ON c.parent_id = p.id
                 GROUP BY p.id HAVING p.population <> sum(c.population) OR p.households <> sum(c.households)""")
    assert bad == []


def test_every_building_and_checkpoint_has_a_micro_grid(sql):
    assert sql("""SELECT count(*) AS n FROM building b LEFT JOIN area a ON a.id = b.area_id
                  WHERE a.level IS DISTINCT FROM 'micro_grid'""")[0]["n"] == 0
    assert sql("SELECT count(*) AS n FROM checkpoint WHERE area_id IS NULL")[0]["n"] == 0
    kinds = {r["kind"] for r in sql("SELECT DISTINCT kind FROM checkpoint")}
    assert kinds == {"gate", "camera", "junction"}
    assert sql("SELECT count(DISTINCT status) AS n FROM checkpoint")[0]["n"] == 2


def test_incidents_cover_every_state_category_and_the_last_90_days(sql):
    statuses = {r["status"] for r in sql("SELECT DISTINCT status FROM incident WHERE client_ref LIKE 'demo-%'")}
    assert statuses == set(STATUS_CODES) - {"reported"}
    categories = {r["code"] for r in sql("SELECT code FROM category")}
    used = {r["category"] for r in sql("SELECT DISTINCT category FROM incident WHERE client_ref LIKE 'demo-%'")}
    assert used == categories
    span = sql("""SELECT min(reported_at) > now() - interval '91 days' AS recent, count(*) AS n,
                         count(*) FILTER (WHERE status = 'unlocated') AS unlocated,
                         count(*) FILTER (WHERE status <> 'unlocated' AND micro_grid_id IS NULL) AS lost
                  FROM incident WHERE client_ref LIKE 'demo-%'""")[0]
    assert span["recent"] and 200 <= span["n"] <= 600 and 1 <= span["unlocated"] <= 10 and span["lost"] == 0


def test_qr_reports_sit_in_their_buildings_micro_grid(sql):
    rows = sql("""SELECT i.micro_grid_id = b.area_id AS same FROM incident i JOIN building b ON b.id = i.building_id
                  WHERE i.client_ref LIKE 'demo-%'""")
    assert rows and all(r["same"] for r in rows)


def test_demo_history_is_told_by_the_right_people(sql):
    reporters = {r["actor"] for r in sql("SELECT DISTINCT actor FROM incident_event e JOIN incident i "
                                         "ON i.id = e.incident_id "
                                         "WHERE e.action = 'report' AND i.client_ref LIKE 'demo-%'")}
    assert reporters == {"demo"}
