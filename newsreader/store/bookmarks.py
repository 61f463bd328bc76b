"""``bookmarks.toml``: the stories the user keeps, in a file they can edit.

It lives in the user *data* dir (``Paths.bookmarks_file``) because it must
survive a cache wipe, so each bookmark carries enough to be shown and opened
without the cache: title, source, URL, when it was saved and published, tags,
a note, a short summary, and ``article_key`` (the cache's identity for the
article, opaque here).

```toml
[[bookmark]]
title = "New Zealand looking at new ways to grow security ties with Japan"
source = "Japan Times"
url = "https://example.org/news/nz-japan"     # absent for a page dump without a URL
saved_at = 2026-11-26T18:00:00Z
published = "2026-11-25"                      # as precise as the source allowed
tags = ["defence"]
note = ""
article_key = "..."                           # opaque to this module
summary = "Driven by the deteriorating ..."   # at most ~300 characters
```

Safety rules (SECURITY.md, trap 10): a file that does not parse makes the store
read-only (``store.error`` is ``path:line:col: reason`` and every change
raises :class:`BookmarksReadOnly`), so the file is never replaced. Entries
with a wrong type or a refused URL are skipped with a warning but written
back unchanged on the next save, and keys this module does not know are
kept too: a save never drops what the user wrote. Comments are not kept
(the writer is tomli-w); the previous version is always in ``.bak``.
If the file changed on disk since it was read (the user edited it, or
another newsreader saved), it is read again before any change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from newsreader.core.models import Article
from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean, clean_line
from newsreader.core.tomlfile import TomlFileBroken, load_toml, save_toml
from newsreader.core.urls import check_url, normalize_url
from newsreader.store.outbox import record_change

__all__ = ["Bookmark", "BookmarkStore", "BookmarksError", "BookmarksReadOnly", "published_text", "sync_key"]

#: A bookmark keeps at most this much of the article's text.
SUMMARY_CHARS = 300

FILE_HEADER = (
    "# newsreader bookmarks: one [[bookmark]] table each. You may edit this file.\n"
    "# newsreader rewrites it when you bookmark something (comments are not kept;\n"
    "# the previous version is kept as bookmarks.toml.bak).\n\n"
)

_KNOWN = ("title", "source", "url", "saved_at", "published", "tags", "note", "article_key", "summary")


class BookmarksError(Exception):
    """A bookmark change could not be made; ``str(err)`` is one line."""


class BookmarksReadOnly(BookmarksError):
    """The bookmarks file did not parse, so nothing may be saved over it."""


def _now() -> datetime:
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
    saved_at: datetime = field(default_factory=_now)
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
            saved_at=(saved_at or _now()).astimezone(UTC).replace(microsecond=0),
            published=published_text(article),
            tags=_clean_tags(tags),
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


def _clean_tags(tags) -> list[str]:
    return [t for t in dict.fromkeys(clean_line(t) for t in tags) if t]


def _clean_in_place(bookmark: Bookmark) -> None:
    """Strip what a caller may have left in a bookmark built by hand: controls,
    a naive or sub-second ``saved_at``, an overlong summary."""
    bookmark.title = clean_line(bookmark.title) or (bookmark.url or "untitled")
    bookmark.source = clean_line(bookmark.source) or None
    bookmark.published = clean_line(bookmark.published) or None
    bookmark.tags = _clean_tags(bookmark.tags)
    bookmark.note = clean(bookmark.note).strip()
    bookmark.summary = _shorten(bookmark.summary) if bookmark.summary else None
    saved = bookmark.saved_at
    saved = saved.astimezone() if saved.tzinfo is None else saved
    bookmark.saved_at = saved.astimezone(UTC).replace(microsecond=0)


class _Skipped(Exception):
    pass


def _type_name(value: object) -> str:
    return {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}.get(
        type(value), type(value).__name__
    )


def _string(entry: dict, key: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise _Skipped(f"{key}: missing")
        return None
    if not isinstance(value, str):
        raise _Skipped(f"{key}: expected a string, got {_type_name(value)}")
    return value


def _saved_at(value: Any, fallback: datetime) -> datetime:
    if value is None:
        return fallback
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise _Skipped("saved_at: not a date and time") from None
    if isinstance(value, datetime):
        # A TOML local datetime (no offset) is the user's local time.
        value = value.astimezone() if value.tzinfo is None else value
        return value.astimezone(UTC).replace(microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise _Skipped(f"saved_at: expected a date and time, got {_type_name(value)}")


def _bookmark_from_table(entry: Any, fallback_time: datetime) -> Bookmark:
    if not isinstance(entry, dict):
        raise _Skipped(f"expected a table, got {_type_name(entry)}")
    url = _string(entry, "url")
    if url is not None:
        url = url.strip() or None
    if url is not None:
        reason = check_url(url)
        if reason:
            raise _Skipped(f"url: refused: {reason}")
    title = _string(entry, "title")
    if title is None or not clean_line(title):
        if url is None:
            raise _Skipped("title: missing")
        title = url
    published = entry.get("published")
    if isinstance(published, (datetime, date)):
        published = published.isoformat()
    elif published is not None and not isinstance(published, str):
        raise _Skipped(f"published: expected a string, got {_type_name(published)}")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _Skipped("tags: expected a list of strings")
    note = _string(entry, "note") or ""
    summary = _string(entry, "summary")
    return Bookmark(
        title=clean_line(title),
        source=clean_line(_string(entry, "source")) or None,
        url=url,
        saved_at=_saved_at(entry.get("saved_at"), fallback_time),
        published=clean_line(published) or None,
        tags=_clean_tags(tags),
        note=clean(note).strip(),
        article_key=_string(entry, "article_key") or None,
        summary=_shorten(summary) if summary else None,
        extra={k: v for k, v in entry.items() if k not in _KNOWN},
    )


@dataclass(slots=True)
class _Kept:
    """An entry that could not be read: written back exactly as it was."""

    table: Any


class BookmarkStore:
    """The bookmarks file, loaded into memory; every change is saved at once.

    Call :meth:`load` first. ``error`` / ``read_only`` / ``warnings`` say what
    loading found. Methods that take ``key_or_url`` accept an article key, a
    URL (compared normalised) or a :class:`Bookmark` from :meth:`all`.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.error: str | None = None
        self.read_only = False
        self.warnings: list[str] = []
        self._entries: list[Bookmark | _Kept] = []
        self._other: dict[str, Any] = {}
        self._stamp: tuple[int, int] | None = None
        # article key / normalised URL -> first bookmark with it, so that
        # "is this headline bookmarked?" costs a dict lookup per row.
        self._by_key: dict[str, Bookmark] = {}
        self._by_url: dict[str, Bookmark] = {}
        self._ids: set[int] = set()  # id() of every bookmark held, for find(bookmark)

    @classmethod
    def for_paths(cls, paths: Paths | None = None) -> BookmarkStore:
        return cls((paths or Paths.default()).bookmarks_file)

    # -- reading -----------------------------------------------------------

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def load(self) -> BookmarkStore:
        """(Re)read the file. Never raises."""
        self.error, self.read_only, self.warnings = None, False, []
        self._entries, self._other = [], {}
        self._by_key, self._by_url, self._ids = {}, {}, set()
        self._stamp = self._file_stamp()
        result = load_toml(self.path)
        if not result.ok:
            self.error, self.read_only = result.error, True
            return self
        data = dict(result.data)
        raw_entries = data.pop("bookmark", [])
        self._other = data
        if not isinstance(raw_entries, list):
            self.error = f"{self.path}: bookmark: expected [[bookmark]] tables, got {_type_name(raw_entries)}"
            self.read_only = True
            return self
        fallback = datetime.fromtimestamp(self._stamp[0] / 1e9, UTC).replace(microsecond=0) if self._stamp else _now()
        for number, entry in enumerate(raw_entries, start=1):
            try:
                bookmark = _bookmark_from_table(entry, fallback)
            except _Skipped as why:
                self.warnings.append(f"{self.path}: bookmark[{number}]: skipped: {why}")
                self._entries.append(_Kept(entry))
                continue
            if self.find(bookmark) is not None:
                self.warnings.append(f"{self.path}: bookmark[{number}]: same story as an earlier bookmark")
            self._entries.append(bookmark)
            self._index(bookmark)
        return self

    def reload_if_changed(self) -> bool:
        """Re-read the file when something else (a sync, another process) changed it since
        it was read or written here; True when it did."""
        if self._file_stamp() == self._stamp:
            return False
        self.load()
        return True

    def all(self) -> list[Bookmark]:
        """The bookmarks in file order (oldest saved first, unless the user reordered them)."""
        return [e for e in self._entries if isinstance(e, Bookmark)]

    def __len__(self) -> int:
        return len(self.all())

    def __contains__(self, key_or_url: object) -> bool:
        return isinstance(key_or_url, (str, Bookmark)) and self.find(key_or_url) is not None

    def _index(self, bookmark: Bookmark) -> None:
        self._ids.add(id(bookmark))
        if bookmark.article_key:
            self._by_key.setdefault(bookmark.article_key, bookmark)
        if bookmark.url:
            self._by_url.setdefault(normalize_url(bookmark.url), bookmark)

    def _reindex(self) -> None:
        self._by_key, self._by_url, self._ids = {}, {}, set()
        for bookmark in self.all():
            self._index(bookmark)

    def find(self, key_or_url: str | Bookmark) -> Bookmark | None:
        """The first bookmark with this article key or URL, or None."""
        if isinstance(key_or_url, Bookmark):
            if id(key_or_url) in self._ids:
                return key_or_url
            found = self._by_key.get(key_or_url.article_key) if key_or_url.article_key else None
            if found is None and key_or_url.url:
                found = self._by_url.get(normalize_url(key_or_url.url))
            return found
        if not key_or_url:
            return None
        return self._by_key.get(key_or_url) or self._by_url.get(normalize_url(key_or_url))

    # -- changing ----------------------------------------------------------

    def _check_writable(self) -> None:
        if self._file_stamp() != self._stamp:
            self.load()  # edited behind our back: start from what is on disk
        if self.read_only:
            raise BookmarksReadOnly(f"bookmarks are read-only until the file is fixed: {self.error}")

    def _commit(self, before: list[Bookmark | _Kept]) -> None:
        try:
            self._save(before)
        finally:
            self._reindex()

    def _save(self, before: list[Bookmark | _Kept]) -> None:
        data: dict[str, Any] = dict(self._other)
        entries = [e.table if isinstance(e, _Kept) else e.to_toml() for e in self._entries]
        if entries:
            data["bookmark"] = entries
        # The file is the one we parsed when it is unchanged since (same
        # mtime and size): then save_toml need not parse it again first.
        unchanged = self._stamp is not None and self._file_stamp() == self._stamp
        try:
            save_toml(self.path, data, header=FILE_HEADER, overwrite_broken=unchanged)
        except TomlFileBroken as exc:
            self._entries = before
            self.load()
            raise BookmarksReadOnly(str(exc)) from None
        except (OSError, TypeError, ValueError) as exc:
            self._entries = before
            raise BookmarksError(f"{self.path}: cannot save bookmarks: {exc}") from None
        self._stamp = self._file_stamp()

    def _record(self, bookmark: Bookmark, kept: bool) -> None:
        """Tell sync (the outbox in ``state.sqlite3`` beside this file)."""
        key = sync_key(bookmark)
        if key is not None:
            value = bookmark.to_sync() if kept else {"kept": False}
            record_change(self.path.with_name("state.sqlite3"), "bookmark", key, value)

    def add(self, bookmark: Bookmark, *, record: bool = True) -> Bookmark:
        """Save ``bookmark``; if the story is already kept, return that one unchanged.

        ``record=False`` (also for remove and update): the change came from
        sync and is not sent back."""
        self._check_writable()
        existing = self.find(bookmark)
        if existing is not None:
            return existing
        if bookmark.url and check_url(bookmark.url):
            raise BookmarksError(f"refused: {check_url(bookmark.url)}")
        _clean_in_place(bookmark)
        before = list(self._entries)
        self._entries.append(bookmark)
        self._commit(before)
        if record:
            self._record(bookmark, True)
        return bookmark

    def remove(self, key_or_url: str | Bookmark, *, record: bool = True) -> bool:
        """Remove the bookmark; False when there was none."""
        self._check_writable()
        target = self.find(key_or_url)
        if target is None:
            return False
        before = list(self._entries)
        self._entries = [e for e in self._entries if e is not target]
        self._commit(before)
        if record:
            self._record(target, False)
        return True

    def toggle(self, bookmark: Bookmark) -> bool:
        """Add ``bookmark`` or remove the one for the same story; True when it is now kept."""
        self._check_writable()
        if self.find(bookmark) is not None:
            self.remove(bookmark)
            return False
        self.add(bookmark)
        return True

    def update(
        self, key_or_url: str | Bookmark, *, note: str | None = None, tags=None, record: bool = True
    ) -> Bookmark:
        """Change the note and/or tags of a kept bookmark; KeyError when there is none."""
        self._check_writable()
        target = self.find(key_or_url)
        if target is None:
            raise KeyError(key_or_url if isinstance(key_or_url, str) else key_or_url.title)
        before = list(self._entries)
        old_note, old_tags = target.note, target.tags
        if note is not None:
            target.note = clean(note).strip()
        if tags is not None:
            target.tags = _clean_tags(tags)
        try:
            self._commit(before)
        except BookmarksError:
            target.note, target.tags = old_note, old_tags
            raise
        if record:
            self._record(target, True)
        return target
