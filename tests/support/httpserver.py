"""A loopback HTTP/1.1 server that misbehaves on purpose.

The fetcher's tests need a server that drips bytes, never stops, lies about
Content-Length, resets connections and sends headers no polite server would.
A normal HTTP server library refuses to do most of that, so this one speaks
HTTP by hand over raw sockets, one daemon thread per connection. It binds to
127.0.0.1 on a free port and never touches the network beyond loopback.

Routes are chosen by the first path segment (``/gzip-bomb``, ``/r/301/feed``
...); see ``tests/support/hostile_routes.py``. Every request is recorded
(path and lower-cased headers) and the server keeps a count of requests in
flight so tests can check concurrency limits; several servers can share one
:class:`Gauge` to check a global limit across hosts.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

from tests.support.hostile_routes import ROUTES
from tests.support.httpwire import Closed, Conn, Request, read_request


class Gauge:
    """Counts requests in flight; shareable between servers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.active = 0
        self.peak = 0

    def enter(self) -> None:
        with self._lock:
            self.active += 1
            self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        with self._lock:
            self.active -= 1

    def reset(self) -> None:
        with self._lock:
            self.active = 0
            self.peak = 0


@dataclass
class HostileServer:
    """Start with :meth:`start` (or use as a context manager); stop with :meth:`stop`."""

    gauge: Gauge = field(default_factory=Gauge)
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def start(self) -> HostileServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, 0))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                try:
                    sock.close()
                except OSError:
                    pass

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._sockets.add(sock)
                self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        conn = Conn(sock, self._stop)
        buffer = bytearray()
        try:
            while not self._stop.is_set():
                request = read_request(sock, buffer)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                handler = ROUTES.get(request.route)
                self.gauge.enter()
                conn.answering = self.gauge.leave
                try:
                    if handler is None:
                        conn.respond(404, b"no such route", reason="Not Found")
                    else:
                        handler(request, conn)
                finally:
                    if conn.answering is not None:  # it sent nothing
                        conn.answering = None
                        self.gauge.leave()
        except (Closed, OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._sockets.discard(sock)
            try:
                sock.close()
            except OSError:
                pass
