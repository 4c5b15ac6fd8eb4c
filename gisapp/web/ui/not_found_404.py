"""The page for a path that is no page: said in the reader's language, with the header's navigation so
there is a way back (Dash shows this module's layout for unknown paths, by its name)."""

from __future__ import annotations

from dash import dcc, html
from flask_babel import gettext as _

from ..guard import page
from .chrome import page_header


def layout(**_query):
    return html.Div([page_header(_("Page not found")), html.Div([
        html.P(_("There is no page at this address. It may have been mistyped, or the link is old.")),
        dcc.Link(_("Back to the start"), href="/", className="button-link")], className="panel refused-note")],
        className="page not-found", id="not-found")


def register(app) -> None:
    page(app, __name__, "public", path="/404", name="Not found", layout=layout)
