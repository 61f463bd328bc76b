"""The HTTP the hostile server speaks by hand: a request read off a socket,
and a connection a route answers on (whole responses, drips, resets)."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]

    @property
    def route(self) -> str:
        return self.path.strip("/").split("/", 1)[0]


class Closed(Exception):
    """The handler wants the connection closed after its response."""


@dataclass
class Conn:
    sock: socket.socket
    stop: threading.Event
    #: Called once before the first byte of an answer goes out (the server's
    #: in-flight gauge leaves there: once the client has the answer it may
    #: start its next request before this thread runs again).
    answering: Callable[[], None] | None = None

    def send(self, data: bytes) -> None:
        if self.answering is not None:
            answering, self.answering = self.answering, None
            answering()
        self.sock.sendall(data)

    def respond(
        self,
        status: int,
        body: bytes = b"",
        headers: list[tuple[str, str]] | None = None,
        *,
        reason: str = "Whatever",
        content_length: bool = True,
    ) -> None:
        head = [f"HTTP/1.1 {status} {reason}"]
        for name, value in headers or []:
            head.append(f"{name}: {value}")
        if content_length:
            head.append(f"Content-Length: {len(body)}")
        self.send(("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body)

    def reset(self) -> None:
        """Close with RST instead of FIN (SO_LINGER with a zero timeout)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        raise Closed

    def drip(self, data: bytes, interval: float) -> None:
        for i in range(len(data)):
            if self.stop.wait(interval):
                raise Closed
            self.send(data[i : i + 1])


Handler = Callable[[Request, Conn], None]


_MAX_REQUEST_HEAD = 64 * 1024


def read_request(sock: socket.socket, buffer: bytearray) -> Request | None:
    while b"\r\n\r\n" not in buffer:
        if len(buffer) > _MAX_REQUEST_HEAD:
            return None
        data = sock.recv(65536)
        if not data:
            return None
        buffer += data
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    buffer[:] = rest
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    parts = urlsplit(target)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return Request(method, parts.path, query, headers)
