"""gunicorn's threaded worker, with no thread given to a request before its headers have arrived.

The stock gthread worker hands a connection to a thread as soon as it is readable; a client that sends
half its headers and stops then holds that thread until it gives up, and a few hundred such
connections starve every request (health checks included). Here the worker's own event loop reads
the headers without blocking, drops connections that take longer than HEADER_SECONDS, and only then
hands the request, headers read, to a thread. A thread reading a body, or writing a live stream,
gives up on a client that stalls for READ_SECONDS.
"""

from __future__ import annotations

import selectors
import time
from collections import deque
from functools import partial

from gunicorn.workers import gthread

HEADER_SECONDS = 10.0   # from the first byte of a request (or from connecting) to its blank line
READ_SECONDS = 30.0     # the longest pause a thread waits on a client, reading or writing
HEADER_LIMIT = 64 * 1024


class Conn(gthread.TConn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.head = bytearray()
        self.deadline = time.monotonic() + HEADER_SECONDS

    def init(self):
        first = not self.initialized
        super().init()
        if first and self.head:
            self.parser.unreader.unread(bytes(self.head))   # the headers the event loop read
            self.head = bytearray()
        self.sock.settimeout(READ_SECONDS)


class Worker(gthread.ThreadWorker):
    """`worker_class = "gisapp.web.worker.Worker"` (gisapp serve uses it)."""

    def init_process(self):
        self.reading: deque[Conn] = deque()
        super().init_process()

    def accept(self, listener):
        if self.cfg.is_ssl:   # TLS is terminated in front of gisapp; keep gunicorn's own path for it
            return super().accept(listener)
        try:
            sock, addr = listener.accept()
        except BlockingIOError:
            return
        except OSError:
            return
        self.nr_conns += 1
        conn = Conn(self.cfg, sock, addr, listener.getsockname())   # non-blocking until handed over
        self._read_head(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection's next request: its headers, too, are read here first."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        conn.head, conn.deadline = bytearray(), time.monotonic() + HEADER_SECONDS
        self._read_head(conn)

    def _read_head(self, conn: Conn) -> None:
        self.reading.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_bytes, conn))

    def _on_head_bytes(self, conn: Conn, sock) -> None:
        try:
            chunk = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._drop(conn)
            return
        conn.head += chunk
        if b"\r\n\r\n" in conn.head or len(conn.head) > HEADER_LIMIT:   # complete (or too big: the parser says)
            self.poller.unregister(sock)
            self.reading.remove(conn)
            if conn.initialized:   # kept alive: its parser reads on from these bytes
                conn.parser.unreader.unread(bytes(conn.head))
                conn.head = bytearray()
            conn.data_ready = True
            self.enqueue_req(conn)

    def _drop(self, conn: Conn) -> None:
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass
        self.reading.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self.reading if c.deadline <= now]:
            self._drop(conn)
