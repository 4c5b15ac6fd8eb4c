"""Security review, part 2: signing in and staying signed in. Passwords, throttling, cookies, CSRF, tokens,
one-time links and signed field links, each against the real app and database."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from fixtures.people import user_id
from gisapp.access import credentials, users
from gisapp.core.settings import Settings, get_settings
from gisapp.core.validation import parse

PASSWORD = "a long enough password"


@pytest.fixture
def person(conn):
    """An operator with a password, in the test's transaction."""
    users.add(conn, users.UserIn(name="zhang.min", display_name="张敏", role="operator"), PASSWORD)
    return "zhang.min"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, name: str, password: str, next_path: str = "/"):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": next_path})


def audit_actions(conn, since: int) -> list[str]:
    return list(conn.scalars(sa.text("SELECT action FROM audit_log WHERE id > :s ORDER BY id"), {"s": since}))


def last_audit(conn) -> int:
    return conn.scalar(sa.text("SELECT coalesce(max(id), 0) FROM audit_log"))


def test_signing_in_opens_the_pages_and_is_audited(anonymous, conn, person):
    before = last_audit(conn)
    resp = sign_in(anonymous, person, PASSWORD, "/cases")
    assert resp.status_code == 303 and resp.location == "/cases"
    assert anonymous.get("/api/v1/reports").status_code == 200
    assert audit_actions(conn, before) == ["login.success"]


def test_a_wrong_password_is_refused_in_chinese_and_audited_with_the_address(anonymous, conn, person):
    before = last_audit(conn)
    resp = sign_in(anonymous, person, "wrong password!")
    assert resp.status_code == 401 and "用户名或密码错误" in resp.get_data(as_text=True)
    row = conn.execute(sa.text("SELECT action, actor, host(ip) AS ip FROM audit_log WHERE id > :s"),
                       {"s": before}).mappings().one()
    assert dict(row) == {"action": "login.failure", "actor": person, "ip": "127.0.0.1"}
    assert anonymous.get("/api/v1/reports").status_code == 401


def test_a_sign_in_never_leads_to_another_site(anonymous, person):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert sign_in(anonymous, person, PASSWORD, target).location == "/"


def test_the_session_cookie_is_httponly_samesite_and_secure_behind_https(web, anonymous, person):
    cookie = sign_in(anonymous, person, PASSWORD).headers.getlist("Set-Cookie")
    session = next(c for c in cookie if c.startswith("gisapp_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    https = Settings.from_env({**_env(), "GISAPP_PUBLIC_URL": "https://grid.example.gov.cn"})
    assert https.cookies_secure
    from gisapp.web.app import create_flask
    assert create_flask(https).config["SESSION_COOKIE_SECURE"] is True


def _env() -> dict:
    import os
    return dict(os.environ)


def test_signing_out_ends_the_session(anonymous, person):
    sign_in(anonymous, person, PASSWORD)
    page = anonymous.get("/cases")   # a Dash page: the header carries the sign-out form's token
    token = anonymous.get_cookie("_csrf_token").value
    assert page.status_code == 200
    assert anonymous.post("/logout", data={"csrf_token": token}).status_code == 303
    assert anonymous.get("/api/v1/reports").status_code == 401


def test_a_disabled_account_is_signed_out_at_its_next_request(anonymous, conn, person):
    sign_in(anonymous, person, PASSWORD)
    users.set_disabled(conn, person)
    assert anonymous.get("/api/v1/reports").status_code == 401


def test_state_changing_browser_requests_need_the_sessions_csrf_token(anonymous, person, first_micro_grid):
    sign_in(anonymous, person, PASSWORD)
    report = {"category": "other", "lon": first_micro_grid["lon"], "lat": first_micro_grid["lat"]}
    refused = anonymous.post("/api/v1/reports", json=report)
    assert refused.status_code == 403 and refused.get_json()["errors"][0]["field"] == "csrf"
    other = anonymous.post("/api/v1/reports", json=report, headers={"X-CSRFToken": "forged"})
    assert other.status_code == 403
    token = anonymous.get_cookie("_csrf_token").value
    assert anonymous.post("/api/v1/reports", json=report, headers={"X-CSRFToken": token}).status_code == 201
    callback = {"output": "case-upload-label.children", "outputs": {"id": "case-upload-label", "property": "children"},
                "inputs": [{"id": "case-upload", "property": "filename", "value": "a.jpg"}],
                "changedPropIds": ["case-upload.filename"]}
    assert anonymous.post("/_dash-update-component", json=callback).status_code == 403
    assert anonymous.post("/_dash-update-component", json=callback, headers={"X-CSRFToken": token}).status_code == 200


def test_the_login_form_itself_needs_its_token(anonymous, person):
    anonymous.get("/login")
    resp = anonymous.post("/login", data={"name": person, "password": PASSWORD, "csrf_token": "stale"})
    assert resp.status_code == 400 and anonymous.get("/api/v1/reports").status_code == 401


def test_a_bearer_token_acts_as_its_user_and_needs_no_csrf(web, conn, first_micro_grid):
    token = credentials.create_token(conn, user_id(conn, "worker"))
    client = web.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    created = client.post("/api/v1/reports", json={"category": "other", "lon": first_micro_grid["lon"],
                                                  "lat": first_micro_grid["lat"]})
    assert created.status_code in (200, 201)
    case = created.get_json()["id"]
    actor = conn.scalar(sa.text("SELECT actor FROM incident_event WHERE incident_id = :i ORDER BY id LIMIT 1"),
                        {"i": case})
    assert actor == "演示·网格员李强"
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}x"
    assert client.get("/api/v1/reports").status_code == 401


def test_a_one_time_link_signs_in_once(anonymous, conn):
    token = credentials.create_link(conn, user_id(conn, "viewer"), 1, "/screen")
    first = anonymous.get(f"/login/link/{token}")
    assert first.status_code == 303 and first.location == "/screen"
    again = anonymous.__class__(anonymous.application).get(f"/login/link/{token}")
    assert again.status_code == 410 and "已使用" in again.get_data(as_text=True)


def test_a_field_link_opens_its_case_and_nothing_else(anonymous, conn, first_micro_grid):
    grid = first_micro_grid["grid_code"]
    cases = list(conn.scalars(sa.text("SELECT i.id FROM incident i JOIN area g ON g.id = i.grid_id "
                                      "WHERE g.code = :c ORDER BY i.id LIMIT 2"), {"c": grid}))
    conn.execute(sa.text("UPDATE app_user SET area_code = :c WHERE name = 'demo.worker'"), {"c": grid})
    link = parse(credentials.FieldLinkIn, {"worker": "demo.worker", "case_id": cases[0]})
    token, _who = credentials.field_link(conn, get_settings().secret_key, link)
    opened = anonymous.get(f"/f/{token}")
    assert opened.status_code == 303 and opened.location == f"/cases?incident={cases[0]}"
    assert anonymous.get(f"/api/v1/reports/{cases[0]}").status_code == 200
    assert anonymous.get(f"/api/v1/reports/{cases[1]}").status_code == 404   # the same worker's other case
    assert anonymous.get("/api/v1/reports").get_json()["count"] == 1


def test_a_tampered_or_expired_field_link_gets_a_translated_page(anonymous, conn, monkeypatch):
    resp = anonymous.get("/f/eyJ1IjoxfQ.tampered.signature")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 403 and "链接已过期" in body and "Traceback" not in body
    english = anonymous.get("/f/eyJ1IjoxfQ.tampered.signature?lang=en").get_data(as_text=True)
    assert "This link has expired" in english


def test_outside_demo_mode_the_development_secret_is_refused():
    from gisapp.core.settings import DEV_SECRET, SettingsError
    from gisapp.web.app import create_flask
    with pytest.raises(SettingsError, match="GISAPP_SECRET_KEY"):
        create_flask(Settings.from_env({**_env(), "GISAPP_SECRET_KEY": DEV_SECRET, "GISAPP_DEMO": "0"}))
    assert create_flask(Settings.from_env({**_env(), "GISAPP_SECRET_KEY": DEV_SECRET, "GISAPP_DEMO": "1"}))


def test_each_role_lands_on_a_page_it_may_open(anonymous, conn):
    """A department has no map: signed in without a page in mind, it starts at its queue of tasks."""
    token = credentials.create_link(conn, user_id(conn, "department"), 1, "/")
    assert anonymous.get(f"/login/link/{token}").location == "/tasks"
    token = credentials.create_link(conn, user_id(conn, "viewer"), 1, "/")
    assert anonymous.__class__(anonymous.application).get(f"/login/link/{token}").location == "/"
