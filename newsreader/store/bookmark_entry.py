"""One bookmark as ``bookmarks.toml`` holds it: the record, how a table of the
file becomes one (or is skipped with a reason), and its identity across devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from newsreader.config.key_spelling import type_name
from newsreader.core.models import Article
from newsreader.core.sanitize import clean, clean_line
from newsreader.core.urls import check_url, normalize_url

__all__ = [
    "Bookmark",
    "Skipped",
    "bookmark_from_table",
    "clean_in_place",
    "clean_tags",
    "now_utc",
    "published_text",
    "sync_key",
]

#: A bookmark keeps at most this much of the article's text.
SUMMARY_CHARS = 300

_KNOWN = ("title", "source", "url", "saved_at", "published", "tags", "note", "article_key", "summary")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = clean_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,.;:") + "…"


def published_text(article: Article) -> str | None:
    """The article's published time, written no more precisely than it is known."""
    value = article.published
    if value is None:
        return None
    if not isinstance(value, datetime):
        return value.isoformat()
    value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if article.precision == "exact":
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if article.precision == "minute":
        return value.strftime("%Y-%m-%dT%H:%MZ")
    if article.precision == "hour":
        return value.strftime("%Y-%m-%dT%HZ")
    return value.date().isoformat()


@dataclass(slots=True)
class Bookmark:
    """One kept story. ``extra`` holds keys of the user's own, written back as they were."""

    title: str
    source: str | None = None
    url: str | None = None
    saved_at: datetime = field(default_factory=now_utc)
    published: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    article_key: str | None = None
    summary: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_article(
        cls,
        article: Article,
        *,
        article_key: str | None = None,
        saved_at: datetime | None = None,
        tags=(),
        note: str = "",
    ) -> Bookmark:
        """A bookmark for ``article``; a URL that fails :func:`check_url` is left out."""
        url = article.url.strip() if article.url else None
        if url and check_url(url):
            url = None
        summary = article.summary or article.body
        return cls(
            title=clean_line(article.title) or (url or "untitled"),
            source=clean_line(article.source) or None,
            url=url,
            saved_at=(saved_at or now_utc()).astimezone(UTC).replace(microsecond=0),
            published=published_text(article),
            tags=clean_tags(tags),
            note=clean(note).strip(),
            article_key=article_key,
            summary=_shorten(summary) if summary else None,
        )

    def matches(self, key_or_url: str) -> bool:
        """True when ``key_or_url`` is this bookmark's article key or (normalised) URL."""
        if self.article_key is not None and key_or_url == self.article_key:
            return True
        return self.url is not None and normalize_url(key_or_url) == normalize_url(self.url)

    def same_story(self, other: Bookmark) -> bool:
        if self.article_key and other.article_key and self.article_key == other.article_key:
            return True
        return bool(self.url and other.url and normalize_url(self.url) == normalize_url(other.url))

    def to_sync(self) -> dict[str, Any]:
        """What sync sends of a kept bookmark (``kept`` is True)."""
        return {
            "kept": True,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "saved_at": self.saved_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "published": self.published,
            "tags": list(self.tags),
            "note": self.note,
            "summary": self.summary,
        }

    def to_toml(self) -> dict[str, Any]:
        table: dict[str, Any] = {"title": self.title}
        if self.source:
            table["source"] = self.source
        if self.url:
            table["url"] = self.url
        table["saved_at"] = self.saved_at
        if self.published:
            table["published"] = self.published
        table["tags"] = list(self.tags)
        table["note"] = self.note
        if self.article_key:
            table["article_key"] = self.article_key
        if self.summary:
            table["summary"] = self.summary
        for key, value in self.extra.items():
            table.setdefault(key, value)
        return table


def sync_key(bookmark: Bookmark) -> str | None:
    """The bookmark's identity across devices: its article key (URL-based), else its URL."""
    return bookmark.article_key or (normalize_url(bookmark.url) if bookmark.url else None)


def clean_tags(tags) -> list[str]:
    return [t for t in dict.fromkeys(clean_line(t) for t in tags) if t]


def clean_in_place(bookmark: Bookmark) -> None:
    """Strip what a caller may have left in a bookmark built by hand: controls,
    a naive or sub-second ``saved_at``, an overlong summary."""
    bookmark.title = clean_line(bookmark.title) or (bookmark.url or "untitled")
    bookmark.source = clean_line(bookmark.source) or None
    bookmark.published = clean_line(bookmark.published) or None
    bookmark.tags = clean_tags(bookmark.tags)
    bookmark.note = clean(bookmark.note).strip()
    bookmark.summary = _shorten(bookmark.summary) if bookmark.summary else None
    saved = bookmark.saved_at
    saved = saved.astimezone() if saved.tzinfo is None else saved
    bookmark.saved_at = saved.astimezone(UTC).replace(microsecond=0)


class Skipped(Exception):
    pass


def _string(entry: dict, key: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise Skipped(f"{key}: missing")
        return None
    if not isinstance(value, str):
        raise Skipped(f"{key}: expected a string, got {type_name(value)}")
    return value


def _saved_at(value: Any, fallback: datetime) -> datetime:
    if value is None:
        return fallback
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise Skipped("saved_at: not a date and time") from None
    if isinstance(value, datetime):
        # A TOML local datetime (no offset) is the user's local time.
        value = value.astimezone() if value.tzinfo is None else value
        return value.astimezone(UTC).replace(microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise Skipped(f"saved_at: expected a date and time, got {type_name(value)}")


def bookmark_from_table(entry: Any, fallback_time: datetime) -> Bookmark:
    if not isinstance(entry, dict):
        raise Skipped(f"expected a table, got {type_name(entry)}")
    url = _string(entry, "url")
    if url is not None:
        url = url.strip() or None
    if url is not None:
        reason = check_url(url)
        if reason:
            raise Skipped(f"url: refused: {reason}")
    title = _string(entry, "title")
    if title is None or not clean_line(title):
        if url is None:
            raise Skipped("title: missing")
        title = url
    published = entry.get("published")
    if isinstance(published, (datetime, date)):
        published = published.isoformat()
    elif published is not None and not isinstance(published, str):
        raise Skipped(f"published: expected a string, got {type_name(published)}")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise Skipped("tags: expected a list of strings")
    note = _string(entry, "note") or ""
    summary = _string(entry, "summary")
    return Bookmark(
        title=clean_line(title),
        source=clean_line(_string(entry, "source")) or None,
        url=url,
        saved_at=_saved_at(entry.get("saved_at"), fallback_time),
        published=clean_line(published) or None,
        tags=clean_tags(tags),
        note=clean(note).strip(),
        article_key=_string(entry, "article_key") or None,
        summary=_shorten(summary) if summary else None,
        extra={k: v for k, v in entry.items() if k not in _KNOWN},
    )
