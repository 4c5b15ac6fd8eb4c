"""Every route, page and Dash callback says who may use it; whatever says nothing is refused.

Flask views carry @allow(permission); Flask's and Dash's own routes are declared in FRAMEWORK_ROUTES; pages and
server callbacks are registered through page()/callback() below, which record the permission by
the callback's output key: protecting a page does not protect the callbacks it holds, since they
answer at POST /_dash-update-component. State-changing browser requests carry the session's CSRF
token (the login form as a field, Dash callbacks and API calls as the X-CSRFToken header).
"""

from __future__ import annotations

import functools
import hmac
from urllib.parse import quote

from flask import Flask, current_app, jsonify, redirect, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from gisapp.access import audit
from gisapp.access.permissions import PERMISSIONS
from gisapp.core.db import begin

from .auth import by_bearer, csrf_token, current_who

ATTR = "gisapp_permission"
CALLBACKS = "gisapp_callback_permissions"   # app.server.extensions key: output key → permission
# Flask's and Dash's own routes. Code, styles and assets are public (they hold no data; the sign-in
# page uses the static ones); the layout, the dependencies and the pages need a signed-in user.
FRAMEWORK_ROUTES = {"static": "public",
    "/": "signed_in", "/<path:path>": "signed_in", "/_dash-layout": "signed_in",
    "/_dash-dependencies": "signed_in", "/_reload-hash": "signed_in", "/_dash-update-component": "callback",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": "public",
    "_dash_assets.static": "public", "/_favicon.ico": "public",
}
DASH_CALLBACKS = {".._pages_content.children..._pages_store.data..": "signed_in"}   # Dash's page router
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def allow(permission: str):
    """Declare who may use a Flask view."""
    PERMISSIONS[permission]   # a KeyError now, not at request time, for a permission no table names

    def mark(view):
        setattr(view, ATTR, permission)
        return view
    return mark


def page(app, module: str, permission: str, **options) -> None:
    """dash.register_page, with the layout refused to those without the permission."""
    import dash
    PERMISSIONS[permission]
    layout = options.pop("layout")

    def guarded(**query):
        who = current_who()
        if permission != "public" and (who is None or not who.may(permission)):
            from .ui.chrome import page_header  # the header still leads to the pages this role may open
            return dash.html.Div([page_header(_("Not for your role")), dash.html.Div([
                dash.html.P(_("Your account may not open this page.")),
                dash.html.A(_("Back to the start"), href="/")], className="panel refused-note")],
                className="page refused")
        return layout(**query)
    dash.register_page(module, layout=guarded, **options)
    app.server.extensions.setdefault("gisapp_pages", {})[options.get("path")] = permission


# What a forged callback request (values of the wrong type or shape) raises inside a callback: the
# client's fault, answered 400. Anything else is a bug, logged and answered 500.
FORGED = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError)


def callback(app, permission: str, *args, **kwargs):
    """app.callback, with the permission recorded for the callback's output key."""
    PERMISSIONS[permission]

    def register(fn):
        @functools.wraps(fn)
        def checked(*values):
            try:
                return fn(*values)
            except FORGED as exc:
                current_app.logger.warning("callback %s refused its inputs: %r", fn.__name__, exc)
                raise BadRequest(_("this request does not fit the page; reload it")) from None

        before = set(app.callback_map)
        wrapped = app.callback(*args, **kwargs)(checked)
        for key in set(app.callback_map) - before:
            app.server.extensions.setdefault(CALLBACKS, {})[key] = permission
        return wrapped
    return register


def callback_permission(server: Flask, output: str) -> str | None:
    declared = {**DASH_CALLBACKS, **server.extensions.get(CALLBACKS, {})}
    return declared.get(output) or declared.get(output.split("@", 1)[0])


def route_permission(server: Flask, endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    view = server.view_functions.get(endpoint)
    return getattr(view, ATTR, None) or FRAMEWORK_ROUTES.get(endpoint)


def _is_json_client() -> bool:
    return request.path.startswith(("/api/", "/_dash-")) or request.accept_mimetypes.best == "application/json"


def _refuse(status: int, field: str, message: str):
    if _is_json_client():
        response = jsonify({"errors": [{"field": field, "message": message}]})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="gisapp"'
        return response
    if status == 401:
        return redirect(f"/login?next={quote(request.full_path.rstrip('?'), safe='/?=&')}")
    from .login import message_page
    return message_page(_("Not for your role"), message, status)


def _denied(permission: str, who) -> None:
    with begin() as conn:
        audit.record(conn, "access.denied", who, target=f"{request.method} {request.path}"[:300],
                     detail={"permission": permission}, ip=request.remote_addr)


def check():
    """before_request: who is asking, may they, and did their browser send the CSRF token."""
    endpoint = request.endpoint
    if endpoint is None:
        return None   # routing answers 404/405 (in the API's shape under /api/)
    permission = route_permission(current_app, endpoint)
    if permission == "callback":
        if current_who() is None:
            return _refuse(401, "auth", _("sign in first, or send Authorization: Bearer <token>"))
        body = request.get_json(silent=True)
        if not _callback_shape(body):
            return _refuse(400, "callback", _("this request does not fit the page; reload it"))
        permission = callback_permission(current_app, body["output"])
    if permission is None:
        return _refuse(403, "permission", _("this route declares no permission"))
    if permission == "public":
        return None
    who = current_who()
    if who is None:
        return _refuse(401, "auth", _("sign in first, or send Authorization: Bearer <token>"))
    if not who.may(permission):
        _denied(permission, who)
        return _refuse(403, "permission", _("your role (%(role)s) may not do this", role=who.role))
    if request.method in UNSAFE and not by_bearer():
        sent = request.headers.get("X-CSRFToken") or request.form.get("csrf_token") or ""
        if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
            return _refuse(403, "csrf", _("the form is stale: reload the page and try again"))
    return None


def _callback_shape(body) -> bool:
    """What dash-renderer sends to /_dash-update-component; anything else never reaches Dash."""
    def deps(items) -> bool:
        return isinstance(items, list) and all(
            isinstance(i, dict) and "id" in i and isinstance(i.get("property"), str)
            or isinstance(i, list) and deps(i) for i in items)
    return (isinstance(body, dict) and isinstance(body.get("output"), str) and deps(body.get("inputs"))
            and deps(body.get("state", [])) and isinstance(body.get("outputs"), dict | list)
            and isinstance(body.get("changedPropIds", []), list))


def install(server: Flask) -> None:
    server.before_request(check)


def install_dash(server: Flask) -> None:
    """Once Dash has added its routes: a callback request Dash itself cannot make sense of (inputs of
    the wrong number or shape, forged by hand) is the client's fault, answered 400, never a 500."""
    from dash.exceptions import DashException  # "Inputs do not match callback definition", and the like
    endpoint = "/_dash-update-component"
    dispatch = server.view_functions[endpoint]

    @functools.wraps(dispatch)
    def dispatch_checked(*args, **kwargs):
        try:
            return dispatch(*args, **kwargs)
        except (*FORGED, DashException) as exc:
            current_app.logger.warning("a callback request Dash could not read: %r", exc)
            return _refuse(400, "callback", _("this request does not fit the page; reload it"))
    server.view_functions[endpoint] = dispatch_checked


def check_declared(app) -> None:
    """Refuse to serve an app with a route or callback that declares no permission (it would answer 403
    to everyone; better to fail at start-up, naming it)."""
    missing = declared_everything(app)
    if missing:
        raise RuntimeError("these declare no permission (gisapp.web.guard): " + ", ".join(missing))


def declared_everything(app) -> list[str]:
    """What declares no permission: Flask endpoints and server callbacks (the test fails on any)."""
    server = app.server if hasattr(app, "server") else app
    missing = [f"route {e}" for e in server.view_functions if route_permission(server, e) is None]
    for key, spec in getattr(app, "callback_map", {}).items():
        if spec.get("callback") is not None and callback_permission(server, key) is None:
            missing.append(f"callback {key}")
    return missing

