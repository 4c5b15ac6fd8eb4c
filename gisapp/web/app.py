"""The Dash app (use_pages) with the JSON API on the same Flask server."""

from __future__ import annotations

from pathlib import Path

import dash
from flask import request
from flask_babel import Babel

from .api import register as register_api
from gisapp.core.settings import Settings, get_settings
from gisapp.web.ui.components import live, map_view

HERE = Path(__file__).resolve().parent
LANGUAGES = ("zh_CN", "en")


def select_locale(default: str) -> str:
    """?lang= wins, then the cookie set by the switch, then the setting (zh_CN by default)."""
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return default


def create_app(settings: Settings | None = None) -> dash.Dash:
    settings = settings or get_settings()
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "ui" / "pages"),
        assets_folder=str(HERE / "ui" / "assets"),
        serve_locally=True,            # command centres are offline: no CDN, ever
        suppress_callback_exceptions=True,
        title="gisapp",
        update_title=None,
    )
    server = app.server
    server.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        BABEL_DEFAULT_LOCALE=settings.language,
        BABEL_TRANSLATION_DIRECTORIES=str(HERE.parent / "translations"),
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        JSON_AS_ASCII=False,
    )
    server.json.ensure_ascii = False
    Babel(server, locale_selector=lambda: select_locale(settings.language))
    register_api(server)

    @server.after_request
    def _remember_language(response):
        lang = request.args.get("lang")
        if lang in LANGUAGES:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
        return response

    app.layout = dash.html.Div([dash.page_container], id="app-root")
    map_view.register(app)
    live.register(app)
    # Dash finishes its set-up on the first request, without a lock: under threaded workers a second
    # request can find it half done and 500 on a script. One request here does it before serving.
    server.test_client().get("/_dash-dependencies")
    return app
