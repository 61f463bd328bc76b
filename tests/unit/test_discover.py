"""Feed autodiscovery from HTML pages, and telling a feed from a page."""

from __future__ import annotations

import csv
import gzip

import pytest

from newsreader.core.sanitize import has_control
from newsreader.parser.discover import FEED_TYPES, discover_feeds, looks_like_feed
from tests.support.paths import shared_path

BASE = "https://harbour.example/news/today.html"


def page(head: str, body: str = "<p>hello</p>") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_every_feed_type_in_document_order():
    html = page(
        '<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">'
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="rss.xml">'
        '<link rel="alternate" type="application/feed+json" title="JSON Feed" href="/feed.json">'
        '<link rel="alternate" type="application/json" href="https://harbour.example/j.json">'
        '<link rel="alternate" type="application/rdf+xml" title="RDF" href="//cdn.example/r.rdf">'
    )
    assert discover_feeds(html, BASE) == [
        ("https://harbour.example/atom.xml", "Atom", "application/atom+xml"),
        ("https://harbour.example/news/rss.xml", "RSS", "application/rss+xml"),
        ("https://harbour.example/feed.json", "JSON Feed", "application/feed+json"),
        ("https://harbour.example/j.json", None, "application/json"),
        ("https://cdn.example/r.rdf", "RDF", "application/rdf+xml"),
    ]


def test_rel_tokens_and_type_are_read_like_a_browser():
    html = page(
        '<LINK REL="Alternate  home" TYPE="Application/RSS+XML; charset=utf-8" href="/a.xml">'
        '<link rel="feed alternate" type="application/atom+xml" href=" /b.xml\n">'
    )
    assert discover_feeds(html, BASE) == [
        ("https://harbour.example/a.xml", None, "application/rss+xml"),
        ("https://harbour.example/b.xml", None, "application/atom+xml"),
    ]


def test_links_that_are_not_feeds_are_ignored():
    html = page(
        '<link rel="stylesheet" type="application/rss+xml" href="/style.xml">'
        '<link rel="alternate" hreflang="fr" href="/fr/">'
        '<link rel="alternate" type="text/html" href="/mobile/">'
        '<link rel="alternate" type="application/json+oembed" href="/oembed">'
        '<link rel="alternatefeed" type="application/rss+xml" href="/typo.xml">'
        '<link rel="alternate" type="application/rss+xml">'
        '<link rel="alternate" type="application/rss+xml" href="">'
        '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/7">'
    )
    assert discover_feeds(html, BASE) == []


def test_only_web_addresses_survive():
    html = page(
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">'
        '<link rel="alternate" type="application/rss+xml" href="ftp://harbour.example/f.xml">'
        '<link rel="alternate" type="application/rss+xml" href="data:text/xml,&lt;rss/&gt;">'
        '<link rel="alternate" type="application/rss+xml" href="http://x.example/\x1b[2J">'
        '<link rel="alternate" type="application/rss+xml" href="http://ok.example/feed">'
    )
    assert discover_feeds(html, BASE) == [("http://ok.example/feed", None, "application/rss+xml")]


def test_duplicates_keep_the_first_and_titles_are_sanitized():
    html = page(
        '<link rel="alternate" type="application/rss+xml" '
        'title="Top \x1b]52;c;Ym9vbQ==\x07stories\u202e &amp; more\n  today" href="/rss">'
        '<link rel="alternate" type="application/atom+xml" title="Again" href="https://harbour.example/rss">'
        '<link rel="alternate" type="application/rss+xml" title="   " href="/other">'
    )
    found = discover_feeds(html, BASE)
    assert found == [
        (
            "https://harbour.example/rss",
            "Top ]52;c;Ym9vbQ==stories & more today",
            "application/rss+xml",
        ),
        ("https://harbour.example/other", None, "application/rss+xml"),
    ]
    assert not any(has_control(title or "") for _, title, _ in found)


def test_base_element_is_obeyed_only_when_it_is_a_web_address():
    web_base = page(
        '<base href="https://static.example/feeds/"><link rel="alternate" type="application/rss+xml" href="main.xml">'
    )
    assert discover_feeds(web_base, BASE) == [("https://static.example/feeds/main.xml", None, "application/rss+xml")]
    file_base = page('<base href="file:///etc/"><link rel="alternate" type="application/rss+xml" href="passwd">')
    assert discover_feeds(file_base, BASE) == [("https://harbour.example/news/passwd", None, "application/rss+xml")]


def test_links_in_the_body_and_after_broken_markup_are_found():
    html = (
        b"<html><head><title>x</title><div><p>unclosed"
        b'<link rel="alternate" type="application/rss+xml" href="/late.xml"></body>'
    )
    assert discover_feeds(html, BASE) == [("https://harbour.example/late.xml", None, "application/rss+xml")]


def test_declared_charset_is_used_for_titles():
    html = (
        '<html><head><meta charset="windows-1252">'
        '<link rel="alternate" type="application/rss+xml" title="Caf\xe9 news" href="/f">'
        "</head></html>"
    ).encode("cp1252")
    assert discover_feeds(html, BASE) == [("https://harbour.example/f", "Café news", "application/rss+xml")]


def test_undeclared_utf8_is_read_as_utf8_and_a_server_charset_wins():
    html = '<link rel="alternate" type="application/rss+xml" title="Café — Zürich" href="/f">'
    assert discover_feeds(html.encode("utf-8"), BASE)[0][1] == "Café — Zürich"
    latin = '<link rel="alternate" type="application/rss+xml" title="Café" href="/f">'.encode("latin-1")
    assert discover_feeds(latin, BASE)[0][1] == "Café"
    koi8 = '<link rel="alternate" type="application/rss+xml" title="Новости" href="/f">'.encode("koi8-r")
    assert discover_feeds(koi8, BASE, charset="koi8-r")[0][1] == "Новости"
    assert discover_feeds(koi8, BASE, charset="no-such-charset")[0][0] == "https://harbour.example/f"


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"   \n",
        b"\x00\x01\x02",
        b"\xff\xfe\x00<",
        b"<" * 10000,
        b"<div>" * 5000,
        b"%PDF-1.4 binary",
    ],
)
def test_junk_gives_nothing(junk):
    assert discover_feeds(junk, BASE) == []


def test_no_network_for_external_entities(tmp_path):
    """A DOCTYPE pointing at a file is not read (the parser has no network and no DTD loading)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    html = (
        f'<!DOCTYPE html SYSTEM "file://{secret}"><html><head>'
        '<link rel="alternate" type="application/rss+xml" title="&xxe;" href="/f"></head></html>'
    ).encode()
    found = discover_feeds(html, BASE)
    assert [url for url, _, _ in found] == ["https://harbour.example/f"]
    assert "TOPSECRET" not in repr(found)


# ---------------------------------------------------------------- looks_like_feed

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
ATOM = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'
RDF = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>'
JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []}'
JSON_FEED_ESCAPED = b'{"version":"https:\\/\\/jsonfeed.org\\/version\\/1","items":[]}'


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/rss+xml", RSS, True),
        ("text/html; charset=utf-8", RSS, True),  # mislabelled feed: the bytes decide
        (None, ATOM, True),
        ("application/xml", RDF, True),
        ("application/json", JSON_FEED, True),
        ("text/plain", JSON_FEED_ESCAPED, True),
        ("application/feed+json", b'{"title": "no version", "items": []}', True),
        ("application/json", b'{"title": "an API answer"}', False),
        ("application/feed+json", b"[1, 2, 3]", False),
        ("application/rss+xml", b"<!DOCTYPE html><html><body>not a feed</body></html>", False),
        ("application/rss+xml", b"Just some text.", False),
        ("application/rss+xml", b"", False),
        ("application/rss+xml", None, False),
    ],
)
def test_looks_like_feed(content_type, body, expected):
    assert looks_like_feed(content_type, body) is expected


# ---------------------------------------------------------------- real pages


def _corpus_pages():
    root = shared_path("corpus", "html_articles")
    with open(root / "index.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return root, rows


def test_real_pages_yield_only_web_feed_links():
    root, rows = _corpus_pages()
    pages_with_feeds = 0
    for row in rows:
        html = gzip.decompress((root / row["html_file"]).read_bytes())
        found = discover_feeds(html, row["url"])
        assert len({url for url, _, _ in found}) == len(found)
        for url, title, mime in found:
            assert url.startswith(("http://", "https://")), url
            assert mime in FEED_TYPES
            assert title is None or not has_control(title)
        pages_with_feeds += bool(found)
    assert pages_with_feeds >= 20


def test_real_page_protocol_relative_feed():
    root, rows = _corpus_pages()
    row = next(r for r in rows if r["domain"] == "venturebeat.com")
    found = discover_feeds(gzip.decompress((root / row["html_file"]).read_bytes()), row["url"])
    assert found[0] == (
        "https://feeds.feedburner.com/venturebeat/SZYF",
        "VentureBeat Feed",
        "application/rss+xml",
    )
    assert len(found) == 2  # the site feed and this article's comments feed
