"""The fetcher's rules, kept apart from its sockets.

Everything here is pure and synchronous, so each rule can be tested without a
server: which addresses may be fetched, where a redirect may go, when a moved
feed's stored address should change, how long a server asked us to wait, how
a failure is worded for the user, and how a response body is decompressed
without letting it grow past a cap (SECURITY.md, traps 7 and 8).
"""

from __future__ import annotations

import re
import socket
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urldefrag, urljoin, urlsplit

from newsreader.core.sanitize import clean_line

# The one rule for which addresses may be fetched, opened or stored lives in
# urls.py; it is re-exported here because the fetcher's callers import it from
# its policy module.
from newsreader.core.urls import check_url

#: A server cannot make us wait longer than this, whatever Retry-After says.
MAX_RETRY_AFTER = timedelta(hours=24)

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_CODES = frozenset({301, 308})
WEB_SCHEMES = ("http", "https")

# C0, DEL and C1 controls: never part of an address we will request.
_URL_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def one_line(text: object, limit: int = 200) -> str:
    """Sanitized, single-line and clipped: safe to put in an error message."""
    if text is None:
        return ""
    line = clean_line(str(text))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _scheme_of(url: str) -> str:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


# ---------------------------------------------------------------- addresses


def shown_url(url: str) -> str:
    """``url`` without any ``user:password@``, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def host_key(url: str) -> str:
    """The name the per-host limit counts by: the host name, any port."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def visit_key(url: str) -> str:
    """What makes two addresses "the same place" for redirect-loop detection."""
    return urldefrag(url)[0]


def redirect_target(current: str, location: str | None, status: int) -> tuple[str | None, str | None]:
    """Resolve a Location header against ``current``: ``(target, None)`` or ``(None, reason)``."""
    if location is None or not location.strip():
        return None, f"redirect ({status}) without a Location header"
    # Browsers send a raw space in Location as %20; so do we.
    location = location.strip().replace(" ", "%20")
    if _URL_CONTROL.search(location):
        return None, f"redirect ({status}) to an address with control characters refused"
    try:
        target = urljoin(current, location)
    except ValueError:
        return None, f"redirect ({status}) to an invalid address"
    scheme = _scheme_of(target)
    if scheme not in WEB_SCHEMES:
        shown = f"a {one_line(scheme, 20)}:" if scheme else "a non-web"
        return None, f"redirect ({status}) to {shown} address refused"
    problem = check_url(target)
    if problem:
        return None, f"redirect ({status}) refused: {problem}"
    return target, None


def redirect_decision(
    stored_candidate: str | None,
    seen_count: int,
    new_target: str | None,
    *,
    needed: int = 3,
) -> tuple[str | None, int, bool]:
    """Decide whether a feed has really moved.

    Call after each fetch with what was stored from earlier fetches (the
    candidate address and how many fetches in a row reported it) and this
    fetch's ``FetchResult.permanent_redirect``. Returns the new candidate,
    the new count, and whether the caller should now replace the feed's
    address with the candidate (then store ``None, 0``). A fetch without an
    all-permanent redirect breaks the streak, so a maintenance page behind
    a one-off 301, or any 302, never rewrites a subscription
    (Miniflux#1387, Vienna-RSS#1546).
    """
    if new_target is None:
        return None, 0, False
    needed = max(1, needed)
    count = seen_count + 1 if new_target == stored_candidate else 1
    return new_target, count, count >= needed


# ---------------------------------------------------------------- statuses


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """When a 429/503 said to come back, as an aware UTC time, or None.

    Accepts delta-seconds and an HTTP-date. A date in the past means "now";
    anything beyond :data:`MAX_RETRY_AFTER` is cut to it, so a hostile or
    broken server cannot silence a feed for years.
    """
    if not value:
        return None
    value = value.strip()
    cap = now + MAX_RETRY_AFTER
    if value.isascii() and value.isdigit():
        # A 5,000-digit value would make int() itself raise; the cap is far
        # below twelve digits anyway.
        seconds = int(value) if len(value) <= 12 else 10**12
        return now + min(timedelta(seconds=seconds), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return max(now, min(when, cap))


def status_error(status: int, retry_after: datetime | None = None) -> str:
    """The user-facing reason for a status that gave no usable body.

    Worded from our own table, never from the server's reason phrase.
    """
    if status == 410:
        return "gone (410): the server says this feed was removed"
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    text = f"HTTP {status} {phrase}".rstrip()
    if status in (429, 503):
        if retry_after is not None:
            text += f"; retry after {retry_after.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        else:
            text += "; the server asked us to slow down" if status == 429 else "; try again later"
    return text


def _causes(exc: BaseException):
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def transport_error(exc: BaseException) -> str:
    """A one-line reason for a network or protocol failure.

    httpx often wraps the useful cause (``All connection attempts failed``
    hides ``ConnectionRefusedError``), so the chain is searched for it.
    """
    import httpx  # here, so the pure rules above load without httpx

    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return f"host name not found ({one_line(cause.strerror or cause, 80)})"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset by the server"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        # h11 quotes the offending bytes as ``bytearray(b'...')``: escaped,
        # so harmless, but noise to a reader.
        detail = one_line(str(exc).split(": bytearray(", 1)[0], 160) or "malformed response"
        if detail.startswith("Invalid URL in location header"):
            # httpx parses Location itself, even with redirects off.
            return "redirect to an invalid address refused"
        if detail == "Receive buffer too long":
            detail = "response headers too large"
        return f"the server broke HTTP: {detail}"
    if isinstance(exc, httpx.ReadError):
        return "connection broken while reading the response (reset by the server?)"
    if isinstance(exc, httpx.WriteError):
        return "connection broken while sending the request"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect: {one_line(exc, 120) or 'connection failed'}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "only http and https addresses can be fetched"
    if isinstance(exc, httpx.InvalidURL):
        return "not a valid web address"
    detail = one_line(exc, 120)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


# ---------------------------------------------------------------- bodies


class BodyError(Exception):
    """The body cannot be accepted; ``str(exc)`` is the one-line reason."""


def content_codings(header: str | None) -> list[str]:
    """The Content-Encoding tokens in order, without ``identity``."""
    if not header:
        return []
    tokens = [t.strip().lower() for t in header.split(",")]
    return [t for t in tokens if t and t != "identity"]


#: What we send as Accept-Encoding. No "br": we could not bound its output
#: without another dependency, and advertising it invites it.
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_NAMES = ("gzip", "x-gzip")
_GZIP_MAGIC = b"\x1f\x8b"


def _zlib_header(head: bytes) -> bool:
    """True when the two bytes start a zlib stream (RFC 1950 CMF/FLG check)."""
    return head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


class BoundedBody:
    """Collects a response body, decoding gzip/deflate, never past ``limit``.

    Decompression runs through ``zlib.decompressobj`` with ``max_length`` so
    a bomb is stopped inside zlib, one limit-sized step at a time, instead
    of after a decoder has already produced a gigabyte. Raw bytes are capped
    at the same limit. Stacked and unknown codings are refused up front.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = content_codings(content_encoding)
        if len(codings) > 1:
            raise BodyError(f"stacked Content-Encoding refused: {one_line(content_encoding, 60)}")
        coding = codings[0] if codings else None
        if coding in _GZIP_NAMES:
            coding = "gzip"
        elif coding not in (None, "deflate"):
            raise BodyError(f"unsupported Content-Encoding: {one_line(content_encoding, 60)}")
        self.coding = coding
        self.limit = limit
        self.raw_size = 0
        self._out = bytearray()
        self._inflater: zlib._Decompress | None = None
        self._pending = b""  # bytes held back until a stream header can be read
        self._members = 0  # compressed streams finished so far
        self._ignore_rest = False

    def feed(self, raw: bytes) -> None:
        self.raw_size += len(raw)
        if self.raw_size > self.limit:
            raise BodyError(f"body larger than the limit of {self.limit:,} bytes")
        if self.coding is None:
            self._out += raw
            return
        if self._ignore_rest:
            return
        data = self._pending + raw
        self._pending = b""
        while data:
            if self._inflater is None:
                if len(data) < 2:
                    self._pending = data
                    return
                if not self._start_stream(data[:2]):
                    return
            data = self._inflate(data)

    def _start_stream(self, head: bytes) -> bool:
        if self.coding == "gzip":
            if head == _GZIP_MAGIC:
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                return True
            if self._members == 0:
                raise BodyError("body is not gzip data although the server said it was")
        elif self._members == 0:
            # HTTP "deflate" means a zlib stream, but some servers send raw
            # deflate; the two-byte header tells them apart.
            wbits = zlib.MAX_WBITS if _zlib_header(head) else -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(wbits)
            return True
        # Bytes after the last complete stream that do not start another
        # one: padding some servers add; ignore them.
        self._ignore_rest = True
        return False

    def _inflate(self, data: bytes) -> bytes:
        """Decompress ``data``; return bytes left after a finished stream."""
        inflater = self._inflater
        assert inflater is not None
        while True:
            room = self.limit - len(self._out) + 1  # never 0: 0 means "no limit" to zlib
            try:
                chunk = inflater.decompress(data, room)
            except zlib.error as exc:
                raise BodyError(f"corrupt {self.coding} data ({one_line(exc, 80)})") from None
            self._out += chunk
            self._check_size()
            if inflater.eof:
                self._inflater = None
                self._members += 1
                return inflater.unused_data
            data = inflater.unconsumed_tail
            if not data:
                return b""

    def _check_size(self) -> None:
        if len(self._out) > self.limit:
            raise BodyError(f"body expands past the limit of {self.limit:,} bytes when decompressed ({self.coding})")

    def finish(self) -> bytes:
        """The decoded body, once the server has sent everything."""
        if self._inflater is not None:
            try:
                self._out += self._inflater.flush()
            except zlib.error as exc:
                raise BodyError(f"corrupt {self.coding} data ({one_line(exc, 80)})") from None
            self._check_size()
            if not self._inflater.eof:
                raise BodyError(f"{self.coding} body ends before the compressed data does")
        elif self._pending and self._members == 0:
            raise BodyError(f"{self.coding} body ends before the compressed data does")
        return bytes(self._out)
