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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsreader.config.key_spelling import type_name
from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean
from newsreader.core.tomlfile import TomlFileBroken, load_toml, save_toml
from newsreader.core.urls import check_url, normalize_url
from newsreader.store.bookmark_entry import (
    Bookmark,
    Skipped,
    bookmark_from_table,
    clean_in_place,
    clean_tags,
    now_utc,
    published_text,
    sync_key,
)
from newsreader.store.outbox import record_change

__all__ = ["Bookmark", "BookmarkStore", "BookmarksError", "BookmarksReadOnly", "published_text", "sync_key"]

FILE_HEADER = (
    "# newsreader bookmarks: one [[bookmark]] table each. You may edit this file.\n"
    "# newsreader rewrites it when you bookmark something (comments are not kept;\n"
    "# the previous version is kept as bookmarks.toml.bak).\n\n"
)


class BookmarksError(Exception):
    """A bookmark change could not be made; ``str(err)`` is one line."""


class BookmarksReadOnly(BookmarksError):
    """The bookmarks file did not parse, so nothing may be saved over it."""


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
            self.error = f"{self.path}: bookmark: expected [[bookmark]] tables, got {type_name(raw_entries)}"
            self.read_only = True
            return self
        fallback = (
            datetime.fromtimestamp(self._stamp[0] / 1e9, UTC).replace(microsecond=0) if self._stamp else now_utc()
        )
        for number, entry in enumerate(raw_entries, start=1):
            try:
                bookmark = bookmark_from_table(entry, fallback)
            except Skipped as why:
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
        clean_in_place(bookmark)
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
            target.tags = clean_tags(tags)
        try:
            self._commit(before)
        except BookmarksError:
            target.note, target.tags = old_note, old_tags
            raise
        if record:
            self._record(target, True)
        return target
