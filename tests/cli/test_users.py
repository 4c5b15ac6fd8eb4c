"""`gisapp users`, `gisapp tokens` and `gisapp demo users`: accounts, links and tokens from the shell."""

from __future__ import annotations

import re

import sqlalchemy as sa

from gisapp.access import credentials, users
from gisapp.core import settings as config


def test_users_add_with_a_password_from_stdin_then_list_and_sign_in(gisapp, conn):
    out = gisapp("users", "add", "wang.fang", "--role", "operator", "--display-name", "王芳", "--password-stdin",
                 input="a long enough password\n").output
    assert "wang.fang (operator) added" in out
    assert "wang.fang" in gisapp("users", "list").output
    assert users.authenticate(conn, "wang.fang", "a long enough password").display == "王芳"
    action, actor = conn.execute(sa.text("SELECT action, actor FROM audit_log ORDER BY id DESC LIMIT 1")).one()
    assert action == "user.add" and actor.startswith("cli:")


def test_users_add_refuses_a_worker_without_an_area_naming_the_option(gisapp):
    result = gisapp("users", "add", "li.qiang", "--role", "worker", ok=False)
    assert result.exit_code == 1 and "area_code" in result.output


def test_passwd_disable_and_enable(gisapp, conn):
    gisapp("users", "add", "zhao.lei", "--role", "planner")
    assert "link-only" in gisapp("users", "list").output
    gisapp("users", "passwd", "zhao.lei", "--password-stdin", input="another long password\n")
    token = credentials.create_token(conn, users.row(conn, name="zhao.lei")["id"])
    assert "1 tokens" in gisapp("users", "disable", "zhao.lei").output
    assert credentials.token_user(conn, token) is None
    assert users.authenticate(conn, "zhao.lei", "another long password") is None
    gisapp("users", "enable", "zhao.lei")
    assert users.authenticate(conn, "zhao.lei", "another long password") is not None


def test_a_one_time_link_and_a_token_are_printed_once_and_work(gisapp, conn):
    url = gisapp("users", "link", "demo.viewer", "--expires", "2", "--next", "/screen").output.splitlines()[0]
    token = re.search(r"/login/link/(\S+)$", url).group(1)
    assert credentials.use_link(conn, token)[1] == "/screen"
    printed = gisapp("tokens", "create", "demo.worker", "--expires", "30", "--label", "camera").output.strip()
    assert credentials.token_user(conn, printed).name == "demo.worker"
    assert "1 tokens" in gisapp("tokens", "revoke", "demo.worker").output


def test_a_field_link_is_refused_outside_the_workers_area(gisapp, conn, first_micro_grid, last_micro_grid):
    conn.execute(sa.text("UPDATE app_user SET area_code = :c WHERE name = 'demo.worker'"),
                 {"c": first_micro_grid["grid_code"]})
    ok = gisapp("users", "field-link", "demo.worker", "--area", first_micro_grid["code"]).output
    assert "/f/" in ok
    refused = gisapp("users", "field-link", "demo.worker", "--area", last_micro_grid["code"], ok=False)
    assert refused.exit_code == 1 and "area_code" in refused.output


def test_demo_users_only_in_demo_mode(gisapp, monkeypatch):
    refused = gisapp("demo", "users", ok=False)
    assert refused.exit_code == 1 and "GISAPP_DEMO=1" in refused.output
    monkeypatch.setenv("GISAPP_DEMO", "1")
    config.get_settings.cache_clear()
    try:
        out = gisapp("demo", "users").output
    finally:
        monkeypatch.delenv("GISAPP_DEMO")
        config.get_settings.cache_clear()
    assert all(f"demo.{role}" in out for role in ("admin", "operator", "planner", "worker", "department", "viewer"))
    assert "shown when they were made" in out   # the test database's demo users exist already
