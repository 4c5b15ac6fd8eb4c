"""The ways in, as pages: the sign-in form, sign-out, one-time sign-in links and signed field links.

These are the only pages open without a session. Each refusal is a translated page, never a stack
trace; each attempt, good or bad, goes to the audit record with the address it came from.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from gisapp.access import audit, credentials, users
from gisapp.access.permissions import Who
from gisapp.core.db import begin
from gisapp.core.settings import get_settings

from .auth import csrf_token, current_who, sign_in, sign_out
from .guard import allow
from .limits import limited

bp = Blueprint("login", __name__)


def page(template: str, status: int = 200, **context):
    response = current_app.make_response(render_template(template, lang=str(get_locale()), **context))
    response.status_code = status   # web/headers.py marks these pages no-store
    return response


def message_page(title: str, message: str, status: int, link: str = "/", link_text: str | None = None):
    """A plain, translated page for a refusal (expired link, wrong role, too many attempts)."""
    return page("message.html", status, title=title, message=message, link=link,
                link_text=link_text or _("Back to the start"))


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site, never another host."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


# Where a role starts when it asked for no page in particular: the first page its permissions open.
LANDING = (("map.view", "/"), ("tasks.move", "/tasks"), ("cases.read", "/cases"), ("screen.view", "/screen"))


def landing(who: Who, next_path: str) -> str:
    if next_path != "/":
        return next_path
    return next((path for permission, path in LANDING if who.may(permission)), "/")


def _record(action: str, who: Who | None, **detail) -> None:
    with begin() as conn:
        audit.record(conn, action, who, actor=None if who else detail.pop("name", None) or "anonymous",
                     target=request.path, detail=detail, ip=request.remote_addr)


def _form(error: str | None = None, status: int = 200, name: str = ""):
    return page("login.html", status, title=_("Sign in"), error=error, name=name, csrf=csrf_token(),
                next=safe_next(request.values.get("next")))


@bp.get("/login")
@allow("public")
def form():
    if current_who() is not None and request.args.get("next"):
        return redirect(safe_next(request.args.get("next")))
    return _form()


@bp.post("/login")
@allow("public")
@limited("login_limit", "address", "account", failures_only=True)
def submit():
    sent = request.form.get("csrf_token", "")
    if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
        return _form(_("The form had expired; please sign in again."), 400)
    name = (request.form.get("name") or "").strip().lower()[:40]
    password = request.form.get("password") or ""
    with begin() as conn:
        who = users.authenticate(conn, name, password[:200]) if name and password else None
    if who is None:
        _record("login.failure", None, name=name or "anonymous")
        return _form(_("Wrong user name or password."), 401, name=name)
    sign_in(who)
    _record("login.success", who)
    return redirect(landing(who, safe_next(request.form.get("next"))), 303)


@bp.post("/logout")
@allow("signed_in")
def logout():
    _record("logout", current_who())
    sign_out()
    return redirect("/login", 303)


@bp.get("/login/link/<token>")
@allow("public")
@limited("login_limit", "address", methods=("GET",), failures_only=True)
def link(token: str):
    """A one-time sign-in link (`gisapp users link`): a kiosk's or a first login's."""
    with begin() as conn:
        used = credentials.use_link(conn, token[:100])
    if used is None:
        _record("login.failure", None, name="link")
        return message_page(_("This sign-in link does not work"),
                            _("It was used already, has expired or was revoked. Ask for a new one."), 410,
                            "/login", _("Sign in"))
    who, next_path = used
    sign_in(who)
    _record("login.link", who)
    return redirect(landing(who, safe_next(next_path)), 303)


@bp.get("/f/<token>")
@allow("public")
@limited("login_limit", "address", methods=("GET",), failures_only=True)
def field(token: str):
    """A signed field link: the worker's phone opens one case or one area, and nothing else."""
    with begin() as conn:
        who = credentials.open_field_link(conn, get_settings().secret_key, token[:500])
    if who is None:
        _record("login.failure", None, name="field link")
        return message_page(_("This link has expired"),
                            _("Field links work for a limited time and only for the worker they were made for. "
                              "Ask the command centre for a new one."), 403, "/login", _("Sign in"))
    scope = {"case": who.case_id} if who.case_id is not None else {"area": who.area_code}
    sign_in(who, scope=scope)
    _record("login.field_link", who, **scope)
    if who.case_id is not None:
        return redirect(f"/cases?incident={who.case_id}", 303)
    return redirect(f"/?area={who.area_code}", 303)
