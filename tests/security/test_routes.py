"""Security review, part 1: every route, page and callback declares who may use it; anonymous clients get
nothing but the public routes; and each role gets exactly what the permission table gives it.

The lists below are read from the running app, so a new route or callback is checked without anyone
adding it here.
"""

from __future__ import annotations

import re

import pytest
from flask_login import login_user

from fixtures.people import user_id
from gisapp.access import users
from gisapp.access.permissions import PERMISSIONS
from gisapp.core.vocabulary import ROLE_CODES
from gisapp.web.auth import SignedIn
from gisapp.web.guard import callback_permission, declared_everything, route_permission

ANONYMOUS_ALLOWED = {"login.form", "login.submit", "login.link", "login.field", "api.health", "static",
                     "_dash_assets.static", "/_favicon.ico",
                     "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"}
SAMPLE = {"int": "1", "string": "grids", "path": "x"}


@pytest.fixture
def dash_app(conn):
    from gisapp.core.settings import get_settings
    from gisapp.web.app import create_app
    app = create_app(get_settings())
    app.server.testing = True
    return app


def _routes(server):
    """(method, a concrete path, endpoint) for every rule of the app."""
    for rule in server.url_map.iter_rules():
        path = re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or "string", "x"), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path, rule.endpoint


def test_every_route_and_callback_declares_a_permission(dash_app):
    assert declared_everything(dash_app) == []


def test_the_public_routes_are_exactly_the_ones_the_issue_lists(dash_app):
    public = {e for _m, _p, e in _routes(dash_app.server) if route_permission(dash_app.server, e) == "public"}
    assert public == ANONYMOUS_ALLOWED


def test_anonymous_clients_are_refused_on_every_other_route(dash_app):
    client = dash_app.server.test_client()
    for method, path, endpoint in _routes(dash_app.server):
        if endpoint in ANONYMOUS_ALLOWED:
            continue
        resp = client.open(path, method=method, json={} if method != "GET" else None)
        if path.startswith(("/api/", "/_dash-")):
            assert resp.status_code == 401, (method, path, resp.status_code)
            assert resp.get_json()["errors"][0]["field"] == "auth"
        else:
            assert resp.status_code == 302 and resp.location.startswith("/login?next="), (method, path)


def _callback_body(output: str) -> dict:
    return {"output": output, "outputs": [], "inputs": [], "state": [], "changedPropIds": []}


def test_anonymous_clients_cannot_call_any_dash_callback(dash_app):
    """Dash serves every callback at one URL, whatever page holds it: each is refused by its own output."""
    client = dash_app.server.test_client()
    keys = [k for k, spec in dash_app.callback_map.items() if spec.get("callback") is not None]
    assert len(keys) >= 13
    for key in keys:
        resp = client.post("/_dash-update-component", json=_callback_body(key))
        assert resp.status_code == 401, key


def test_a_forged_callback_output_or_body_is_refused_not_run(client_as):
    client = client_as("admin")
    assert client.post("/_dash-update-component", json=_callback_body("no-such.children")).status_code == 403
    for body in ({"output": 3}, [], {"output": "x"}, {"output": "a.b", "inputs": "x", "outputs": []}):
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 400 and resp.get_json()["errors"][0]["field"] == "callback", body


@pytest.mark.parametrize("role", ROLE_CODES)
def test_each_role_gets_exactly_the_api_routes_its_permissions_name(dash_app, client_as, role):
    client = client_as(role)
    for method, path, endpoint in _routes(dash_app.server):
        permission = route_permission(dash_app.server, endpoint)
        if not path.startswith("/api/") or permission in ("public", "signed_in"):
            continue
        if path.endswith("/stream"):
            continue   # tested in test_streams.py: it would hold the connection open
        resp = client.open(path, method=method, json={} if method != "GET" else None)
        if role in PERMISSIONS[permission]:
            assert resp.status_code not in (401, 403), (role, method, path, resp.get_data(as_text=True)[:200])
        else:
            assert resp.status_code == 403, (role, method, path, resp.status_code)
            assert resp.get_json()["errors"][0]["field"] == "permission"


@pytest.mark.parametrize("role", ROLE_CODES)
def test_each_role_may_call_exactly_the_callbacks_its_permissions_name(dash_app, client_as, role):
    client = client_as(role)
    for key, spec in dash_app.callback_map.items():
        if spec.get("callback") is None:
            continue
        permission = callback_permission(dash_app.server, key)
        resp = client.post("/_dash-update-component", json=_callback_body(key))
        if role in PERMISSIONS[permission]:
            assert resp.status_code not in (401, 403) and resp.status_code < 500, (role, key, resp.status_code)
        else:
            assert resp.status_code == 403, (role, key, resp.status_code)


@pytest.mark.parametrize("role", ROLE_CODES)
def test_each_role_opens_exactly_the_pages_its_permissions_name(dash_app, conn, role):
    import dash
    pages = dash_app.server.extensions["gisapp_pages"]
    who = users.active(conn, user_id(conn, role))
    for page in dash.page_registry.values():
        permission = pages[page["path"]]
        with dash_app.server.test_request_context(page["path"]):
            login_user(SignedIn(who))
            shown = page["layout"]()
        refused = "refused" in (getattr(shown, "className", "") or "")
        allowed = permission == "public" or role in PERMISSIONS[permission]   # "public": the not-found page
        assert refused == (not allowed), (role, page["path"])
