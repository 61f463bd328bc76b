"""What the two feed readers do alike once they have read an item's fields.

:mod:`.feed` (RSS, RDF, Atom) and :mod:`.jsonfeed` (JSON Feed) find an
item's title, link, texts and dates in very different places, but from there
on the rules are one: the same limits, an item with nothing to show is
skipped, an untitled one is named by its link, one without an id gets a hash
of what it says, and labels are kept once whatever their case.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar
from urllib.parse import urlsplit

from newsreader.core.models import Article, Enclosure, Precision, iso_published
from newsreader.core.sanitize import clean_line
from newsreader.parser.htmltext import clean_short, shorten
from newsreader.parser.plaintext import clean_text

__all__ = [
    "DERIVED_SUMMARY",
    "MAX_AUTHOR",
    "MAX_BODY",
    "MAX_ENCLOSURES",
    "MAX_GUID",
    "MAX_ITEMS",
    "MAX_SUMMARY",
    "MAX_TAG",
    "MAX_TAGS",
    "MAX_TITLE",
    "add_notes",
    "first_items",
    "hash_guid",
    "host_of",
    "make_article",
    "unique_labels",
]

#: Items read from one document; the rest are dropped with a warning.
MAX_ITEMS = 5000
MAX_TITLE = 500
MAX_SUMMARY = 500
DERIVED_SUMMARY = 300  # a summary cut from the content
MAX_AUTHOR = 200
MAX_GUID = 1000
MAX_TAG = 100
MAX_TAGS = 50
MAX_ENCLOSURES = 20
MAX_BODY = 200_000

_T = TypeVar("_T")


def first_items(items: list[_T], limit: int, warnings: list[str]) -> list[_T]:
    """At most ``limit`` items, with a warning when there were more.

    The limit is an argument (each reader passes its own ``MAX_ITEMS``) so
    that tests can lower one reader's limit.
    """
    if len(items) > limit:
        warnings.append(f"{len(items)} items; only the first {limit} read")
        return items[:limit]
    return items


def add_notes(notes: Counter[str], warnings: list[str]) -> None:
    """One warning per kind of note, with its count when it came up more than once."""
    for note, count in notes.items():
        warnings.append(f"{note} (x{count})" if count > 1 else note)


def unique_labels(labels: Iterable[str]) -> list[str]:
    """Cleaned, non-empty labels, each once whatever its case; at most ``MAX_TAGS``."""
    seen: dict[str, str] = {}
    for raw in labels:
        label = clean_short(raw, MAX_TAG)
        if label and label.casefold() not in seen:
            seen[label.casefold()] = label
            if len(seen) >= MAX_TAGS:
                break
    return list(seen.values())


def make_article(
    notes: Counter[str],
    *,
    title: str,
    body: str,
    summary: str,
    url: str | None,
    guid: str,
    enclosures: list[Enclosure],
    published: datetime | date | None,
    precision: Precision,
    published_text: str | None,
    updated: datetime | None,
    source: str | None,
    author: str | None,
    tags: list[str],
) -> Article | None:
    """The item as an :class:`Article`; None (counted in ``notes``) when it has nothing to show.

    An untitled item is named by the first words of its summary, else by its
    link. ``guid`` is the item's own id, "" when it has none: the link, then
    a hash of title, date and summary stand in for it.
    """
    if not title and summary:
        title = shorten(summary, 80)
    if not title and not body and url is None and not enclosures:
        notes["empty item skipped"] += 1
        return None
    if not title:
        title = shorten(url or (enclosures[0].url if enclosures else "untitled"), 80)
    if not guid:
        guid = url or hash_guid(title, published, summary)
    return Article(
        title=title,
        body=clean_text(body),
        source=source,
        url=url,
        published=published,
        published_text=clean_short(published_text, 100) or None,
        precision=precision if published is not None else "unknown",
        summary=summary or None,
        tags=tags,
        author=author,
        guid=clean_short(guid, MAX_GUID),
        updated=updated,
        enclosures=enclosures,
    )


def hash_guid(title: str, published: datetime | date | None, summary: str | None) -> str:
    """A stable id for an item that has neither id nor link."""
    key = "\x1f".join((title, iso_published(published) or "", summary or ""))
    return "sha1:" + hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()


def host_of(url: str | None) -> str | None:
    """The host name of ``url`` (the source name of a feed without a title)."""
    if not url:
        return None
    try:
        return clean_line(urlsplit(url).hostname or "") or None
    except ValueError:
        return None
