"""The fetcher against a loopback server that misbehaves on purpose.

Deadlines and caps are small here (0.3 s, 1 MiB) so the hostile cases end
fast; each test asserts the exact outcome a user would see.
"""

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
from newsreader.feeds.fetch import DEFAULT_USER_AGENT, Fetcher, FetchRequest
from newsreader.feeds.policy import BodyError, BoundedBody, parse_retry_after, redirect_decision
from newsreader.parser.discover import discover_feeds, looks_like_feed
from tests.support.httpserver import (
    FEED_BODY,
    FEED_ETAG,
    FEED_LAST_MODIFIED,
    HostileServer,
)

DEADLINE = 0.3
CAP = 1024 * 1024
_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """No proxies, and a resolver that knows only loopback and ``*.test``.

    ``a.test``, ``b.test``... resolve to 127.0.0.1 so one server can play
    several hosts; every other name fails the way a real lookup does, so no
    test can reach the network by accident.
    """
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)

    def resolve(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in ("127.0.0.1", "localhost") or name.endswith(".test"):
            return _real_getaddrinfo("127.0.0.1", *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture(scope="module")
def server():
    with HostileServer() as srv:
        yield srv


@pytest.fixture
async def fetcher():
    async with Fetcher(deadline=DEADLINE, max_bytes=CAP) as f:
        yield f


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


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize(
    ("chain", "permanent"),
    [
        ("/r/301/feed", True),
        ("/r/308/feed", True),
        ("/r/301/r/308/feed", True),
        ("/r/302/feed", False),
        ("/r/303/feed", False),
        ("/r/307/feed", False),
        ("/r/301/r/302/feed", False),
        ("/r/302/r/301/feed", False),
    ],
)
async def test_redirect_chains(server, fetcher, chain, permanent):
    result = await fetcher.fetch(server.url(chain))
    assert result.error is None and result.body == FEED_BODY
    assert result.url == server.url(chain)
    assert result.final_url == server.url("/feed")
    assert result.permanent_redirect == (server.url("/feed") if permanent else None)


async def test_permanent_redirect_to_an_error_is_not_a_move(server, fetcher):
    result = await fetcher.fetch(server.url("/r/301/status/404"))
    assert (result.status, result.error, result.permanent_redirect) == (
        404,
        "HTTP 404 Not Found",
        None,
    )
    assert result.final_url == server.url("/status/404")


async def test_validators_follow_redirects_and_304_keeps_the_move(server, fetcher):
    result = await fetcher.fetch(server.url("/r/301/feed"), etag=FEED_ETAG)
    assert result.not_modified and result.error is None and result.body is None
    assert result.permanent_redirect == server.url("/feed")


async def test_redirect_to_another_host(server, fetcher):
    result = await fetcher.fetch(server.url(f"/redirect-to?code=308&to=http://b.test:{server.port}/feed"))
    assert result.error is None and result.body == FEED_BODY
    assert result.permanent_redirect == f"http://b.test:{server.port}/feed"


async def test_redirect_limit(server, fetcher):
    five = "/r/301" * 5 + "/feed"
    six = "/r/301" * 6 + "/feed"
    ok = await fetcher.fetch(server.url(five))
    assert ok.error is None and ok.body == FEED_BODY
    too_many = await fetcher.fetch(server.url(six))
    assert (too_many.status, too_many.error, too_many.body) == (
        301,
        "too many redirects (more than 5)",
        None,
    )
    assert too_many.permanent_redirect is None


async def test_redirect_loop(server, fetcher):
    result = await fetcher.fetch(server.url("/loop-a"))
    assert result.error == f"redirect loop: {server.url('/loop-a')} was already visited"
    assert result.status == 301 and result.body is None


async def test_redirect_loop_message_hides_credentials(server, fetcher):
    result = await fetcher.fetch(f"http://reader:s3cret@127.0.0.1:{server.port}/loop-a")
    assert result.error == f"redirect loop: {server.url('/loop-a')} was already visited"
    assert server.requests[-1].headers["authorization"].startswith("Basic ")


@pytest.mark.parametrize(
    ("target", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://127.0.0.1/feed", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/xml,%3Crss/%3E", "data"),
    ],
)
async def test_redirect_to_non_web_scheme(server, fetcher, target, scheme):
    result = await fetcher.fetch(server.url(f"/redirect-to?to={target}"))
    assert result.error == f"redirect (302) to a {scheme}: address refused"
    assert result.body is None and result.permanent_redirect is None


async def test_raw_space_in_location_is_encoded_like_a_browser(server, fetcher):
    result = await fetcher.fetch(server.url("/redirect-to?to=/feed%3Fq%3Da%20b"))
    assert result.error is None and result.body == FEED_BODY
    assert result.final_url == server.url("/feed?q=a%20b")


async def test_redirect_without_location(server, fetcher):
    result = await fetcher.fetch(server.url("/redirect-no-location"))
    assert (result.status, result.error) == (302, "redirect (302) without a Location header")


@pytest.mark.parametrize(
    ("stored", "count", "new", "expected"),
    [
        (None, 0, "https://new.example/feed", ("https://new.example/feed", 1, False)),
        (
            "https://new.example/feed",
            1,
            "https://new.example/feed",
            ("https://new.example/feed", 2, False),
        ),
        (
            "https://new.example/feed",
            2,
            "https://new.example/feed",
            ("https://new.example/feed", 3, True),
        ),
        # A different target restarts the count; no permanent redirect clears it.
        (
            "https://new.example/feed",
            2,
            "https://other.example/",
            ("https://other.example/", 1, False),
        ),
        ("https://new.example/feed", 2, None, (None, 0, False)),
    ],
)
def test_redirect_decision(stored, count, new, expected):
    assert redirect_decision(stored, count, new) == expected


def test_redirect_decision_threshold():
    assert redirect_decision(None, 0, "https://a.example/", needed=1) == (
        "https://a.example/",
        1,
        True,
    )
    state = (None, 0, False)
    for _ in range(4):
        state = redirect_decision(state[0], state[1], "https://a.example/", needed=4)
    assert state == ("https://a.example/", 4, True)


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


# ---------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://127.0.0.1/feed", "refused: not http(s): ftp: URL"),
        ("file:///etc/passwd", "refused: file: URL"),
        ("javascript:alert(1)", "refused: javascript: URL"),
        ("127.0.0.1/feed", "refused: not an absolute http(s) URL"),
        ("-http://127.0.0.1/feed", "refused: URL starts with '-' (would be read as a browser option)"),
        ("--new-window=http://127.0.0.1/", "refused: URL starts with '-' (would be read as a browser option)"),
        ("http://127.0.0.1/" + "a" * 2100, "refused: URL longer than 2048 characters"),
        ("http://[::1/feed", "refused: malformed URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1:99999/feed", "refused: malformed URL (Port out of range 0-65535)"),
        ("http://127.0.0.1:0/feed", "refused: port 0 in URL"),
        ("http:///feed", "refused: no host in URL"),
        ("http://exa mple.test/", "refused: whitespace inside URL"),
        ("http://127.0.0.1/\x1b]0;x\x07", "refused: control character U+001B in URL"),
        ("http://127.0.0.1/\u202egnp.xml", "refused: control character U+202E in URL"),
        ("http://127.0.0.1/\u200bfeed", "refused: control character U+200B in URL"),
        ("https://good.test\\@127.0.0.1/feed", "refused: backslash in URL"),
        ("|curl http://127.0.0.1/ | sh", "refused: '|' command pipe"),
        ("exec:~/bin/feed", "refused: exec: command (newsboat)"),
        ("", "refused: empty URL"),
    ],
)
async def test_refused_addresses_never_touch_the_network(server, fetcher, url, error):
    before = len(server.requests)
    result = await fetcher.fetch(url)
    assert (result.error, result.status, result.body, result.elapsed) == (error, None, None, 0.0)
    assert len(server.requests) == before


async def test_fetch_outside_context_is_a_programming_error():
    with pytest.raises(RuntimeError, match="async with"):
        await Fetcher().fetch("http://127.0.0.1/feed")


# ---------------------------------------------------------------- HTML instead of a feed


async def test_html_page_leads_to_its_feed(server, fetcher):
    page = await fetcher.fetch(server.url("/html"))
    assert page.error is None and page.content_type == "text/html; charset=utf-8"
    assert not looks_like_feed(page.content_type, page.body)
    found = discover_feeds(page.body, page.final_url)
    assert found == [(server.url("/feed"), "All stories", "application/rss+xml")]
    feed = await fetcher.fetch(found[0][0])
    assert looks_like_feed(feed.content_type, feed.body)


# ---------------------------------------------------------------- concurrency


@pytest.fixture
def quiet_server():
    """A fresh server: nothing left in flight from the hostile tests."""
    with HostileServer() as srv:
        yield srv


def _slow_urls(server, hosts, count, delay=0.1):
    return [f"http://{hosts[i % len(hosts)]}:{server.port}/slow-ok?delay={delay}&n={i}" for i in range(count)]


async def test_per_host_limit(quiet_server):
    urls = _slow_urls(quiet_server, ["a.test"], 8)
    async with Fetcher(per_host=2, concurrency=16, deadline=5) as f:
        results = [r async for r in f.fetch_many(urls)]
    assert sorted(r.url for r in results) == sorted(urls)
    assert all(r.body == FEED_BODY for r in results)
    assert quiet_server.gauge.peak == 2


async def test_per_host_limit_allows_other_hosts(quiet_server):
    urls = _slow_urls(quiet_server, ["a.test", "b.test"], 8)
    async with Fetcher(per_host=2, concurrency=16, deadline=5) as f:
        results = await f.fetch_all(urls)
    assert [r.url for r in results] == urls  # input order
    assert quiet_server.gauge.peak == 4


async def test_global_limit(quiet_server):
    urls = _slow_urls(quiet_server, ["a.test", "b.test", "c.test"], 9)
    async with Fetcher(per_host=4, concurrency=3, deadline=5) as f:
        results = [r async for r in f.fetch_many(urls)]
    assert all(r.error is None for r in results)
    assert quiet_server.gauge.peak == 3


async def test_deadline_starts_when_a_slot_is_free(quiet_server):
    """Four 0.15 s fetches in a row on one host take 0.6 s; none times out at 0.3 s."""
    urls = _slow_urls(quiet_server, ["a.test"], 4, delay=0.15)
    async with Fetcher(per_host=1, deadline=0.3) as f:
        results = await f.fetch_all(urls)
    assert [r.error for r in results] == [None] * 4


async def test_fetch_all_callback_and_validators(server):
    seen = []

    async def on_result(result):
        seen.append(result.url)

    requests = [FetchRequest(server.url("/feed"), etag=FEED_ETAG), server.url("/status/410")]
    async with Fetcher(deadline=DEADLINE) as f:
        results = await f.fetch_all(requests, on_result=on_result)
    assert sorted(seen) == sorted(server.url(p) for p in ("/feed", "/status/410"))
    assert results[0].not_modified and results[1].gone


async def test_leaving_fetch_many_cancels_the_rest(server):
    urls = [server.url("/feed")] + [server.url(f"/silent?n={i}") for i in range(3)]
    started = time.monotonic()
    async with Fetcher(deadline=10) as f:
        async with contextlib.aclosing(f.fetch_many(urls)) as stream:
            async for result in stream:
                assert result.body == FEED_BODY
                break
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert others == []
    assert time.monotonic() - started < 2
