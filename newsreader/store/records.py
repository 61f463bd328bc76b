"""Rows the cache hands out: plain, immutable, cheap to pass to the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.store.rules import RuleOutcome


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    name: str
    kind: str  # page | feed | sample
    total: int
    unread: int
    feed_url: str | None = None
    last_error: str | None = None
    last_success: int | None = None
    gone: bool = False


@dataclass(frozen=True, slots=True)
class HeadlineRow:
    id: int
    key: str
    title: str
    source: str
    source_id: int
    published: str | None
    precision: str
    published_text: str | None
    is_read: bool
    summary_only: bool
    url: str | None = None
    flagged: bool = False
    revised: bool = False  # a feed changed it since the reader last opened it (store/revisions.py)


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: int
    key: str
    title: str
    source: str
    source_id: int
    source_kind: str
    url: str | None
    author: str | None
    published: str | None
    precision: str
    published_text: str | None
    summary: str | None
    body: str
    summary_only: bool
    is_read: bool
    captions: list[tuple[str, str | None]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    enclosures: list[dict] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    added_at: int = 0
    full_text_url: str | None = None  # the page the body was extracted from (f / fetch-full)
    full_text_error: str | None = None  # why the last full-text attempt kept the summary
    hidden: bool = False  # by a [[rule]]
    flagged: bool = False  # by a [[rule]]
    revised: bool = False  # a feed changed it since it was last opened (store/revisions.py)

    @property
    def full_text_host(self) -> str | None:
        if not self.full_text_url:
            return None
        from urllib.parse import urlsplit

        try:
            return urlsplit(self.full_text_url).hostname or None
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class RelatedRow:
    """A story linked to another one, and why (``page``, ``same-story``, ``similar``)."""

    id: int
    title: str
    source: str
    published: str | None
    precision: str
    published_text: str | None
    reason: str
    detail: str | None
    summary_only: bool
    is_read: bool


@dataclass(slots=True)
class ImportStats:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    article_ids: list[int] = field(default_factory=list)
    #: What the cache's ``[[rule]]`` tables did to the new articles.
    rules: list[RuleOutcome] = field(default_factory=list)

    def add(self, other: ImportStats) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.article_ids.extend(other.article_ids)
        self.rules.extend(other.rules)

    @property
    def notify_ids(self) -> list[int]:
        """New articles a rule with ``notify`` matched."""
        return list(dict.fromkeys(i for o in self.rules if o.rule.notify for i in o.article_ids))
