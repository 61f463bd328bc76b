"""What the app needs from the outside world, handed to it in one object.

The CLI builds it from the user's paths; tests build it on a temp folder with
a fixed clock and a fake browser. The app never opens files itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import get_args

from newsreader.config.settings import Config, load_config
from newsreader.core.models import Article, Precision
from newsreader.core.paths import Paths
from newsreader.core.timefmt import parse_stored
from newsreader.core.urls import check_url
from newsreader.store import ArticleRow, Bookmark, BookmarkStore, Cache, open_cache_safely


def _utc_now() -> datetime:
    return datetime.now(UTC)


def open_in_browser(url: str) -> str | None:
    """Open ``url`` in the user's browser; None on success, else a one-line reason.

    The URL is checked first (http/https only, no leading ``-``, not overlong)
    and handed to :mod:`webbrowser` as one argument: no shell ever sees it.
    """
    reason = check_url(url)
    if reason:
        return f"refused to open: {reason}"
    import webbrowser  # not a start-up import: it looks for browsers when loaded

    try:
        opened = webbrowser.open(url, new=2)
    except Exception as exc:  # noqa: BLE001 - a broken browser setup is a message, not a crash
        return f"could not open a browser: {type(exc).__name__}"
    return None if opened else "no browser available to open the link"


@dataclass
class Services:
    paths: Paths
    cache: Cache
    bookmarks: BookmarkStore
    config: Config
    clock: Callable[[], datetime] = _utc_now
    open_url: Callable[[str], str | None] = open_in_browser
    startup_messages: list[str] = field(default_factory=list)
    #: False when the cache was too big to check at start: the app checks it
    #: in the background.
    cache_checked: bool = True

    def __post_init__(self) -> None:
        self.use_config(self.config)

    def use_config(self, config: Config) -> None:
        """``config.toml`` as read again: its rules apply to what the app stores."""
        self.config = config
        self.cache.rules = config.rules
        self.cache.keep_revisions = config.ui.keep_revisions

    @classmethod
    def for_paths(cls, paths: Paths, **overrides) -> Services:
        config = load_config(paths)
        bookmarks = BookmarkStore(paths.bookmarks_file).load()
        opened = open_cache_safely(paths.cache_db, paths.state_db)
        cache, messages = opened.cache, opened.messages
        messages.extend(m for m in (config.error, bookmarks.error) if m)
        messages.extend(config.warnings)
        messages.extend(bookmarks.warnings)
        overrides.setdefault("cache_checked", opened.checked)
        return cls(paths=paths, cache=cache, bookmarks=bookmarks, config=config, startup_messages=messages, **overrides)


def bookmark_for(row: ArticleRow) -> Bookmark:
    """A bookmark that can show and open the article after the cache is wiped."""
    article = Article(
        title=row.title,
        source=row.source,
        url=row.url,
        body=row.body,
        summary=row.summary,
        published=parse_stored(row.published),
        precision=next((p for p in get_args(Precision) if p == row.precision), "unknown"),
    )
    return Bookmark.from_article(article, article_key=row.key)
