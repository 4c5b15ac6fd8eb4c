"""The assignment rule, exercised through plain SQL INSERTs so the trigger is what is tested."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fixtures.worlds import insert_point, new_generation, square

# Two grids side by side; W has a hole, E is smaller; a micro-grid island belongs to W.
#   W: x 0..1 (hole 0.2..0.4)   E: x 1..1.8   island of W: x 3..3.2
WORLD = [
    ("community", "C", square(0, 0, 3.5, 1), None),
    ("grid", "W", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0),(0.2 0.2,0.4 0.2,0.4 0.4,0.2 0.4,0.2 0.2)),"
                  "((3 0,3.2 0,3.2 0.2,3 0.2,3 0)))", "C"),
    ("grid", "E", square(1, 0, 1.8, 1), "C"),
    ("micro_grid", "W1", square(0, 0, 0.5, 0.2), "W"),
    ("micro_grid", "W2", square(0.5, 0, 1, 0.2), "W"),
]


@pytest.fixture
def world(conn):
    return new_generation(conn, WORLD)


def test_interior_point_gets_the_full_chain(conn, world):
    got = insert_point(conn, 0.1, 0.1)
    assert (got["status"], got["micro_grid"], got["grid"], got["community"]) == ("assigned", "W1", "W", "C")
    assert got["generation_id"] == world and got["snapped_m"] is None


def test_point_in_grid_without_micro_grid_stops_at_grid(conn, world):
    got = insert_point(conn, 0.7, 0.7)
    assert (got["micro_grid"], got["grid"], got["community"]) == (None, "W", "C")


def test_shared_edge_goes_to_the_smaller_area(conn, world):
    # x = 1 is the edge between W (1 deg² less its 0.04 hole, plus a 0.04 island: 1.00) and E (0.80): E wins.
    assert insert_point(conn, 1.0, 0.6)["grid"] == "E"


def test_shared_vertex_between_micro_grids_is_deterministic(conn, world):
    # (0.5, 0.2) is a corner of W1 and W2, equal in size: the lower code wins, every time.
    assert {insert_point(conn, 0.5, 0.2)["micro_grid"] for _ in range(3)} == {"W1"}
    assert insert_point(conn, 0.5, 0.1)["micro_grid"] == "W1"  # shared edge, equal areas: lower code


def test_hole_is_not_part_of_the_area(conn, world):
    # The community covers the hole, but no grid does, and the nearest grid is 11 km away.
    got = insert_point(conn, 0.3, 0.3)
    assert (got["status"], got["grid"], got["micro_grid"], got["community"]) == ("unlocated", None, None, None)


def test_island_of_a_multipolygon_belongs_to_its_area(conn, world):
    assert insert_point(conn, 3.1, 0.1)["grid"] == "W"


def test_point_outside_everything_is_kept_unlocated(conn, world):
    got = insert_point(conn, 10, 10)
    assert got["status"] == "unlocated" and got["grid"] is None and got["community"] is None
    assert conn.scalar(sa.text("SELECT count(*) FROM incident WHERE id = :i"), {"i": got["id"]}) == 1


def test_point_outside_every_grid_snaps_to_the_nearest_grid_within_setting(conn, world):
    # Inside the community but 0.0003° (about 33 m) east of grid E: inside the default 50 m.
    got = insert_point(conn, 1.8003, 0.5)
    assert (got["status"], got["grid"], got["community"]) == ("assigned", "E", "C")
    assert 30 < got["snapped_m"] < 36


def test_snapping_respects_the_distance_setting(conn, world):
    conn.execute(sa.text("UPDATE app_setting SET value = '10' WHERE key = 'snap_metres'"))
    got = insert_point(conn, 1.8003, 0.5)
    assert got["status"] == "unlocated" and got["snapped_m"] is None and got["community"] is None


def test_a_generation_without_grids_is_owned_by_its_deepest_level(conn):
    new_generation(conn, [("street", "S", square(0, 0, 1, 1), None),
                          ("community", "C1", square(0, 0, 0.5, 1), "S")])
    assert insert_point(conn, 0.25, 0.5)["community"] == "C1"
    assert insert_point(conn, 0.75, 0.5)["status"] == "unlocated"  # in the street, outside every community


def test_moving_an_unlocated_report_assigns_it_and_logs_it(conn, world):
    got = insert_point(conn, 10, 10)
    conn.execute(sa.text("SET LOCAL gisapp.actor = 'operator-7'"))
    conn.execute(sa.text("UPDATE incident SET geom = ST_SetSRID(ST_MakePoint(1.5, 0.5), 4326) WHERE id = :i"),
                 {"i": got["id"]})
    row = conn.execute(sa.text("SELECT status, version, (SELECT code FROM area WHERE id = grid_id) AS grid "
                               "FROM incident WHERE id = :i"), {"i": got["id"]}).one()
    assert tuple(row) == ("assigned", 2, "E")
    event = conn.execute(sa.text("SELECT actor, from_status, to_status FROM incident_event "
                                 "WHERE incident_id = :i ORDER BY id DESC LIMIT 1"), {"i": got["id"]}).one()
    assert tuple(event) == ("operator-7", "unlocated", "assigned")


def test_later_workflow_states_are_not_reset_by_assignment(conn, world):
    assert insert_point(conn, 0.1, 0.1, status="in_progress")["status"] == "in_progress"


def test_building_report_takes_the_buildings_micro_grid(conn, world):
    conn.execute(sa.text("INSERT INTO building (code, geom) VALUES ('B-T1', :g)"),
                 {"g": "SRID=4326;" + square(0.6, 0.05, 0.7, 0.15)})
    building = conn.execute(sa.text("SELECT id, (SELECT code FROM area WHERE id = area_id) FROM building "
                                    "WHERE code = 'B-T1'")).one()
    assert building[1] == "W2"
    # No point given: the point is the building's point on surface.
    row = conn.execute(sa.text("""
        INSERT INTO incident (category, building_id) VALUES ('other', :b)
        RETURNING ST_Covers(ST_GeomFromText(:sq, 4326), geom), (SELECT code FROM area WHERE id = micro_grid_id)"""),
        {"b": building[0], "sq": square(0.6, 0.05, 0.7, 0.15)}).one()
    assert tuple(row) == (True, "W2")
    # A point given elsewhere keeps its point but still takes the building's micro-grid.
    got = insert_point(conn, 0.1, 0.1, building_id=building[0])
    assert got["micro_grid"] == "W2"
    # Changing only the building moves the report to the new building's point.
    conn.execute(sa.text("INSERT INTO building (code, geom) VALUES ('B-T2', :g)"),
                 {"g": "SRID=4326;" + square(1.2, 0.2, 1.3, 0.3)})
    conn.execute(sa.text("UPDATE incident SET building_id = (SELECT id FROM building WHERE code = 'B-T2') "
                         "WHERE id = :i"), {"i": got["id"]})
    moved = conn.execute(sa.text("SELECT ST_X(geom) > 1.2, (SELECT code FROM area WHERE id = grid_id) "
                                 "FROM incident WHERE id = :i"), {"i": got["id"]}).one()
    assert tuple(moved) == (True, "E")


def test_activating_a_new_generation_moves_open_cases_not_closed_ones(conn, world):
    open_case = insert_point(conn, 0.1, 0.1)
    closed_case = insert_point(conn, 0.1, 0.1, status="closed")
    gen2 = new_generation(conn, [("grid", "NEW", square(0, 0, 2, 1), None)])
    rows = dict(conn.execute(sa.text(
        "SELECT id, (SELECT code FROM area WHERE id = grid_id) FROM incident WHERE id IN (:a, :b)"),
        {"a": open_case["id"], "b": closed_case["id"]}).all())
    assert rows == {open_case["id"]: "NEW", closed_case["id"]: "W"}
    assert conn.scalar(sa.text("SELECT state FROM generation WHERE id = :g"), {"g": world}) == "retired"
    assert conn.scalar(sa.text("SELECT gisapp_active_generation()")) == gen2


def test_bulk_insert_select_is_assigned_by_the_same_trigger(conn, world):
    conn.execute(sa.text("""
        INSERT INTO incident (category, geom)
        SELECT 'other', ST_SetSRID(ST_MakePoint(x, 0.1), 4326) FROM unnest(ARRAY[0.1, 0.7, 1.5, 9.0]) x"""))
    got = conn.execute(sa.text("""
        SELECT ST_X(geom), (SELECT code FROM area WHERE id = coalesce(micro_grid_id, grid_id)), status
        FROM incident WHERE generation_id = :g AND ST_X(geom) < 20 ORDER BY ST_X(geom)"""), {"g": world}).all()
    assert [tuple(r) for r in got] == [(0.1, "W1", "assigned"), (0.7, "W2", "assigned"),
                                        (1.5, "E", "assigned"), (9.0, None, "unlocated")]
