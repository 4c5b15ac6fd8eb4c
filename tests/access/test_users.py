"""Accounts: scrypt hashes, scope rules the database also enforces, disabled rather than deleted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gisapp.access import users
from gisapp.core.errors import ApiError
from gisapp.core.validation import parse

PASSWORD = "correct horse battery"


def make(conn, name="wang.wei", role="operator", **scope):
    return users.add(conn, users.UserIn(name=name, display_name="王伟", role=role, **scope), PASSWORD)


def test_a_password_is_kept_as_a_scrypt_hash_and_checked(conn):
    make(conn)
    stored = conn.scalar(sa.text("SELECT password_hash FROM app_user WHERE name = 'wang.wei'"))
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert users.authenticate(conn, "wang.wei", PASSWORD).role == "operator"
    assert users.authenticate(conn, "wang.wei", PASSWORD + "x") is None
    assert users.authenticate(conn, "nobody", PASSWORD) is None


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(conn):
    user_id = make(conn)
    users.set_disabled(conn, "wang.wei")
    assert users.authenticate(conn, "wang.wei", PASSWORD) is None
    assert users.active(conn, user_id) is None


def test_short_passwords_and_taken_names_are_refused(conn):
    with pytest.raises(ApiError) as short:
        users.add(conn, users.UserIn(name="li.na", display_name="李娜", role="viewer"), "short")
    assert short.value.errors[0][0] == "password"
    make(conn)
    with pytest.raises(ApiError) as taken:
        make(conn)
    assert taken.value.status == 409


@pytest.mark.parametrize("fields, bad", [
    ({"role": "worker"}, "area_code"),
    ({"role": "operator", "area_code": "X"}, "area_code"),
    ({"role": "department"}, "department"),
    ({"role": "viewer", "name": "Bad Name"}, "name"),
])
def test_scope_fits_the_role(fields, bad):
    with pytest.raises(ApiError) as info:
        parse(users.UserIn, {"name": "zhao.lei", "display_name": "赵磊", **fields})
    assert bad in [f for f, _ in info.value.errors]


def test_the_database_holds_the_same_scope_rules_for_every_writer(conn):
    with pytest.raises(sa.exc.IntegrityError, match="app_user_worker_area"):
        with conn.begin_nested():
            conn.execute(sa.text("INSERT INTO app_user (name, display_name, role) VALUES ('w1', 'w', 'worker')"))


def test_a_department_user_needs_a_known_department(conn):
    with pytest.raises(ApiError) as info:
        make(conn, name="dept.x", role="department", department="no-such-department")
    assert info.value.errors[0][0] == "department"
