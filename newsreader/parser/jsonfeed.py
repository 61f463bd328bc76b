"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).

JSON from outside is hostile in ways ``json`` does not report as
``JSONDecodeError`` (SECURITY.md, trap 11): integers over 4,300 digits raise
``ValueError``, deep nesting raises ``RecursionError``, ``NaN`` and lone
surrogates load fine. Here a document that cannot be loaded is one
:class:`ParseError`; an item of the wrong shape is skipped with a warning;
every value is type-checked before use and every string is cleaned.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urljoin

from newsreader.core.models import Article, Enclosure, ParsedDocument, ParseError
from newsreader.core.sanitize import clean_line
from newsreader.core.urls import check_url
from newsreader.parser.dates import parse_date
from newsreader.parser.feeditems import (
    DERIVED_SUMMARY,
    MAX_AUTHOR,
    MAX_BODY,
    MAX_ENCLOSURES,
    MAX_ITEMS,
    MAX_SUMMARY,
    MAX_TITLE,
    add_notes,
    first_items,
    host_of,
    make_article,
    unique_labels,
)
from newsreader.parser.htmltext import clean_short, html_to_text, one_line, plain_to_text
from newsreader.parser.images import image_urls

__all__ = ["MAX_ITEMS", "parse"]

MAX_STRING = 4_000_000  # any one string read at all


class _Skip(Exception):
    """An item that cannot be used; the message says why."""


def _string(value: Any) -> str:
    """A string field, or "" for anything that is not a string."""
    if isinstance(value, str):
        return value[:MAX_STRING]
    return ""


#: Integers longer than this are not a value any JSON Feed field can use.
MAX_INT_DIGITS = 40


def _bounded_int(digits: str) -> int | None:
    return int(digits) if len(digits.lstrip("-")) <= MAX_INT_DIGITS else None


def _load(data: bytes) -> Any:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    try:
        # NaN and Infinity become None: they are never a value we want; so
        # does an integer too long to be a size or an id (Python refuses to
        # convert over 4,300 digits, which would fail the whole feed).
        return json.loads(text, parse_constant=lambda _name: None, parse_int=_bounded_int)
    except RecursionError:
        raise ParseError("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and integers too long to convert
        reason = " ".join(str(exc).split())[:160]
        raise ParseError(f"not valid JSON: {reason}") from None


class _JsonFeedReader:
    def __init__(self, doc: dict[str, Any], url: str | None, warnings: list[str]) -> None:
        self.doc = doc
        self.url = url
        self.warnings = warnings
        self.notes: Counter[str] = Counter()
        self.base = url

    def resolve(self, value: Any) -> str | None:
        href = _string(value).strip()
        if not href:
            return None
        if not href[:8].lower().startswith(("http://", "https://")) and self.base:
            try:
                href = urljoin(self.base, href)
            except ValueError:
                self.notes["link dropped: malformed URL"] += 1
                return None
        href = href.replace(" ", "%20")
        reason = check_url(href)
        if reason:
            self.notes[f"link dropped: {reason}"] += 1
            return None
        return href

    @staticmethod
    def author(value: Any) -> str | None:
        people = value if isinstance(value, list) else [value]
        for person in people[:20]:
            name = ""
            if isinstance(person, dict):
                name = _string(person.get("name"))
            elif isinstance(person, str):
                name = person
            name = clean_short(name, MAX_AUTHOR)
            if name:
                return name
        return None

    def item(self, raw: Any, source: str | None, feed_author: str | None) -> Article | None:
        if not isinstance(raw, dict):
            raise _Skip(f"not an object ({type(raw).__name__})")
        ident = raw.get("id")
        if isinstance(ident, bool) or not isinstance(ident, (str, int, float)) or ident is None:
            ident = ""
        elif isinstance(ident, (int, float)):
            ident = repr(ident) if abs(ident) < 1e18 else ""
        url = self.resolve(raw.get("url")) or self.resolve(raw.get("external_url"))

        html = _string(raw.get("content_html"))
        text = _string(raw.get("content_text"))
        content = html_to_text(html, base_url=url or self.base, max_chars=MAX_BODY) if html else ""
        if not content and text:
            content = plain_to_text(text, max_chars=MAX_BODY)
        summary_raw = _string(raw.get("summary"))
        summary_text = html_to_text(summary_raw, max_chars=MAX_BODY) if summary_raw else ""
        body = content if len(content) >= len(summary_text) else summary_text
        if summary_text:
            summary = clean_short(summary_text, MAX_SUMMARY)
        else:
            summary = clean_short(content, DERIVED_SUMMARY)

        title = clean_short(html_to_text(_string(raw.get("title"))), MAX_TITLE)

        published_text = one_line(_string(raw.get("date_published")))
        published, precision = parse_date(published_text)
        updated_text = one_line(_string(raw.get("date_modified")))
        updated_value, updated_precision = parse_date(updated_text)
        if published is None and updated_value is not None:
            published, precision, published_text = updated_value, updated_precision, updated_text
        updated = updated_value
        if isinstance(updated, date) and not isinstance(updated, datetime):
            updated = datetime.combine(updated, time(0), tzinfo=UTC)

        article = make_article(
            self.notes,
            title=title,
            body=body,
            summary=summary,
            url=url,
            guid=clean_line(ident),
            enclosures=self.attachments(raw.get("attachments")),
            published=published,
            precision=precision,
            # A date that could not be read is not shown (RSS/Atom keep it).
            published_text=published_text if published is not None else None,
            updated=updated,
            source=source,
            author=self.author(raw.get("authors")) or self.author(raw.get("author")) or feed_author,
            tags=self.tags(raw.get("tags")),
        )
        if article is not None:
            lead = self.resolve(raw.get("image"))
            images = image_urls(html or summary_raw or "", url or self.base)
            article.images = ([lead] if lead else []) + [u for u in images if u != lead]
        return article

    @staticmethod
    def tags(value: Any) -> list[str]:
        if not isinstance(value, list):
            return []
        return unique_labels(_string(tag) for tag in value[:1000])

    def attachments(self, value: Any) -> list[Enclosure]:
        if not isinstance(value, list):
            return []
        found: dict[str, Enclosure] = {}
        for att in value[:1000]:
            if not isinstance(att, dict):
                continue
            url = self.resolve(att.get("url"))
            if url is None or url in found:
                continue
            kind = clean_line(_string(att.get("mime_type")))[:100] or None
            size = att.get("size_in_bytes")
            length = size if isinstance(size, int) and not isinstance(size, bool) and 0 <= size < 2**63 else None
            found[url] = Enclosure(url=url, type=kind, length=length)
            if len(found) >= MAX_ENCLOSURES:
                break
        return list(found.values())

    def read(self) -> ParsedDocument:
        doc = self.doc
        version = _string(doc.get("version"))
        items = doc.get("items")
        if not isinstance(items, list):
            raise ParseError("not a JSON Feed: no list of items")
        if "jsonfeed.org" not in version:
            self.warnings.append("no JSON Feed version; read as JSON Feed 1.1")
        feed_url = self.resolve(doc.get("feed_url"))
        site_url = self.resolve(doc.get("home_page_url"))
        if self.base is None:
            self.base = feed_url or site_url
        feed_url = feed_url or (self.resolve(self.url) if self.url else None)
        feed_title = clean_short(_string(doc.get("title")), MAX_TITLE) or None
        source = feed_title or host_of(self.url)
        feed_author = self.author(doc.get("authors")) or self.author(doc.get("author"))
        items = first_items(items, MAX_ITEMS, self.warnings)
        articles = []
        for n, raw in enumerate(items):
            try:
                article = self.item(raw, source, feed_author)
            except _Skip as exc:
                self.warnings.append(f"item {n} skipped: {exc}")
                continue
            except (ValueError, TypeError, OverflowError, RecursionError) as exc:
                self.warnings.append(f"item {n} skipped: {type(exc).__name__}")
                continue
            if article is not None:
                articles.append(article)
        add_notes(self.notes, self.warnings)
        return ParsedDocument(
            format="json-feed",
            articles=articles,
            warnings=self.warnings,
            feed_title=feed_title,
            feed_url=feed_url,
            site_url=site_url,
        )


def parse(data: bytes, *, as_of: datetime | None = None, url: str | None = None) -> ParsedDocument:
    """Parse a JSON Feed document; ``as_of`` is unused (dates are absolute)."""
    doc = _load(data)
    if not isinstance(doc, dict):
        raise ParseError(f"not a JSON Feed: top level is a {type(doc).__name__}")
    return _JsonFeedReader(doc, url, []).read()
