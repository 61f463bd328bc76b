"""Find the feeds a web page advertises, and tell a feed from a page.

When someone adds a site's home page instead of its feed, the page usually
names its feeds in ``<link rel="alternate" type="application/rss+xml">``
elements. :func:`discover_feeds` lists them; :func:`looks_like_feed` decides
whether fetched bytes are a feed at all or a page to search.

The page is hostile input: it is parsed by lxml's HTML parser with network
access off, and only http/https links survive.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urljoin, urlsplit

from newsreader.core.sanitize import clean_line
from newsreader.core.urls import check_url
from newsreader.parser.detect import detect

__all__ = ["FEED_TYPES", "discover_feeds", "looks_like_feed"]

#: The ``type`` values of an alternate link that names a feed.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
    }
)
_ASCII_SPACE = " \t\n\r\f"
# PHP's json_encode writes "https:\/\/jsonfeed.org\/version\/1.1".
_JSON_FEED_MARK = re.compile(rb'"version"\s*:\s*"https?:\\?/\\?/jsonfeed\.org\\?/version', re.I)


def _mime(value: str | None) -> str:
    """``"Application/RSS+XML; charset=utf-8"`` -> ``"application/rss+xml"``."""
    return (value or "").split(";", 1)[0].strip(_ASCII_SPACE).lower()


def _web_url(href: str | None, base: str) -> str | None:
    """``href`` resolved against ``base`` when it is a fetchable http(s) address."""
    if not href:
        return None
    href = href.strip(_ASCII_SPACE)
    if not href:
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return url if check_url(url) is None else None


def _document_base(tree, base_url: str) -> str:
    """The page's ``<base href>`` when it is http(s); the fetched address otherwise.

    A ``<base href="file:///">`` must not turn relative links into local
    files, so a non-web base is ignored rather than obeyed.
    """
    for element in tree.iter("base"):
        href = element.get("href")
        if href:
            resolved = _web_url(href, base_url)
            return resolved or base_url
    return base_url


def _pick_encoding(data: bytes, charset: str | None) -> str | None:
    """The encoding to force on the parser, or None to let it read ``<meta charset>``.

    Left alone, libxml2 reads an undeclared page as Latin-1, which turns the
    UTF-8 most pages are written in into mojibake; so bytes that are valid
    UTF-8 are read as UTF-8 unless the server named a charset.
    """
    if charset:
        try:
            return codecs.lookup(charset.strip().strip("\"'")).name
        except (LookupError, ValueError):
            pass
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def discover_feeds(html: bytes, base_url: str, *, charset: str | None = None) -> list[tuple[str, str | None, str]]:
    """The feeds ``html`` links to, as ``(absolute url, title, type)``.

    ``charset`` is the one from the response's Content-Type, if any.

    In document order, each address once (the first link wins), http and
    https only. ``title`` is sanitized to one line, or None when the link
    has none. ``type`` is the lower-cased MIME type without parameters.
    WordPress marks its REST API (``/wp-json/``) as an ``application/json``
    alternate on every page; those links are not feeds and are skipped.
    """
    import lxml.html  # lazy: starting the app should not pay for lxml
    from lxml import etree

    if not html or not html.strip():
        return []
    parser = lxml.html.HTMLParser(
        encoding=_pick_encoding(html, charset),
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    base = _document_base(tree, base_url)
    found: list[tuple[str, str | None, str]] = []
    seen: set[str] = set()
    for link in tree.iter("link"):
        rel_tokens = (link.get("rel") or "").lower().split()
        if "alternate" not in rel_tokens:
            continue
        mime = _mime(link.get("type"))
        if mime not in FEED_TYPES:
            continue
        url = _web_url(link.get("href"), base)
        if url is None or url in seen:
            continue
        if mime == "application/json" and "/wp-json/" in (urlsplit(url).path or ""):
            continue
        seen.add(url)
        title = clean_line(link.get("title")) or None
        found.append((url, title, mime))
    return found


def looks_like_feed(content_type: str | None, body: bytes | None) -> bool:
    """True when ``body`` is an RSS, Atom, RDF or JSON feed.

    The bytes decide, not the header: servers label feeds ``text/html`` and
    pages ``application/xml``. A JSON body counts only when it says it is a
    JSON Feed (its ``version``) or the server calls it ``application/feed+json``.
    """
    if not body:
        return False
    fmt = detect(body)
    if fmt in ("rss", "atom", "rdf"):
        return True
    if fmt == "json-feed":
        if _mime(content_type) == "application/feed+json":
            return body.lstrip()[:1] == b"{"
        return bool(_JSON_FEED_MARK.search(body[:8192]))
    return False
