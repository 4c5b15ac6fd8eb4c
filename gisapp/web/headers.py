"""Security headers on every answer: a Content-Security-Policy the pages pass, no framing, no referrer
to other sites, no sniffing; and no caching of anything that may hold personal data.

Dash's inline scripts (its renderer and our clientside callbacks) are allowed by their hashes, so no
inline script of anyone else's can run, even if some text slipped through unescaped.
"""

from __future__ import annotations

from flask import Flask, request

from gisapp.core.settings import Settings

API_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
KEY = "gisapp_page_policy"


def page_policy(script_hashes: list[str], online_tiles: bool) -> str:
    scripts = " ".join(["'self'", *script_hashes])   # Dash quotes them: 'sha256-…'
    images = "'self' data: blob:" + (" https:" if online_tiles else "")
    return "; ".join([
        "default-src 'self'", f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",          # React and Leaflet set element styles
        f"img-src {images}", "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"])


def allow_scripts(server: Flask, settings: Settings, script_hashes: list[str]) -> None:
    """The pages' policy: app.csp_hashes(), once Dash has registered every inline script."""
    server.extensions[KEY] = page_policy(script_hashes, settings.basemap != "vector")


def install(server: Flask, settings: Settings) -> None:
    """The headers; pages get a script policy from allow_scripts() (until then, and for the API alone,
    the strict API policy)."""

    @server.after_request
    def _headers(response):
        h = response.headers
        policy = API_POLICY if request.path.startswith("/api/") else server.extensions.get(KEY, API_POLICY)
        h.setdefault("Content-Security-Policy", policy)
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")   # a field link's token never leaves the site
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        if settings.cookies_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith(("/api/", "/_dash-update-component", "/login", "/f/")):
            h.setdefault("Cache-Control", "private, no-store")
        return response
