"""The header every page shares: title, page links and the language switch."""

from __future__ import annotations

from dash import dcc, html
from flask_babel import gettext as _


def page_header(title: str) -> html.Header:
    return html.Header([
        html.Span("gisapp", className="brand"),
        html.H1(title),
        html.Nav([dcc.Link(_("Map"), href="/"), dcc.Link(_("Big screen"), href="/screen"),
                  dcc.Link(_("Areas"), href="/areas"), dcc.Link(_("Cases"), href="/cases"),
                  html.A("中文", href="?lang=zh_CN"), html.A("English", href="?lang=en")]),
    ], className="header")
