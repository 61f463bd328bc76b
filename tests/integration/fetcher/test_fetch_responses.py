"""What the fetcher makes of each kind of response: plain and conditional,
compressed and capped, too slow, broken, hostile headers, error statuses."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import itertools
import socket
import time
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader import __version__
from newsreader.core.sanitize import has_control
from newsreader.feeds.fetch import DEFAULT_USER_AGENT
from newsreader.feeds.policy import BodyError, BoundedBody, parse_retry_after
from tests.integration.fetcher import DEADLINE
from tests.support.hostile_routes import FEED_BODY, FEED_ETAG, FEED_LAST_MODIFIED


def _no_controls(text: str | None) -> bool:
    return text is None or not has_control(text)


# ---------------------------------------------------------------- plain and conditional


async def test_plain_feed_and_request_headers(server, fetcher):
    url = server.url("/feed")
    result = await fetcher.fetch(url)
    assert result.error is None
    assert (result.status, result.body, result.final_url) == (200, FEED_BODY, url)
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert (result.etag, result.last_modified) == (FEED_ETAG, FEED_LAST_MODIFIED)
    assert not result.not_modified and result.permanent_redirect is None
    sent = server.requests_to("/feed")[-1].headers
    assert sent["user-agent"] == DEFAULT_USER_AGENT
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent and "if-modified-since" not in sent


async def test_cookies_are_neither_kept_nor_sent(server, fetcher):
    first = await fetcher.fetch(server.url("/cookie"))
    assert first.body == FEED_BODY
    await fetcher.fetch(server.url("/r/302/feed"))
    for request in server.requests[-2:]:
        assert "cookie" not in request.headers


def test_user_agent_names_the_version():
    assert (f"newsreader/{__version__} (+https://github.com/newsreader; terminal news reader)") == DEFAULT_USER_AGENT


async def test_conditional_get_gives_304_without_body(server, fetcher):
    first = await fetcher.fetch(server.url("/feed"))
    second = await fetcher.fetch(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.error is None
    assert second.status == 304 and second.not_modified and second.body is None
    assert (second.etag, second.last_modified) == (FEED_ETAG, FEED_LAST_MODIFIED)
    sent = server.requests_to("/feed")[-1].headers
    assert sent["if-none-match"] == FEED_ETAG  # verbatim, quotes included
    assert sent["if-modified-since"] == FEED_LAST_MODIFIED


async def test_304_without_validators_keeps_the_ones_sent(server, fetcher):
    result = await fetcher.fetch(server.url("/feed-lm"), last_modified=FEED_LAST_MODIFIED)
    assert result.not_modified and result.error is None and result.body is None
    assert result.last_modified == FEED_LAST_MODIFIED and result.etag is None


async def test_a_failed_body_gives_no_validators(server, fetcher):
    """An ETag stored for a body we never got would make later fetches 304 forever."""
    result = await fetcher.fetch(server.url("/gzip-validators-truncated"))
    assert result.status == 200 and result.body is None
    assert result.error == "gzip body ends before the compressed data does"
    assert (result.etag, result.last_modified) == (None, None)


async def test_oversized_validator_is_dropped(server, fetcher):
    result = await fetcher.fetch(server.url("/big-etag"))
    assert result.body == FEED_BODY
    assert (result.etag, result.last_modified) == (None, FEED_LAST_MODIFIED)


# ---------------------------------------------------------------- encodings and caps


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/deflate-raw", "/gzip-members"])
async def test_compressed_bodies_are_decoded(server, fetcher, path):
    result = await fetcher.fetch(server.url(path))
    assert result.error is None and result.body == FEED_BODY


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/gzip-bomb", "body expands past the limit of 1,048,576 bytes when decompressed (gzip)"),
        ("/gzip-stacked", "stacked Content-Encoding refused: gzip, gzip"),
        ("/encoding?ce=br", "unsupported Content-Encoding: br"),
        ("/encoding?ce=gzip,%20br", "stacked Content-Encoding refused: gzip, br"),
        ("/gzip-truncated", "gzip body ends before the compressed data does"),
        (
            "/gzip-corrupt",
            "corrupt gzip data (Error -3 while decompressing data: invalid distance too far back)",
        ),
        ("/endless", "body larger than the limit of 1,048,576 bytes"),
        ("/endless-chunked", "body larger than the limit of 1,048,576 bytes"),
        ("/big-declared", "body too large (50,000,000,000 bytes announced, limit 1,048,576)"),
    ],
)
async def test_bodies_refused(server, fetcher, path, error):
    result = await fetcher.fetch(server.url(path))
    assert result.error == error
    assert result.status == 200 and result.body is None


def test_bounded_body_decodes_a_one_byte_drip():
    """gzip and deflate headers split across reads still decode."""
    for coding, data in (("gzip", gzip.compress(FEED_BODY)), ("deflate", zlib.compress(FEED_BODY))):
        body = BoundedBody(coding, 10_000)
        for i in range(len(data)):
            body.feed(data[i : i + 1])
        assert body.finish() == FEED_BODY


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=3000),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=8),
    coding=st.sampled_from(["gzip", "deflate", "x-gzip", None]),
    limit=st.integers(min_value=1, max_value=4000),
)
def test_bounded_body_matches_zlib_for_any_split(data, cuts, coding, limit):
    """However the bytes arrive, the body is the original or a limit error."""
    if coding in ("gzip", "x-gzip"):
        wire = gzip.compress(data)
    elif coding == "deflate":
        wire = zlib.compress(data)
    else:
        wire = data
    body = BoundedBody(coding, limit)
    bounds = sorted({0, len(wire), *(c % (len(wire) + 1) for c in cuts)})
    try:
        for start, end in itertools.pairwise(bounds):
            body.feed(wire[start:end])
        decoded = body.finish()
    except BodyError as exc:
        assert len(data) > limit or len(wire) > limit, str(exc)
    else:
        assert decoded == data and len(decoded) <= limit


def test_bounded_body_limit_is_exact():
    data = gzip.compress(b"z" * 1000)
    exact = BoundedBody("gzip", 1000)
    exact.feed(data)
    assert exact.finish() == b"z" * 1000
    over = BoundedBody("gzip", 999)
    with pytest.raises(BodyError, match="expands past the limit of 999 bytes"):
        over.feed(data)
    raw = BoundedBody(None, 10)
    raw.feed(b"0123456789")
    with pytest.raises(BodyError, match="body larger than the limit of 10 bytes"):
        raw.feed(b"!")


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/slow-drip", "timed out after 0.3 s while reading the body"),
        ("/slow-headers", "timed out after 0.3 s while waiting for the response headers"),
        ("/silent", "timed out after 0.3 s while waiting for the response headers"),
    ],
)
async def test_total_deadline_cuts_slow_servers(server, fetcher, path, error):
    started = time.monotonic()
    result = await fetcher.fetch(server.url(path))
    took = time.monotonic() - started
    assert result.error.startswith(error)
    assert result.body is None
    # The drip keeps every single read fast; only a total deadline ends it.
    assert DEADLINE <= took < DEADLINE + 1.0


async def test_deadline_covers_connecting(fetcher):
    """A listener whose accept queue is full never completes the handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        await asyncio.sleep(0.05)
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    finally:
        for sock in [*fillers, listener]:
            sock.close()
    assert (result.status, result.error, result.body) == (
        None,
        "timed out after 0.3 s while connecting",
        None,
    )


async def test_slow_drip_reports_what_arrived(server, fetcher):
    result = await fetcher.fetch(server.url("/slow-drip?interval=0.1"))
    assert result.status == 200
    assert result.error.startswith("timed out after 0.3 s while reading the body, ")
    assert result.error.endswith(" bytes received")


# ---------------------------------------------------------------- broken HTTP


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        (
            "/short-body",
            200,
            "the server broke HTTP: peer closed connection without sending "
            "complete message body (received 10 bytes, expected 100)",
        ),
        ("/reset", 200, "connection reset by the server"),
        ("/reset-early", None, "connection reset by the server"),
        ("/garbage-status", None, "the server broke HTTP: illegal status line"),
        ("/huge-headers", None, "the server broke HTTP: response headers too large"),
    ],
)
async def test_broken_responses(server, fetcher, path, status, error):
    result = await fetcher.fetch(server.url(path))
    assert (result.status, result.error, result.body) == (status, error, None)


async def test_extra_bytes_after_content_length_do_not_answer_the_next_request(server, fetcher):
    """The server sends a whole second response after a 5-byte body.

    With connection reuse, httpx read that smuggled response as the answer
    to the next request to the same host.
    """
    lying = await fetcher.fetch(server.url("/long-body"))
    assert lying.error is None and lying.body == b"hello"
    honest = await fetcher.fetch(server.url("/feed"))
    assert honest.body == FEED_BODY


async def test_connection_refused(fetcher):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    assert (result.status, result.error, result.body) == (None, "connection refused", None)


async def test_dns_failure(fetcher):
    result = await fetcher.fetch("http://no-such-host.invalid/feed")
    assert result.error == "host name not found (Name or service not known)"
    assert result.status is None and result.body is None


# ---------------------------------------------------------------- hostile header text


async def test_escape_sequences_in_headers_are_stripped(server, fetcher):
    result = await fetcher.fetch(server.url("/escape-header"))
    assert result.error == "unsupported Content-Encoding: x]52;c;cm0gLXJmIH4=[2J31mred"
    assert result.content_type == "text/xml[5m"
    assert _no_controls(result.error) and _no_controls(result.content_type)


async def test_reason_phrase_never_reaches_the_user(server, fetcher):
    result = await fetcher.fetch(server.url("/escape-reason"))
    assert (result.status, result.error) == (418, "HTTP 418 I'm a Teapot")


@pytest.mark.parametrize("path", ["/escape-location", "/c1-location"])
async def test_escape_sequences_in_location(server, fetcher, path):
    """7-bit ESC (which httpx itself would choke on) and 8-bit CSI."""
    result = await fetcher.fetch(server.url(path))
    assert (result.status, result.error, result.body) == (
        302,
        "redirect (302) to an address with control characters refused",
        None,
    )


# ---------------------------------------------------------------- statuses


async def test_gone(server, fetcher):
    result = await fetcher.fetch(server.url("/status/410"))
    assert result.gone and result.status == 410 and result.body is None
    assert result.error == "gone (410): the server says this feed was removed"


async def test_retry_after_seconds(server, fetcher):
    before = datetime.now(UTC)
    result = await fetcher.fetch(server.url("/status/429?retry=120"))
    after = datetime.now(UTC)
    assert result.status == 429 and result.body is None and not result.gone
    assert before + timedelta(seconds=120) <= result.retry_after <= after + timedelta(seconds=120)
    assert result.error == (f"HTTP 429 Too Many Requests; retry after {result.retry_after:%Y-%m-%d %H:%M:%S} UTC")


async def test_retry_after_http_date(server, fetcher):
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    result = await fetcher.fetch(server.url("/status/503?retry=" + quote(format_datetime(when, usegmt=True))))
    assert result.retry_after == when
    assert result.error == f"HTTP 503 Service Unavailable; retry after {when:%Y-%m-%d %H:%M:%S} UTC"


async def test_retry_after_is_capped(server, fetcher):
    result = await fetcher.fetch(server.url("/status/429?retry=99999999999"))
    limit = datetime.now(UTC) + timedelta(hours=24)
    assert limit - timedelta(seconds=5) <= result.retry_after <= limit


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/status/503", "HTTP 503 Service Unavailable; try again later"),
        ("/status/429", "HTTP 429 Too Many Requests; the server asked us to slow down"),
        ("/status/404?retry=60", "HTTP 404 Not Found"),
        ("/status/500", "HTTP 500 Internal Server Error"),
        ("/status/599", "HTTP 599"),
    ],
)
async def test_other_statuses(server, fetcher, path, error):
    result = await fetcher.fetch(server.url(path))
    assert (result.error, result.body, result.retry_after, result.gone) == (
        error,
        None,
        None,
        False,
    )


def test_parse_retry_after():
    now = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == now + timedelta(seconds=30)
    assert parse_retry_after(" 0 ", now) == now
    assert parse_retry_after("Tue, 04 Mar 2025 13:00:00 GMT", now) == now + timedelta(hours=1)
    assert parse_retry_after("Mon, 03 Mar 2025 13:00:00 GMT", now) == now  # in the past
    assert parse_retry_after("Fri, 04 Mar 2033 13:00:00 GMT", now) == now + timedelta(hours=24)
    assert parse_retry_after("9" * 5000, now) == now + timedelta(hours=24)
    for junk in ("", None, "-5", "soon", "1.5", "\x1b[2J"):
        assert parse_retry_after(junk, now) is None
