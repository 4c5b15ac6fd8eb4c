"""Signing in (flask-login): sessions for people, bearer tokens for machines, field links for phones.

A session holds the user's id and, for a field link, the one case or area it opens; every request
reloads the account, so disabling a user ends their sessions. Sessions expire after
GISAPP_SESSION_MINUTES without a request; cookies are HttpOnly, SameSite and, over HTTPS, Secure.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.engine import Connection

from gisapp.access import audit, credentials, users
from gisapp.access.permissions import Who
from gisapp.core.db import begin
from gisapp.core.settings import Settings

CSRF_COOKIE = "_csrf_token"   # dash-renderer sends it back as X-CSRFToken on every callback


class SignedIn(UserMixin):
    """flask-login's view of a Who."""

    def __init__(self, who: Who):
        self.who = who

    def get_id(self) -> str:
        return str(self.who.user_id)


def _narrowed(who: Who) -> Who:
    """A field link's session sees only its case or area."""
    scope = session.get("scope") or {}
    return who.narrowed(area_code=scope.get("area"), case_id=scope.get("case")) if scope else who


def _load_user(user_id: str):
    if not user_id.isdecimal():
        return None
    with begin() as conn:
        who = users.active(conn, int(user_id))
    return SignedIn(_narrowed(who)) if who is not None else None


def _load_from_request(req):
    """Authorization: Bearer <token> (no cookie, no CSRF token needed)."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    with begin() as conn:
        who = credentials.token_user(conn, header[len("Bearer "):].strip())
    if who is None:
        return None
    g.bearer = True
    return SignedIn(who)


def current_who() -> Who | None:
    """The person behind this request, or None."""
    return current_user.who if current_user.is_authenticated else None


@contextmanager
def acting() -> Iterator[Connection]:
    """A transaction in which the signed-in user is the actor: the history and the audit name them."""
    who = current_who()
    if who is None:
        raise RuntimeError("acting() needs a signed-in user: the guard lets no one else this far")
    with begin() as conn:
        audit.act_as(conn, who, request.remote_addr)
        yield conn


def by_bearer() -> bool:
    return bool(g.get("bearer"))


def sign_in(who: Who, scope: dict | None = None) -> None:
    """Start a session (a fresh one: the old session id and CSRF token are dropped)."""
    session.clear()
    session.permanent = True
    if scope:
        session["scope"] = scope
    login_user(SignedIn(_narrowed(who) if scope else who))
    csrf_token(renew=True)


def sign_out() -> None:
    logout_user()
    session.clear()


def csrf_token(renew: bool = False) -> str:
    """This session's CSRF token, made on first use."""
    if renew or "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _csrf_cookie(response):
    """The CSRF token as a cookie dash-renderer can read; the session cookie stays HttpOnly."""
    token = session.get("csrf")
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, samesite="Strict", httponly=False,
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def install(server: Flask, settings: Settings) -> None:
    server.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookies_secure,
        SESSION_COOKIE_NAME="gisapp_session",
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
    )
    manager = LoginManager(server)
    manager.session_protection = "basic"
    manager.user_loader(_load_user)
    manager.request_loader(_load_from_request)
    server.after_request(_csrf_cookie)
