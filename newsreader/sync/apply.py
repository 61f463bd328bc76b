"""Apply changes that won the merge to this device, without sending them back."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newsreader.config.settings import add_feeds, load_config, remove_feed
from newsreader.core.models import Subscription
from newsreader.core.paths import Paths
from newsreader.core.urls import normalize_url
from newsreader.store import (
    Bookmark,
    BookmarksError,
    BookmarkStore,
    Cache,
    Change,
    apply_read,
    apply_story_flags,
)
from newsreader.store import remove_feed as forget_feed

Thing = tuple[str, str]


@dataclass(slots=True)
class Applied:
    """What a sync changed here, and one line per change it could not make."""

    read: int = 0
    bookmarks: int = 0
    feeds: int = 0
    stories: int = 0
    problems: list[str] = field(default_factory=list)

    def total(self) -> int:
        return self.read + self.bookmarks + self.feeds + self.stories

    def merge(self, other: Applied) -> None:
        self.read += other.read
        self.bookmarks += other.bookmarks
        self.feeds += other.feeds
        self.stories += other.stories
        self.problems.extend(other.problems)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _bookmark(key: str, value: dict[str, Any]) -> Bookmark:
    saved = _text(value.get("saved_at"))
    try:
        saved_at = datetime.fromisoformat(saved.replace("Z", "+00:00")) if saved else datetime.now(UTC)
    except ValueError:
        saved_at = datetime.now(UTC)
    tags = value.get("tags")
    return Bookmark(
        title=_text(value.get("title")) or _text(value.get("url")) or "untitled",
        source=_text(value.get("source")),
        url=_text(value.get("url")),
        saved_at=saved_at,
        published=_text(value.get("published")),
        tags=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        note=_text(value.get("note")) or "",
        article_key=None if key.startswith(("http://", "https://")) else key,
        summary=_text(value.get("summary")),
    )


def apply_bookmark(store: BookmarkStore, key: str, value: dict[str, Any]) -> bool:
    """Keep, change or drop one bookmark as ``value`` says; True when something changed."""
    found = store.find(key) or (store.find(value["url"]) if _text(value.get("url")) else None)
    if not value.get("kept"):
        return found is not None and store.remove(found, record=False)
    if found is None:
        store.add(_bookmark(key, value), record=False)
        return True
    note = _text(value.get("note")) or ""
    tags = value.get("tags")
    tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else found.tags
    if found.note == note and found.tags == tags:
        return False
    store.update(found, note=note, tags=tags, record=False)
    return True


def apply_feeds(paths: Paths, cache: Cache, changes: Iterable[Change]) -> tuple[int, list[str]]:
    """Subscribe or unsubscribe as the changes say (config.toml, and the cache for removals)."""
    subscribed = {normalize_url(f.url) for f in load_config(paths).feeds}
    wanted: list[Subscription] = []
    count, problems = 0, []
    for change in changes:
        url = _text(change.value.get("url"))
        if url is None:
            continue
        if change.value.get("subscribed") and change.key not in subscribed:
            tags = change.value.get("tags")
            tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
            wanted.append(Subscription(url=url, title=_text(change.value.get("title")), tags=tags))
        elif not change.value.get("subscribed") and change.key in subscribed:
            problem = remove_feed(paths, url)
            if problem:
                problems.append(problem)
                continue
            forget_feed(cache, url, record=False)
            count += 1
    if wanted:
        added, refused = add_feeds(paths, wanted)
        count += len(added)
        problems.extend(p for p in refused if not p.startswith("already subscribed"))
    return count, problems


def apply_changes(paths: Paths, cache: Cache, changes: Iterable[Change], pending: Collection[Thing] = ()) -> Applied:
    """Make ``changes`` true here, except for things with a local change still waiting to go out."""
    done = Applied()
    by_kind: dict[str, list[Change]] = {}
    for change in changes:
        if (change.kind, change.key) not in pending:
            by_kind.setdefault(change.kind, []).append(change)
    reads = {c.key: bool(c.value.get("read")) for c in by_kind.get("read", [])}
    done.read = apply_read(cache, reads)
    flags = {c.key: (bool(c.value.get("muted")), bool(c.value.get("followed"))) for c in by_kind.get("story", [])}
    done.stories = apply_story_flags(cache, flags) if flags else 0
    if by_kind.get("feed"):
        done.feeds, problems = apply_feeds(paths, cache, by_kind["feed"])
        done.problems.extend(problems)
    if by_kind.get("bookmark"):
        store = BookmarkStore(paths.bookmarks_file).load()
        for change in by_kind["bookmark"]:
            try:
                done.bookmarks += apply_bookmark(store, change.key, change.value)
            except BookmarksError as exc:
                done.problems.append(str(exc))
                break
    return done
