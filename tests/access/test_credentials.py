"""Bearer tokens and one-time links are stored as hashes; field links are signed, scoped and expire."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from gisapp.access import credentials, users
from gisapp.core.errors import ApiError
from gisapp.core.validation import parse

SECRET = "a-test-secret-of-enough-length"


def worker(conn, name="grid.worker", area="X"):
    return users.add(conn, users.UserIn(name=name, display_name="网格员", role="worker", area_code=area))


def test_a_token_is_shown_once_and_only_its_hash_is_kept(conn):
    user_id = worker(conn)
    token = credentials.create_token(conn, user_id, days=30)
    stored = conn.scalar(sa.text("SELECT token_hash FROM api_token WHERE user_id = :u"), {"u": user_id})
    assert token not in stored and len(stored) == 64
    assert credentials.token_user(conn, token).user_id == user_id
    assert credentials.token_user(conn, token + "x") is None


def test_expired_revoked_or_disabled_tokens_open_nothing(conn):
    user_id = worker(conn)
    expired = credentials.create_token(conn, user_id, days=0)
    assert credentials.token_user(conn, expired) is None
    live = credentials.create_token(conn, user_id)
    users.set_disabled(conn, "grid.worker")
    assert credentials.token_user(conn, live) is None
    users.set_disabled(conn, "grid.worker", False)
    assert credentials.revoke_tokens(conn, user_id) == 2
    assert credentials.token_user(conn, live) is None


def test_a_sign_in_link_works_once_and_can_be_revoked(conn):
    user_id = worker(conn)
    token = credentials.create_link(conn, user_id, hours=1, next_path="/screen")
    who, next_path = credentials.use_link(conn, token)
    assert (who.user_id, next_path) == (user_id, "/screen")
    assert credentials.use_link(conn, token) is None
    other = credentials.create_link(conn, user_id)
    assert credentials.revoke_links(conn, user_id) == 1
    assert credentials.use_link(conn, other) is None


def test_a_sign_in_link_only_leads_to_this_site(conn):
    user_id = worker(conn)
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        with pytest.raises(ApiError) as refused:
            credentials.create_link(conn, user_id, next_path=bad)
        assert refused.value.errors[0][0] == "next"


def _link(conn, **fields):
    return credentials.field_link(conn, SECRET, parse(credentials.FieldLinkIn, {"worker": "grid.worker", **fields}))[0]


@pytest.fixture
def grid_worker(conn, first_micro_grid):
    """A worker of the first micro-grid's grid, and one of its cases."""
    user_id = worker(conn, area=first_micro_grid["grid_code"])
    case = conn.scalar(sa.text("SELECT min(i.id) FROM incident i JOIN area g ON g.id = i.grid_id WHERE g.code = :c"),
                       {"c": first_micro_grid["grid_code"]})
    return user_id, case


def test_a_field_link_is_scoped_to_its_case_and_its_worker(conn, grid_worker, first_micro_grid):
    user_id, case = grid_worker
    who = credentials.open_field_link(conn, SECRET, _link(conn, case_id=case))
    assert (who.user_id, who.case_id, who.area_code) == (user_id, case, first_micro_grid["grid_code"])
    area = credentials.open_field_link(conn, SECRET, _link(conn, area_code=first_micro_grid["code"]))
    assert (area.case_id, area.area_code) == (None, first_micro_grid["code"])


def test_a_field_link_is_only_made_for_a_workers_own_case_or_area(conn, grid_worker, last_micro_grid):
    elsewhere = conn.scalar(sa.text("SELECT min(i.id) FROM incident i JOIN area g ON g.id = i.grid_id "
                                    "WHERE g.code = :c"), {"c": last_micro_grid["grid_code"]})
    for fields, field in (({"case_id": elsewhere}, "case_id"), ({"area_code": last_micro_grid["code"]}, "area_code"),
                          ({"case_id": 1, "worker": "nobody"}, "worker")):
        with pytest.raises(ApiError) as info:
            _link(conn, **fields)
        assert info.value.errors[0][0] == field


def test_tampered_expired_or_foreign_field_links_open_nothing(conn, grid_worker, monkeypatch):
    user_id, case = grid_worker
    signed_at = time.time() - 7200
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: signed_at)
    old, longer = _link(conn, case_id=case, hours=1), _link(conn, case_id=case, hours=3)
    monkeypatch.undo()
    assert credentials.open_field_link(conn, SECRET, old) is None
    assert credentials.open_field_link(conn, SECRET, longer) is not None
    token = _link(conn, case_id=case)
    assert credentials.open_field_link(conn, SECRET, token[:-2] + "xx") is None
    assert credentials.open_field_link(conn, "another-secret-entirely!", token) is None
    users.set_disabled(conn, "grid.worker")
    assert credentials.open_field_link(conn, SECRET, token) is None
