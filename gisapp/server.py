"""Serving: gunicorn with several workers, or Flask's debug server with --dev."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


def application():
    """WSGI app for gunicorn: `gunicorn 'gisapp.server:application()'`."""
    from .dashboard import create_app
    return create_app().server


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application()


def run(host: str, port: int, workers: int, dev: bool = False) -> None:
    if dev:
        from .dashboard import create_app
        create_app().run(host=host, port=port, debug=True)
        return
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-", "timeout": 60}).run()
