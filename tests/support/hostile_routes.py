"""The routes of the hostile server, chosen by the first path segment
(``/gzip-bomb``, ``/r/301/feed`` ...): what each one sends, and the feed
and page bodies the tests compare against."""

from __future__ import annotations

import gzip
import time
import zlib

from tests.support.httpwire import Closed, Conn, Handler, Request

FEED_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<rss version="2.0"><channel><title>Harbour Gazette</title>'
    b"<link>http://example.test/</link>"
    b"<item><title>Ferry timetable changes for winter</title>"
    b"<link>http://example.test/ferry</link></item>"
    b"</channel></rss>\n"
)
FEED_ETAG = '"harbour-v1"'
FEED_LAST_MODIFIED = "Tue, 04 Mar 2025 08:15:00 GMT"

HTML_PAGE = b"""<!DOCTYPE html>
<html><head><title>Harbour Gazette</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All stories" href="/feed">
</head><body><p>Welcome to the harbour.</p></body></html>
"""

# 8 MiB of zeros gzips to about 8 KiB: a small bomb, big enough to trip the
# 1 MiB cap the tests use.
BOMB_DECODED_SIZE = 8 * 1024 * 1024


def _feed(req: Request, conn: Conn) -> None:
    """A feed with both validators; 304 when the client sends either back."""
    validators = [("ETag", FEED_ETAG), ("Last-Modified", FEED_LAST_MODIFIED)]
    if req.headers.get("if-none-match") == FEED_ETAG or (
        "if-none-match" not in req.headers and req.headers.get("if-modified-since") == FEED_LAST_MODIFIED
    ):
        conn.respond(304, b"", validators, reason="Not Modified", content_length=False)
        return
    conn.respond(200, FEED_BODY, [("Content-Type", "application/rss+xml; charset=utf-8"), *validators])


def _feed_lm(req: Request, conn: Conn) -> None:
    """Only Last-Modified; the 304 repeats no validator at all."""
    if req.headers.get("if-modified-since") == FEED_LAST_MODIFIED:
        conn.respond(304, b"", [], reason="Not Modified", content_length=False)
        return
    conn.respond(
        200,
        FEED_BODY,
        [("Content-Type", "application/rss+xml"), ("Last-Modified", FEED_LAST_MODIFIED)],
    )


def _html(req: Request, conn: Conn) -> None:
    conn.respond(200, HTML_PAGE, [("Content-Type", "text/html; charset=utf-8")])


def _gzip(req: Request, conn: Conn) -> None:
    conn.respond(
        200,
        gzip.compress(FEED_BODY),
        [("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")],
    )


def _deflate(req: Request, conn: Conn) -> None:
    conn.respond(
        200,
        zlib.compress(FEED_BODY),
        [("Content-Type", "application/rss+xml"), ("Content-Encoding", "deflate")],
    )


def _deflate_raw(req: Request, conn: Conn) -> None:
    packer = zlib.compressobj(wbits=-15)
    body = packer.compress(FEED_BODY) + packer.flush()
    conn.respond(200, body, [("Content-Type", "application/rss+xml"), ("Content-Encoding", "deflate")])


def _gzip_members(req: Request, conn: Conn) -> None:
    half = len(FEED_BODY) // 2
    body = gzip.compress(FEED_BODY[:half]) + gzip.compress(FEED_BODY[half:])
    conn.respond(200, body, [("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")])


def _gzip_truncated(req: Request, conn: Conn) -> None:
    body = gzip.compress(FEED_BODY * 20)
    conn.respond(200, body[: len(body) // 2], [("Content-Encoding", "gzip")])


def _gzip_validators_truncated(req: Request, conn: Conn) -> None:
    body = gzip.compress(FEED_BODY * 20)
    headers = [
        ("Content-Encoding", "gzip"),
        ("ETag", FEED_ETAG),
        ("Last-Modified", FEED_LAST_MODIFIED),
    ]
    conn.respond(200, body[: len(body) // 2], headers)


def _gzip_corrupt(req: Request, conn: Conn) -> None:
    conn.respond(200, b"\x1f\x8b\x08\x00this is not deflate data at all", [("Content-Encoding", "gzip")])


_BOMB: list[bytes] = []


def _bomb_bytes() -> bytes:
    if not _BOMB:
        _BOMB.append(gzip.compress(bytes(BOMB_DECODED_SIZE), compresslevel=9))
    return _BOMB[0]


def _gzip_bomb(req: Request, conn: Conn) -> None:
    conn.respond(200, _bomb_bytes(), [("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")])


def _gzip_stacked(req: Request, conn: Conn) -> None:
    """Two layers, as in SECURITY.md, trap 7 (small here: the refusal is the point)."""
    body = gzip.compress(gzip.compress(FEED_BODY))
    conn.respond(200, body, [("Content-Encoding", "gzip, gzip")])


def _encoding(req: Request, conn: Conn) -> None:
    """Any Content-Encoding the test asks for, over a plain body."""
    conn.respond(200, FEED_BODY, [("Content-Encoding", req.query.get("ce", "br"))])


def _escape_header(req: Request, conn: Conn) -> None:
    """Terminal escapes (7-bit OSC 52 and an 8-bit CSI) in a header value."""
    hostile = "x\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u009b31mred"
    conn.respond(200, FEED_BODY, [("Content-Type", "text/xml\x1b[5m"), ("Content-Encoding", hostile)])


def _escape_location(req: Request, conn: Conn) -> None:
    conn.respond(302, b"", [("Location", "file:///etc/passwd\x1b]0;pwned\x07\u009b2J")])


def _c1_location(req: Request, conn: Conn) -> None:
    """An http Location carrying an 8-bit CSI (U+009B, sent as UTF-8)."""
    conn.respond(302, b"", [("Location", "/feed\u009b2J")])


def _escape_reason(req: Request, conn: Conn) -> None:
    conn.respond(418, b"", reason="\x1b]0;owned\x07 Teapot \u009b1m")


def _slow_drip(req: Request, conn: Conn) -> None:
    """Headers at once, then one byte per interval for a long time."""
    interval = float(req.query.get("interval", "0.05"))
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
    conn.drip(b"<" * 100000, interval)


def _slow_headers(req: Request, conn: Conn) -> None:
    """The status line, then header bytes one at a time."""
    conn.send(b"HTTP/1.1 200 OK\r\n")
    conn.drip(b"X-Padding: " + b"a" * 10000, float(req.query.get("interval", "0.05")))


def _silent(req: Request, conn: Conn) -> None:
    """Read the request and say nothing until the client gives up."""
    conn.stop.wait(30)
    raise Closed


def _endless(req: Request, conn: Conn) -> None:
    """No Content-Length, no end: bytes until the client hangs up."""
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n")
    block = b"<item>endless</item>" * 3200
    while not conn.stop.is_set():
        conn.send(block)
    raise Closed


def _endless_chunked(req: Request, conn: Conn) -> None:
    conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    block = b"x" * 65536
    chunk = b"%x\r\n" % len(block) + block + b"\r\n"
    while not conn.stop.is_set():
        conn.send(chunk)
    raise Closed


def _big_declared(req: Request, conn: Conn) -> None:
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000000\r\n\r\n" + b"x" * 1000)
    conn.stop.wait(5)
    raise Closed


def _short_body(req: Request, conn: Conn) -> None:
    """Promises 100 bytes, sends 10 and hangs up."""
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
    raise Closed


def _long_body(req: Request, conn: Conn) -> None:
    """Promises 5 bytes, sends 60 (garbage where the next response would start)."""
    conn.send(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!"
    )


def _reset(req: Request, conn: Conn) -> None:
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
    time.sleep(0.05)
    conn.reset()


def _reset_early(req: Request, conn: Conn) -> None:
    conn.reset()


def _garbage_status(req: Request, conn: Conn) -> None:
    conn.send(b"SPAM \x1b[31mnot http at all\r\n\r\n")
    raise Closed


def _huge_headers(req: Request, conn: Conn) -> None:
    headers = [(f"X-Filler-{i}", "v" * 1000) for i in range(200)]
    conn.respond(200, FEED_BODY, headers)


def _redirect(req: Request, conn: Conn) -> None:
    """``/r/<code>/<rest>`` answers <code> with Location ``/<rest>``."""
    parts = req.path.strip("/").split("/", 2)
    code = int(parts[1])
    target = "/" + (parts[2] if len(parts) > 2 else "")
    if req.query:
        target += "?" + "&".join(f"{k}={v}" for k, v in req.query.items())
    conn.respond(code, b"", [("Location", target)], reason="Moved")


def _redirect_absolute(req: Request, conn: Conn) -> None:
    conn.respond(int(req.query.get("code", "302")), b"", [("Location", req.query["to"])])


def _redirect_no_location(req: Request, conn: Conn) -> None:
    conn.respond(302, b"", [])


def _loop_a(req: Request, conn: Conn) -> None:
    conn.respond(302, b"", [("Location", "/loop-b")])


def _loop_b(req: Request, conn: Conn) -> None:
    conn.respond(301, b"", [("Location", "/loop-a")])


def _status(req: Request, conn: Conn) -> None:
    """``/status/<code>?retry=<value>``: that status, optionally with Retry-After."""
    code = int(req.path.strip("/").split("/")[1])
    headers = [("Retry-After", req.query["retry"])] if "retry" in req.query else []
    conn.respond(code, b"<html>error page</html>", [("Content-Type", "text/html"), *headers])


def _cookie(req: Request, conn: Conn) -> None:
    conn.respond(
        200,
        FEED_BODY,
        [("Set-Cookie", "tracker=abc123; Path=/"), ("Set-Cookie", "session=xyz; Path=/; HttpOnly")],
    )


def _big_etag(req: Request, conn: Conn) -> None:
    conn.respond(200, FEED_BODY, [("ETag", '"' + "e" * 5000 + '"'), ("Last-Modified", FEED_LAST_MODIFIED)])


def _slow_ok(req: Request, conn: Conn) -> None:
    """A feed after a pause, so concurrent requests overlap at the server."""
    time.sleep(float(req.query.get("delay", "0.2")))
    conn.respond(200, FEED_BODY, [("Content-Type", "application/rss+xml")])


def _plain(req: Request, conn: Conn) -> None:
    size = int(req.query.get("size", "10"))
    conn.respond(200, b"a" * size, [("Content-Type", "text/plain")])


ROUTES: dict[str, Handler] = {
    "feed": _feed,
    "feed-lm": _feed_lm,
    "html": _html,
    "gzip": _gzip,
    "deflate": _deflate,
    "deflate-raw": _deflate_raw,
    "gzip-members": _gzip_members,
    "gzip-truncated": _gzip_truncated,
    "gzip-corrupt": _gzip_corrupt,
    "gzip-validators-truncated": _gzip_validators_truncated,
    "gzip-bomb": _gzip_bomb,
    "gzip-stacked": _gzip_stacked,
    "encoding": _encoding,
    "escape-header": _escape_header,
    "escape-location": _escape_location,
    "escape-reason": _escape_reason,
    "c1-location": _c1_location,
    "slow-drip": _slow_drip,
    "slow-headers": _slow_headers,
    "silent": _silent,
    "endless": _endless,
    "endless-chunked": _endless_chunked,
    "big-declared": _big_declared,
    "short-body": _short_body,
    "long-body": _long_body,
    "reset": _reset,
    "reset-early": _reset_early,
    "garbage-status": _garbage_status,
    "huge-headers": _huge_headers,
    "r": _redirect,
    "redirect-to": _redirect_absolute,
    "redirect-no-location": _redirect_no_location,
    "loop-a": _loop_a,
    "loop-b": _loop_b,
    "status": _status,
    "slow-ok": _slow_ok,
    "cookie": _cookie,
    "big-etag": _big_etag,
    "plain": _plain,
}
