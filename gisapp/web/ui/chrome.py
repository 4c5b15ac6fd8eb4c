"""The header every page shares: title, the pages this user's role may open, who is signed in, sign-out
and the language switch."""

from __future__ import annotations

from dash import dcc, html
from flask_babel import gettext as _

from gisapp.core.workdays import unofficial_soon

from ..auth import csrf_token, current_who
from .i18n import ROLE_LABELS, label

# (permission, path, label): a link is shown only to roles that may open its page.
PAGES = [("map.view", "/", "Map"), ("screen.view", "/screen", "Big screen"), ("areas.read", "/areas", "Areas"),
         ("cases.read", "/cases", "Cases"), ("tasks.move", "/tasks", "Tasks"),
         ("boundaries.edit", "/planner", "Planner"), ("audit.read", "/audit", "Audit")]


def _links(who) -> list:
    names = {"Map": _("Map"), "Big screen": _("Big screen"), "Areas": _("Areas"), "Cases": _("Cases"),
             "Tasks": _("Department tasks"), "Planner": _("Boundary planning"), "Audit": _("Audit")}
    return [dcc.Link(names[text], href=path) for permission, path, text in PAGES
            if who is not None and who.may(permission)]


def signed_in_as(who) -> html.Div:
    """Who is signed in, as what, and the sign-out button (a POST with the session's CSRF token)."""
    if who is None:
        return html.Div()
    role = label(ROLE_LABELS, who.role)
    return html.Div([
        html.Span(who.display, className="who-name", title=who.name), html.Span(role, className="who-role"),
        html.Form([dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                   html.Button(_("Sign out"), type="submit", id="sign-out")],
                  method="post", action="/logout", className="sign-out"),
    ], className="who")


def calendar_warning(conn) -> html.Div | None:
    """Deadlines soon count on a year with no official notice loaded (core/workdays.py): say so where
    deadlines are watched, until an administrator loads it."""
    soon = unofficial_soon(conn)
    if soon is None:
        return None
    return html.Div(_("From %(day)s the working calendar has no official notice: deadlines count the statutory "
                      "holidays only, without the make-up working days. An administrator loads the notice with "
                      "gisapp calendar load.", day=soon.isoformat()), className="calendar-warning", role="alert",
                    id="calendar-warning")


def page_header(title: str) -> html.Header:
    who = current_who()
    return html.Header([
        html.Span("gisapp", className="brand"),
        html.H1(title),
        html.Nav([*_links(who), html.A("中文", href="?lang=zh_CN", **{"data-lang": "zh_CN"}),
                  html.A("English", href="?lang=en", **{"data-lang": "en"})]),
        signed_in_as(who),
    ], className="header")
