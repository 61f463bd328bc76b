"""Plain records that flow from the parser to the cache and the app.

Nothing here knows about SQLite, files or Textual: these are the words the
modules use to talk to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

#: How far a published time can be trusted. "a day ago" is ``day``; a feed's
#: RFC 822 timestamp is ``exact``; an absolute ``23-04-2025`` is ``day``.
Precision = Literal["exact", "minute", "hour", "day", "unknown"]
PRECISIONS: tuple[str, ...] = ("exact", "minute", "hour", "day", "unknown")


@dataclass(slots=True)
class Caption:
    """An image caption and, when the document names one, its credit."""

    text: str
    credit: str | None = None


@dataclass(slots=True)
class Enclosure:
    """A file attached to a feed item (podcast audio, an image...)."""

    url: str
    type: str | None = None
    length: int | None = None


@dataclass(slots=True)
class Article:
    """One story as a document states it.

    ``published`` is an aware UTC datetime, or a plain ``date`` when the
    document gave only a day; ``precision`` says how much of it to believe.
    ``related`` holds indices into the owning document's ``articles``.
    """

    title: str
    body: str = ""
    source: str | None = None
    url: str | None = None
    published: datetime | date | None = None
    published_text: str | None = None
    precision: Precision = "unknown"
    summary: str | None = None
    captions: list[Caption] = field(default_factory=list)
    related: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    author: str | None = None
    guid: str | None = None
    updated: datetime | None = None
    enclosures: list[Enclosure] = field(default_factory=list)
    #: Addresses of the images in the item's content (the text leaves them out).
    images: list[str] = field(default_factory=list)
    #: Story-clustering features of this article's own text, when they were
    #: computed where it was parsed (``newsreader.stories.signature.prepare_article``,
    #: in a refresh's worker processes): the cache's writer then only weighs
    #: them. Opaque here; never shown, never stored as such.
    cluster_features: tuple | None = None
    #: The row fields the cache derives from this article (identity key
    #: aside), when a refresh's parse worker computed them
    #: (``newsreader.store.articlerows.text_fields``). Opaque here too.
    stored_fields: tuple | None = None


@dataclass(slots=True)
class Subscription:
    """A feed someone subscribes to (from OPML or config.toml)."""

    url: str
    title: str | None = None
    html_url: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ParsedDocument:
    """What one parse of one document produced.

    ``format`` names the format that was detected ("page-dump", "rss",
    "atom", "rdf", "json-feed", "html", "opml"). ``main`` is the index of the
    page's own article, or None when the page is a listing. ``feed_title`` /
    ``feed_url`` / ``site_url`` describe the feed when the document is one.
    """

    format: str
    articles: list[Article] = field(default_factory=list)
    main: int | None = None
    warnings: list[str] = field(default_factory=list)
    feed_title: str | None = None
    feed_url: str | None = None
    site_url: str | None = None
    subscriptions: list[Subscription] = field(default_factory=list)


class ParseError(ValueError):
    """A document could not be read; ``str(err)`` is a one-line reason."""


def iso_published(value: datetime | date | None) -> str | None:
    """ISO-8601 text for a published value: a date stays a date, a datetime is UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return value.isoformat()
