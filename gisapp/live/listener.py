"""One LISTEN connection per process: it wakes every stream this process serves.

A NOTIFY only says "something happened"; the streams then read the table (see feed.py), so a
listener that lost the database and came back misses nothing.
"""

from __future__ import annotations

import logging
import threading

import psycopg

from gisapp.core.settings import get_settings, libpq_url

log = logging.getLogger(__name__)
CHANNELS = ("gisapp_incident", "gisapp_generation")


class Listener:
    """LISTENs in a daemon thread; reconnects with back-off when the database goes away."""

    def __init__(self, url: str):
        self.url = url
        self.connected = False
        self.reconnects = 0
        self._seq = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def seq(self) -> int:
        with self._cond:
            return self._seq

    def start(self) -> Listener:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="gisapp-listener", daemon=True)
                self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until something new has been heard since `seen` (or the timeout); the new mark."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq != seen, timeout)
            return self._seq

    def _wake(self) -> None:
        with self._cond:
            self._seq += 1
            self._cond.notify_all()

    def _run(self) -> None:
        backoff = 0.25
        while not self._stop.is_set():
            try:
                with psycopg.connect(libpq_url(self.url), autocommit=True, connect_timeout=5,
                                     application_name="gisapp-listener") as conn:
                    for channel in CHANNELS:
                        conn.execute(f"LISTEN {channel}")
                    self.connected, backoff = True, 0.25
                    self._wake()   # streams re-read the table: whatever happened while we were away
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=5.0):
                            self._wake()
                        conn.execute("SELECT 1")   # a dead connection shows up here, not as silence
            except psycopg.Error as exc:
                if self.connected:
                    log.warning("listener lost the database (%s); reconnecting", exc)
                self.connected = False
                self.reconnects += 1
                self._wake()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        self.connected = False


_LISTENER: Listener | None = None
_LOCK = threading.Lock()


def get_listener() -> Listener:
    """This process's listener, started on first use (never at import: no I/O at import time)."""
    global _LISTENER
    url = get_settings().database_url
    with _LOCK:
        if _LISTENER is None or _LISTENER.url != url:
            if _LISTENER is not None:
                _LISTENER.stop()
            _LISTENER = Listener(url)
        return _LISTENER.start()
