"""What the console shows beside a case (gisapp.cases.desk), on the demo district."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gisapp.access.permissions import SYSTEM, Who
from gisapp.cases import desk, workflow

DEPARTMENT = Who(user_id=None, name="d", display="d", role="department", department="drainage")
OTHER_DEPARTMENT = Who(user_id=None, name="p", display="p", role="department", department="power")


@pytest.fixture
def case(conn, first_micro_grid):
    def make(category: str = "drainage", **point) -> int:
        p = {**first_micro_grid, **point}
        return conn.scalar(sa.text("""
            INSERT INTO incident (category, geom) VALUES (:c, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
            RETURNING id"""), {"c": category, "lon": p["lon"], "lat": p["lat"]})
    return make


def test_a_case_near_a_building_is_placed_by_its_address(conn, case):
    building = conn.execute(sa.text("""
        SELECT address, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
        FROM building WHERE address <> '' ORDER BY code LIMIT 1""")).mappings().one()
    near = desk.place_in_words(conn, case(lon=building["lon"], lat=building["lat"]))
    assert near["address"] == building["address"] and near["building_m"] == 0


def test_a_case_is_placed_by_the_nearest_named_road(conn, case):
    near = desk.place_in_words(conn, case(lon=121.5080, lat=31.2335))   # by 世纪大道
    assert near["road"] and near["road_m"] <= desk.NEAR_ROAD_M


def test_the_departments_a_category_needs_are_proposed_first(conn):
    proposed = desk.proposed_departments(conn, "drainage")
    assert [d["code"] for d in proposed[:2]] == ["drainage", "water"] and proposed[0]["usual"]
    assert proposed[0]["name_zh"] == "排水公司"
    assert {d["code"] for d in proposed} == set(conn.scalars(sa.text("SELECT code FROM department")))
    assert not any(d["usual"] for d in desk.proposed_departments(conn, "other"))


def test_the_landing_area_is_the_one_the_save_gives(conn, first_micro_grid):
    land = desk.landing(conn, first_micro_grid["lon"], first_micro_grid["lat"])
    assert land["code"] == first_micro_grid["code"] and land["chain"].endswith(first_micro_grid["name"])
    assert desk.landing(conn, 0.0, 0.0) is None


def test_a_department_queues_only_its_own_open_tasks(conn, case):
    one = case()
    for _level in ("grid", "community", "street"):
        workflow.transition(conn, one, "escalate", "op", "needs the street")
    task = workflow.call_department(conn, one, "drainage", "值班员")
    assert [t["id"] for t in desk.task_queue(conn, DEPARTMENT) if t["incident_id"] == one] == [task]
    assert not [t for t in desk.task_queue(conn, OTHER_DEPARTMENT) if t["incident_id"] == one]
    assert task in {t["id"] for t in desk.task_queue(conn, SYSTEM)}
    assert next(t for t in desk.task_queue(conn, DEPARTMENT) if t["id"] == task)["called_by"] == "值**"
    workflow.update_task(conn, task, "arrived", "d")
    workflow.update_task(conn, task, "done", "d")
    assert task not in {t["id"] for t in desk.task_queue(conn, DEPARTMENT)}
