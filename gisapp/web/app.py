"""The one place that assembles the web app: Flask with Babel, sign-in, the guard and the JSON API, then
the Dash pages on top.

`create_flask()` alone serves the API and the sign-in pages (no Dash is imported); `create_app()` adds
the pages. Outside demo mode neither starts with the development secret key.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_babel import Babel

from gisapp.core.settings import DEV_SECRET, Settings, SettingsError, get_settings

from . import api, auth, faults, guard, headers, limits, login

HERE = Path(__file__).resolve().parent
LANGUAGES = ("zh_CN", "en")


def select_locale(default: str) -> str:
    """The API answers in the language the client asks for (Accept-Language), English by default; the
    pages: ?lang= wins, then the cookie set by the switch, then the setting (zh_CN by default)."""
    if request.path.startswith("/api/"):
        asked = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans", "zh-Hans-CN"])
        return "zh_CN" if asked and asked.startswith("zh") else "en"
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return default


def _remember_language(response):
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="Lax")
    return response


def create_flask(settings: Settings | None = None) -> Flask:
    """Flask with its settings, translations and the API under /api/v1."""
    settings = settings or get_settings()
    if settings.secret_key == DEV_SECRET and not settings.demo:
        raise SettingsError("GISAPP_SECRET_KEY is the development key: set a secret of your own "
                            "(e.g. GISAPP_SECRET_KEY=$(openssl rand -hex 32)), or GISAPP_DEMO=1 for a demo")
    server = Flask("gisapp", static_folder=str(HERE / "static"), template_folder=str(HERE / "templates"))
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
    limits.install_body_limit(server)
    auth.install(server, settings)
    guard.install(server)
    api.register(server)
    server.register_blueprint(login.bp)
    limits.install(server, settings)
    faults.install(server)
    server.after_request(_remember_language)
    headers.install(server, settings)
    return server


def create_app(settings: Settings | None = None):
    """The whole app: the Flask server of create_flask() with every Dash page and map element."""
    import dash

    from . import ui

    settings = settings or get_settings()
    server = create_flask(settings)
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",               # pages are registered by gisapp.web.ui, room by room
        assets_folder=str(HERE / "ui" / "assets"),
        serve_locally=True,            # command centres are offline: no CDN, ever
        suppress_callback_exceptions=True,
        title="gisapp",
        update_title=None,
    )
    ui.register(app)
    app.layout = dash.html.Div([dash.page_container], id="app-root")
    # Dash finishes its set-up on the first request, without a lock: under threaded workers a second
    # request can find it half done and 500 on a script. One (public) request here does it before serving.
    server.test_client().get("/_favicon.ico")
    guard.install_dash(server)
    guard.check_declared(app)
    headers.allow_scripts(server, settings, app.csp_hashes())   # after the set-up: it adds an inline script
    return app
