"""OPML 1.0/2.0 subscription lists -> :class:`~newsreader.core.models.Subscription`.

An ``<outline>`` with an ``xmlUrl`` is a feed (title from ``title``, else
``text``; ``htmlUrl`` kept when it is http(s)). Outlines without one are
folders: the folder titles on the way down become the feed's tags, followed
by any names in its ``category`` attribute.

OPML is shared as blogrolls and exported by many tools, and a large share of
it is not well-formed XML (about half of the real lists we tested on have
an unescaped ``&`` or ``"`` inside an attribute). So the parse goes in steps:

1. the DOCTYPE and its internal subset are removed before lxml sees the
   text, and lxml runs with ``resolve_entities=False, no_network=True,
   load_dtd=False``: no external entity, no entity expansion (XXE and
   billion laughs have nothing to work with);
2. strict parse; if that fails,
3. repair the text (a bare ``&`` becomes ``&amp;``, an HTML entity such as
   ``&eacute;`` becomes its character, an unknown one is shown literally,
   a ``"`` inside an ``<outline>`` attribute value is escaped) and parse
   strictly again; if that fails,
4. lxml's recover mode on the repaired text, which keeps what it can.

Steps 1, 2 and 4 and the entity repair are :mod:`.xmlsafe`'s, shared with
the feed parsers; the ``<outline>`` quote repair is this module's.

Only http(s) feed URLs are kept (:func:`newsreader.core.urls.check_url`); each
refused one is a warning such as ``refused feed "X": javascript: URL``; that
covers newsboat's ``|cmd``, ``exec:`` and ``filter:`` outlines, which ran
commands in newsboat (PR #3400). The same feed listed twice is merged.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from newsreader.core.models import ParsedDocument, ParseError, Subscription
from newsreader.core.sanitize import clean_line
from newsreader.core.urls import check_url, normalize_url
from newsreader.parser.xmlsafe import read_xml, repair_xml

__all__ = ["MAX_SUBSCRIPTIONS", "parse"]

#: More outlines than this in one file is not a subscription list a person keeps.
MAX_SUBSCRIPTIONS = 10_000
_MAX_WARNINGS = 50
_MAX_TAGS = 12

_OUTLINE_START = re.compile(r"<outline\b", re.I)
_ATTR_START = re.compile(r"\s*([A-Za-z_:][\w:.-]*)\s*=\s*([\"'])")
_TAG_END = re.compile(r"\s*/?>")
_OPML_ATTRS = "text|title|type|xmlUrl|htmlUrl|description|version|language|category|created|isComment|isBreakpoint|url"
_KNOWN_ATTR_OR_END = re.compile(rf"\s+(?i:{_OPML_ATTRS})\s*=\s*[\"']|\s*/?>\s*(?:<|$)")
_MAX_QUOTES_PAST_FALLBACK = 8
_MAX_REPAIR_ATTRIBUTES = 256
_MAX_TAG_CHARS = 64 * 1024
_NEXT_ATTR = re.compile(r"\s+[A-Za-z_:][\w:.-]*\s*=\s*[\"']")


def _close_quote(text: str, start: int, limit: int, quote: str) -> int:
    """Index of the quote that really ends the attribute value starting at ``start``.

    The quote must be followed by the end of the tag (``>`` or ``/>`` and
    then the next tag) or by another attribute. A known OPML attribute name
    is preferred, so that ``description="see <a href="x" target="y">z</a>"``
    is read as one value; any name is accepted when no known one follows
    within a few more quotes. Returns -1 when no quote before ``limit`` fits.
    """
    fallback = -1
    looked_past_fallback = 0
    pos = text.find(quote, start, limit)
    while pos >= 0:
        if _KNOWN_ATTR_OR_END.match(text, pos + 1):
            return pos
        if fallback < 0:
            if _NEXT_ATTR.match(text, pos + 1):
                fallback = pos
        else:
            looked_past_fallback += 1
            if looked_past_fallback > _MAX_QUOTES_PAST_FALLBACK:
                break
        pos = text.find(quote, pos + 1, limit)
    return fallback


def _repair_outline(text: str, start: int, limit: int) -> tuple[str, int] | None:
    """Rewrite the ``<outline ...>`` tag at ``start`` (ending before ``limit``)
    with every value escaped and double-quoted; None when it cannot be read."""
    pos = start + len("<outline")
    parts = ["<outline"]
    for _ in range(_MAX_REPAIR_ATTRIBUTES):
        end = _TAG_END.match(text, pos, limit)
        if end:
            parts.append(end.group(0).strip())
            return "".join(parts), end.end()
        attr = _ATTR_START.match(text, pos, limit)
        if not attr:
            return None
        close = _close_quote(text, attr.end(), limit, attr.group(2))
        if close < 0:
            return None
        value = text[attr.end() : close].replace("<", "&lt;").replace('"', "&quot;")
        parts.append(f' {attr.group(1)}="{value}"')
        pos = close + 1
    return None


def _repair(text: str) -> str:
    """Make a broken OPML text well-formed where the breakage is a known kind.

    Linear in the text: each ``<outline`` tag is read only up to the next
    one (and at most 64 KiB, 256 attributes), so a hostile file of broken
    tags costs no more than a well-formed one of the same size.
    """
    text = repair_xml(text, keep_unknown_entities=True)
    starts = [m.start() for m in _OUTLINE_START.finditer(text)] + [len(text)]
    out: list[str] = []
    pos = 0
    for here, following in itertools.pairwise(starts):
        if here < pos:
            continue
        repaired = _repair_outline(text, here, min(following, here + _MAX_TAG_CHARS))
        if repaired is None:
            continue
        out.append(text[pos:here])
        out.append(repaired[0])
        pos = repaired[1]
    out.append(text[pos:])
    return "".join(out)


def _load(data: bytes, url: str | None) -> tuple[etree._Element, list[str]]:
    """The root element, and the warnings of reading it (encoding, repairs)."""
    warnings: list[str] = []
    read = read_xml(data, url=url, warnings=warnings, repair=_repair)
    if read.recovered:
        warnings.append(f"OPML is not well-formed XML ({read.problem}); read what could be recovered")
    elif read.problem:
        warnings.append(f"OPML is not well-formed XML ({read.problem}); repaired")
    return read.root, warnings


def _local(name: object) -> str:
    if not isinstance(name, str):
        return ""
    return name.rsplit("}", 1)[-1].lower()


def _attrs(element: etree._Element) -> dict[str, str]:
    return {_local(k): v for k, v in element.attrib.items()}


def _feed_url(raw: str, base: str | None) -> str:
    url = raw.strip()
    lower = url.lower()
    # feed: is a "subscribe to this" pseudo-scheme: feed://host/x or feed:https://host/x
    if lower.startswith("feed:http://") or lower.startswith("feed:https://"):
        url = url[5:]
    elif lower.startswith("feed://"):
        url = "http://" + url[7:]
    elif (
        base
        and check_url(base) is None
        and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url)
        and not url.startswith(("|", "-"))
    ):
        url = urljoin(base, url)
    return url


def _category_tags(value: str | None) -> list[str]:
    if not value:
        return []
    return [clean_line(part).strip().lstrip("/") for part in value.split(",")]


class _Collector:
    def __init__(self, base: str | None) -> None:
        self.base = base
        self.subs: list[Subscription] = []
        self.by_key: dict[str, Subscription] = {}
        self.warnings: list[str] = []
        self.refused = 0

    def refuse(self, label: str, reason: str) -> None:
        self.refused += 1
        if len(self.warnings) < _MAX_WARNINGS:
            self.warnings.append(f'refused feed "{label}": {reason}')

    def add(self, attrs: dict[str, str], folders: list[str]) -> None:
        raw = attrs["xmlurl"]
        url = _feed_url(raw, self.base)
        title = clean_line(attrs.get("title") or attrs.get("text")) or None
        reason = check_url(url)
        if reason:
            self.refuse(title or clean_line(raw)[:80], reason)
            return
        if title == url:
            title = None  # a "title" that only repeats the URL is no title
        html_url = (attrs.get("htmlurl") or "").strip() or None
        if html_url and check_url(html_url):
            html_url = None
        tags = [t for t in dict.fromkeys(folders + _category_tags(attrs.get("category"))) if t][:_MAX_TAGS]
        key = normalize_url(url)
        existing = self.by_key.get(key)
        if existing is not None:  # the same feed in two folders: one subscription, both tags
            existing.title = existing.title or title
            existing.html_url = existing.html_url or html_url
            existing.tags = list(dict.fromkeys(existing.tags + tags))[:_MAX_TAGS]
            return
        if len(self.subs) >= MAX_SUBSCRIPTIONS:
            self.refuse(title or url, f"more than {MAX_SUBSCRIPTIONS} feeds in one file")
            return
        sub = Subscription(url=url, title=title, html_url=html_url, tags=tags)
        self.subs.append(sub)
        self.by_key[key] = sub


def _find(root: etree._Element, name: str) -> etree._Element | None:
    for child in root:
        if _local(child.tag) == name:
            return child
    return None


def parse(data: bytes, *, as_of: datetime | None = None, url: str | None = None) -> ParsedDocument:
    """Read an OPML document; raises :class:`ParseError` when it has no usable feed."""
    root, warnings = _load(data, url)
    if _local(root.tag) != "opml":
        raise ParseError(f"root element is <{clean_line(_local(root.tag))[:40]}>, not <opml>")
    head = _find(root, "head")
    title_el = _find(head, "title") if head is not None else None
    feed_title = clean_line(title_el.text) if title_el is not None else ""
    body = _find(root, "body")
    collector = _Collector(url)
    # Walk with an explicit stack: a deeply nested file must not hit Python's
    # recursion limit. Children are pushed reversed to keep document order.
    stack: list[tuple[etree._Element, list[str]]] = [
        (child, []) for child in reversed(body if body is not None else root)
    ]
    while stack:
        element, folders = stack.pop()
        if _local(element.tag) != "outline":
            continue
        attrs = _attrs(element)
        if (attrs.get("xmlurl") or "").strip():
            collector.add(attrs, folders)
            continue
        name = clean_line(attrs.get("title") or attrs.get("text"))
        inner = folders + [name] if name else folders
        stack.extend((child, inner) for child in reversed(element))
    warnings += collector.warnings
    hidden = collector.refused - len(collector.warnings)
    if hidden > 0:
        warnings.append(f"{hidden} more feeds refused")
    if not collector.subs:
        if collector.warnings:
            detail = f"; {collector.refused} refused, first: {collector.warnings[0]}"
        elif warnings:  # the XML was broken: say how, it is likely the cause
            detail = f"; {warnings[0]}"
        else:
            detail = ""
        raise ParseError(f"no feed outlines in OPML{detail}")
    return ParsedDocument(
        format="opml",
        warnings=warnings,
        feed_title=feed_title or None,
        subscriptions=collector.subs,
    )
