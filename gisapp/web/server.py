"""Serving: gunicorn with several threaded workers, or Flask's debug server with --dev."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


def application(api_only: bool = False):
    """WSGI app for gunicorn: `gunicorn 'gisapp.web.server:application()'`."""
    from .app import create_app, create_flask
    return create_flask() if api_only else create_app().server


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict, api_only: bool):
        self.options = options
        self.api_only = api_only
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application(self.api_only)


def run(host: str, port: int, workers: int, dev: bool = False, threads: int = 32, api_only: bool = False) -> None:
    if dev:
        application(api_only).run(host=host, port=port, debug=True, threaded=True)
        return
    # Threaded workers: a live map keeps one server-sent-events stream open, which must not hold a
    # whole worker. Streams end after a few minutes and on shutdown, and the browser reconnects.
    # gisapp's gthread worker reads each request's headers before giving it a thread (web/worker.py).
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "worker_class": "gisapp.web.worker.Worker",
               "threads": threads, "accesslog": "-", "timeout": 60, "graceful_timeout": 5}, api_only).run()
