"""RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom 0.3/1.0 (and CDF) feeds.

One module for every XML flavour because they share almost everything: an
item has a title, a link, an id, dates, an author, a description and/or full
content, categories and enclosures, under names that differ by flavour and
namespace. Elements are looked up by local name; the root's own namespace and
the RSS/Atom namespaces count as "core", the extension namespaces people use
(Dublin Core, content:, media:, iTunes ...) get a fixed prefix whatever
prefix the document chose, and anything else is ignored.

Text comes out as plain text to read (:mod:`newsreader.parser.htmltext`),
links are resolved against ``xml:base`` at every level, then the feed's URL,
and kept only when they are http(s) (:func:`newsreader.core.urls.check_url`).
Parsing itself is :mod:`newsreader.parser.xmlsafe`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from datetime import UTC, date, datetime, time
from urllib.parse import urljoin

from lxml import etree

from newsreader.core.models import Article, Enclosure, ParsedDocument, ParseError, Precision
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
    hash_guid,
    host_of,
    make_article,
    unique_labels,
)
from newsreader.parser.htmltext import clean_short, element_to_text, html_to_text, one_line, plain_to_text
from newsreader.parser.images import image_urls
from newsreader.parser.xmlsafe import parse_xml

__all__ = ["MAX_ITEMS", "hash_guid", "host_of", "parse"]

ATOM10 = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RSS10 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_ABOUT = f"{{{RDF}}}about"

# Extension namespaces by URI, whatever prefix a document gives them.
_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://purl.org/dc/elements/1.0/": "dc:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/1999/xhtml": "xhtml:",
    "http://search.yahoo.com/mrss/": "media:",
    "http://search.yahoo.com/mrss": "media:",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes:",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner:",
}
_ALWAYS_CORE = frozenset({"", ATOM10, ATOM03, RSS10, RSS090})
_FAST_URL = re.compile(r"https?://[A-Za-z0-9][A-Za-z0-9.-]{0,252}(?:[/?#][!-\[\]-~]*)?\Z")


def _index(el: etree._Element, core: frozenset[str]) -> dict[str, list[etree._Element]]:
    """Children of ``el`` by lower-case local name (extensions as ``dc:date``)."""
    kids: dict[str, list[etree._Element]] = {}
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag[0] == "{":
            ns, _, local = tag[1:].partition("}")
            if ns in core:
                key = local.lower()
            else:
                prefix = _PREFIXES.get(ns)
                if prefix is None:
                    continue
                key = prefix + local.lower()
        else:
            key = tag.lower()
        kids.setdefault(key, []).append(child)
    return kids


def _first(kids: dict[str, list[etree._Element]], *names: str) -> etree._Element | None:
    for name in names:
        found = kids.get(name)
        if found:
            return found[0]
    return None


def _raw(el: etree._Element | None) -> str:
    """All the character data inside ``el``, markup ignored."""
    if el is None:
        return ""
    if len(el):
        return "".join(t for t in el.itertext() if isinstance(t, str))
    return el.text or ""


class _FeedReader:
    """State for one document: its flavour, base URLs and warning tallies."""

    def __init__(self, root: etree._Element, url: str | None, warnings: list[str]) -> None:
        self.root = root
        self.url = url
        self.warnings = warnings
        self.notes: Counter[str] = Counter()
        tag = root.tag if isinstance(root.tag, str) else ""
        root_ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        self.local = local.lower()
        self.core = _ALWAYS_CORE | {root_ns}
        if self.local in ("feed", "entry"):
            self.flavour = "atom"
        elif self.local == "rdf":
            self.flavour = "rdf"
        elif self.local in ("rss", "channel"):
            self.flavour = "rss"
        else:
            raise ParseError(f"not a feed: root element <{local[:40]}>")
        self.fallback_base: str | None = url

    # -- URLs -------------------------------------------------------------
    def resolve(self, href: str | None, el: etree._Element | None) -> str | None:
        """An absolute, allowed http(s) URL for ``href`` as written in ``el``."""
        if not href:
            return None
        href = href.strip()
        if not href:
            return None
        if not href[:8].lower().startswith(("http://", "https://")):
            try:
                base = el.base if el is not None else None
                if base:
                    href = urljoin(base, href)
                if not href[:8].lower().startswith(("http://", "https://")) and self.fallback_base:
                    href = urljoin(self.fallback_base, href)
            except ValueError:
                self.notes["link dropped: malformed URL"] += 1
                return None
        href = href.replace(" ", "%20")
        if _FAST_URL.match(href):
            return href
        reason = check_url(href)
        if reason:
            self.notes[f"link dropped: {reason}"] += 1
            return None
        return href

    def _links(self, kids: dict[str, list[etree._Element]]) -> tuple[str | None, list[etree._Element]]:
        """(RSS ``<link>`` text, Atom-style ``<link href>`` elements)."""
        text_link, atom_links = None, []
        for el in kids.get("link", ()):
            if el.get("href") is not None:
                atom_links.append(el)
            elif text_link is None and not len(el):
                text_link = self.resolve(el.text, el)
        return text_link, atom_links

    def _alternate(self, atom_links: list[etree._Element], rel_wanted: str) -> str | None:
        best = None
        for el in atom_links:
            rel = (el.get("rel") or "alternate").strip().lower()
            if rel != rel_wanted:
                continue
            href = self.resolve(el.get("href"), el)
            if href is None:
                continue
            kind = (el.get("type") or "").lower()
            if not kind or "html" in kind:
                return href
            best = best or href
        return best

    # -- text -------------------------------------------------------------
    def content_text(self, el: etree._Element | None) -> str:
        """Readable text of a text construct (title, summary, content)."""
        if el is None:
            return ""
        kind = (el.get("type") or "").strip().lower()
        mode = (el.get("mode") or "").strip().lower()
        if len(el):  # inline XHTML (Atom type="xhtml", or unescaped markup in RSS)
            return element_to_text(el, base_url=self._content_base(el), max_chars=MAX_BODY)
        raw = el.text or ""
        if not raw.strip():
            return ""
        if mode == "base64":
            try:
                raw = base64.b64decode(raw, validate=False).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                return ""
        if kind in ("text", "text/plain") or (self.flavour == "atom" and not kind and mode != "escaped"):
            return plain_to_text(raw, max_chars=MAX_BODY)
        # html, xhtml, escaped, or RSS where markup is whatever it looks like.
        return html_to_text(raw, base_url=self._content_base(el), max_chars=MAX_BODY)

    def _content_base(self, el: etree._Element) -> str | None:
        try:
            return el.base or self.fallback_base
        except ValueError:
            return self.fallback_base

    def title_text(self, el: etree._Element | None) -> str:
        return clean_short(self.content_text(el), MAX_TITLE)

    # -- people, dates, tags ----------------------------------------------
    def _person(self, el: etree._Element) -> str:
        if len(el):  # Atom person construct
            name = email = ""
            for child in el:
                if not isinstance(child.tag, str):
                    continue
                local = child.tag.rpartition("}")[2].lower()
                if local == "name" and not name:
                    name = _raw(child)
                elif local == "email" and not email:
                    email = _raw(child)
            return name or email
        text = one_line(el.text or "")
        # RSS <author> is "address (Name)" by the spec; show the name.
        m = re.match(r"^\S+@\S+\s*\((.+)\)$", text)
        return m.group(1) if m else text

    def author(self, kids: dict[str, list[etree._Element]]) -> str | None:
        for key in ("author", "dc:creator", "itunes:author", "dc:contributor"):
            for el in kids.get(key, ()):
                name = clean_short(self._person(el), MAX_AUTHOR)
                if name:
                    return name
        return None

    @staticmethod
    def date_of(
        kids: dict[str, list[etree._Element]], names: tuple[str, ...]
    ) -> tuple[datetime | date | None, Precision, str | None]:
        for name in names:
            for el in kids.get(name, ()):
                text = one_line(_raw(el))
                if not text:
                    continue
                value, precision = parse_date(text)
                if value is not None:
                    return value, precision, text
        return None, "unknown", None

    @staticmethod
    def tags(kids: dict[str, list[etree._Element]]) -> list[str]:
        return unique_labels(
            el.get("label") or el.get("term") or _raw(el)
            for el in kids.get("category", []) + kids.get("dc:subject", [])
        )

    def enclosures(self, kids: dict[str, list[etree._Element]], atom_links: list[etree._Element]) -> list[Enclosure]:
        found: dict[str, Enclosure] = {}
        candidates = [(el, el.get("url")) for el in kids.get("enclosure", ())]
        candidates += [
            (el, el.get("href")) for el in atom_links if (el.get("rel") or "").strip().lower() == "enclosure"
        ]
        for el, href in candidates:
            url = self.resolve(href, el)
            if url is None or url in found:
                continue
            kind = clean_line(el.get("type"))[:100] or None
            length_text = (el.get("length") or "").strip()
            length = int(length_text) if length_text.isdigit() and len(length_text) < 19 else None
            found[url] = Enclosure(url=url, type=kind, length=length)
            if len(found) >= MAX_ENCLOSURES:
                break
        return list(found.values())

    # -- one item ---------------------------------------------------------
    def _item_url(
        self,
        el: etree._Element,
        kids: dict[str, list[etree._Element]],
        text_link: str | None,
        atom_links: list[etree._Element],
        guid_el: etree._Element | None,
        guid: str,
    ) -> str | None:
        orig = _first(kids, "feedburner:origlink")  # the article, not the tracking redirect
        url = (
            (self.resolve(_raw(orig), orig) if orig is not None else None)
            or text_link
            or self._alternate(atom_links, "alternate")
        )
        if url is None and (el.get("href") or el.get("HREF")):  # CDF
            url = self.resolve(el.get("href") or el.get("HREF"), el)
        if (
            url is None
            and guid_el is not None
            and guid_el.get("isPermaLink", "true").lower() != "false"
            and guid.lower().startswith(("http://", "https://"))
        ):
            url = self.resolve(guid, guid_el)
        return url

    def _item_texts(self, kids: dict[str, list[etree._Element]]) -> tuple[str, str]:
        """(one-line summary, body): the description or summary, and the fullest text."""
        summary_el = _first(
            kids, "description", "summary", "abstract", "dc:description", "itunes:summary", "media:description"
        )
        group = _first(kids, "media:group")
        if summary_el is None and group is not None:
            summary_el = _first(_index(group, self.core), "media:description")
        content_el = None
        candidates = (
            kids.get("content:encoded", [])
            + kids.get("content", [])
            + kids.get("xhtml:body", [])
            + kids.get("body", [])
            + kids.get("fullitem", [])
        )
        for candidate in candidates:
            if candidate.get("src") is None:  # Atom out-of-line content has no text here
                content_el = candidate
                break
        summary_text = self.content_text(summary_el)
        content_text = self.content_text(content_el)
        body = content_text if len(content_text) >= len(summary_text) else summary_text
        if summary_text:
            return clean_short(summary_text, MAX_SUMMARY), body
        return clean_short(content_text, DERIVED_SUMMARY), body

    def _item_dates(
        self, el: etree._Element, kids: dict[str, list[etree._Element]]
    ) -> tuple[datetime | date | None, Precision, str | None, datetime | None]:
        """(published, its precision, as written, updated); updated stands in for published."""
        published, precision, published_text = self.date_of(
            kids,
            (
                "pubdate",
                "published",
                "issued",
                "dc:date",
                "created",
                "dcterms:issued",
                "dcterms:created",
                "dcterms:date",
            ),
        )
        updated, updated_precision, updated_text = self.date_of(
            kids, ("updated", "modified", "dcterms:modified", "lastmod")
        )
        if published is None and (el.get("LASTMOD") or el.get("lastmod")):  # CDF
            published_text = one_line(el.get("LASTMOD") or el.get("lastmod") or "")
            published, precision = parse_date(published_text)
        if published is None and updated is not None:
            published, precision, published_text = updated, updated_precision, updated_text
        if updated is not None and not isinstance(updated, datetime):
            updated = datetime.combine(updated, time(0), tzinfo=UTC)
        return published, precision if published is not None else "unknown", published_text, updated

    def item(self, el: etree._Element, source: str | None, feed_author: str | None) -> Article | None:
        kids = _index(el, self.core)
        text_link, atom_links = self._links(kids)
        guid_el = _first(kids, "guid", "id", "dc:identifier")
        guid = one_line(_raw(guid_el))
        url = self._item_url(el, kids, text_link, atom_links, guid_el, guid)
        summary, body = self._item_texts(kids)
        title = self.title_text(_first(kids, "title", "dc:title", "media:title"))
        published, precision, published_text, updated = self._item_dates(el, kids)
        article = make_article(
            self.notes,
            title=title,
            body=body,
            summary=summary,
            url=url,
            guid=guid or _first_attr(el, _RDF_ABOUT),
            enclosures=self.enclosures(kids, atom_links),
            published=published,
            precision=precision,
            published_text=published_text,
            updated=updated,
            source=source,
            author=self.author(kids) or feed_author,
            tags=self.tags(kids),
        )
        if article is not None:
            article.images = self._item_images(kids)
        return article

    def _item_images(self, kids: dict[str, list[etree._Element]]) -> list[str]:
        """The images of the item's content and description, for the link list."""
        found: list[str] = []
        for name in ("content:encoded", "content", "description", "summary"):
            for el in kids.get(name, []):
                markup = etree.tostring(el, encoding="unicode") if len(el) else (el.text or "")
                found += [u for u in image_urls(markup, self._content_base(el)) if u not in found]
        return found[:20]

    # -- the document -----------------------------------------------------
    def read(self) -> ParsedDocument:
        root = self.root
        if self.local == "entry":
            channel, item_parents, item_name = None, [root], None
        elif self.local in ("feed", "channel"):
            channel, item_parents, item_name = root, [root], "entry" if self.local == "feed" else "item"
        else:
            channel = _first(_index(root, self.core), "channel")
            item_parents = [root] + ([channel] if channel is not None else [])
            item_name = "item"

        feed_title = site_url = feed_url = feed_author = None
        if channel is not None:
            kids = _index(channel, self.core)
            text_link, atom_links = self._links(kids)
            site_url = text_link or self._alternate(atom_links, "alternate")
            if site_url is None and (channel.get("href") or channel.get("HREF")):  # CDF
                site_url = self.resolve(channel.get("href") or channel.get("HREF"), channel)
            feed_url = self._alternate(atom_links, "self")
            feed_title = self.title_text(_first(kids, "title", "dc:title")) or None
            if self.flavour == "atom":  # entries inherit the feed's author
                feed_author = self.author(kids)
        if self.url is None and site_url:
            self.fallback_base = site_url
        feed_url = feed_url or (self.resolve(self.url, None) if self.url else None)
        source = feed_title or host_of(self.url)

        items: list[etree._Element] = []
        if item_name is None:
            items = [root]
        else:
            for parent in item_parents:
                items.extend(
                    c for c in parent if isinstance(c.tag, str) and c.tag.rpartition("}")[2].lower() == item_name
                )
        items = first_items(items, MAX_ITEMS, self.warnings)

        articles = []
        for _n, item_el in enumerate(items):
            try:
                article = self.item(item_el, source, feed_author)
            except (ValueError, TypeError, AttributeError, OverflowError, UnicodeError) as exc:
                self.notes[f"item skipped ({type(exc).__name__})"] += 1
                continue
            if article is not None:
                articles.append(article)
        add_notes(self.notes, self.warnings)
        return ParsedDocument(
            format=self.flavour,
            articles=articles,
            main=None,
            # libxml2's messages quote the document, control characters and all.
            warnings=[clean_line(w) for w in self.warnings],
            feed_title=feed_title,
            feed_url=feed_url,
            site_url=site_url,
        )


def _first_attr(el: etree._Element, name: str) -> str:
    return one_line(el.get(name) or "")


def parse(data: bytes, *, as_of: datetime | None = None, url: str | None = None) -> ParsedDocument:
    """Parse an RSS, RDF or Atom document (``as_of`` is unused: feeds give absolute dates)."""
    warnings: list[str] = []
    root = parse_xml(data, url=url, warnings=warnings)
    return _FeedReader(root, url, warnings).read()
