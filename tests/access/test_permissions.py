"""The role table and the scope a worker, a department or a field link sees."""

from __future__ import annotations

import sqlalchemy as sa

from gisapp.access.permissions import PERMISSIONS, Who, case_scope
from gisapp.core.vocabulary import ROLE_CODES


def test_every_permission_names_only_known_roles():
    for permission, roles in PERMISSIONS.items():
        assert roles <= set(ROLE_CODES), permission


def test_viewers_never_see_cases_or_personal_data():
    viewer = Who(user_id=1, name="tv", display="tv", role="viewer")
    assert viewer.may("screen.view") and viewer.may("map.view")
    assert not any(viewer.may(p) for p in ("cases.read", "cases.act", "cases.report", "audit.read"))
    assert not viewer.sees_personal_data


def _visible(conn, who: Who) -> set[int]:
    condition, params = case_scope(who)
    return set(conn.scalars(sa.text(f"SELECT i.id FROM incident i WHERE {condition}"), params))


def test_a_worker_sees_the_cases_of_their_area_by_code_in_any_generation(conn, first_micro_grid):
    everyone = _visible(conn, Who(user_id=1, name="op", display="op", role="operator"))
    grid = first_micro_grid["grid_code"]
    mine = _visible(conn, Who(user_id=2, name="w", display="w", role="worker", area_code=grid))
    expected = set(conn.scalars(sa.text("""SELECT i.id FROM incident i JOIN area g ON g.id = i.grid_id
                                           WHERE g.code = :c"""), {"c": grid}))
    assert mine == expected and 0 < len(mine) < len(everyone)


def test_a_department_sees_only_the_cases_it_was_called_to(conn):
    case = conn.scalar(sa.text("SELECT min(id) FROM incident"))
    conn.execute(sa.text("INSERT INTO department_task (incident_id, department, called_by) "
                         "VALUES (:i, (SELECT min(code) FROM department), 'test')"), {"i": case})
    department = conn.scalar(sa.text("SELECT min(code) FROM department"))
    seen = _visible(conn, Who(user_id=3, name="d", display="d", role="department", department=department))
    assert case in seen
    assert seen == set(conn.scalars(sa.text("SELECT incident_id FROM department_task WHERE department = :d"),
                                    {"d": department}))


def test_a_field_link_for_one_case_sees_that_case_only(conn, first_micro_grid):
    case = conn.scalar(sa.text("SELECT min(i.id) FROM incident i JOIN area g ON g.id = i.grid_id WHERE g.code = :c"),
                       {"c": first_micro_grid["grid_code"]})
    link = Who(user_id=2, name="w", display="w", role="worker", area_code=first_micro_grid["grid_code"], case_id=case)
    assert _visible(conn, link) == {case}
