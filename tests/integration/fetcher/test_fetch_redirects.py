"""Where a fetch goes: redirects and moves, refused addresses, and an HTML page
that leads to its feed."""

from __future__ import annotations

import pytest

from newsreader.feeds.fetch import Fetcher
from newsreader.feeds.policy import redirect_decision
from newsreader.parser.discover import discover_feeds, looks_like_feed
from tests.support.hostile_routes import FEED_BODY, FEED_ETAG

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
