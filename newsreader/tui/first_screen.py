"""What the first screen shows, read from the cache while Textual loads.

Starting the reader spends ~0.2 s importing Textual, which is Python work
holding the interpreter lock, and SQLite releases that lock while it runs a
query. So ``newsreader`` starts :class:`FirstScreen` on a thread before it
imports the app: the source counts and the first page of headlines are read
meanwhile, and the main screen draws them in its very first frame instead of
drawing empty panes and filling them from workers a frame or two later.

No Textual here (it is what this runs beside); the screen builds the labels.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsreader.store import HeadlineRow, SourceRow, StoryRow, count_articles, stories_for_headlines

if TYPE_CHECKING:
    from newsreader.tui.services import Services

#: Headlines are read from the cache a page at a time, never all at once.
HEADLINE_PAGE = 300


@dataclass(slots=True)
class SourceCounts:
    """The source list's rows and counts."""

    rows: list[SourceRow]
    total: int
    unread: int
    saved: list[tuple[str, int]] = field(default_factory=list)  # (saved search name, unread matches)
    briefing: int | None = None  # stories in the Briefing (None: not counted, as on the first screen)


def source_counts(services: Services) -> SourceCounts:
    """Sources with their counts, the totals and the saved searches' unread
    counts (one pass over an index each; no article row is read)."""
    cache = services.cache
    rows = cache.sources()
    # Every article belongs to exactly one source, and every source that has
    # articles is listed: the totals are the sums, no second pass needed.
    total = sum(r.total for r in rows)
    unread = sum(r.unread for r in rows)
    keys = [b.article_key for b in services.bookmarks.all() if b.article_key]
    saved = [
        (s.name, count_articles(cache, s.parsed.with_filter(read=False), bookmarked_keys=keys))
        for s in services.config.searches
    ]
    return SourceCounts(rows, total, unread, saved)


@dataclass(slots=True)
class FirstScreenData:
    sources: SourceCounts
    headlines: list[HeadlineRow]
    stories: dict[int, StoryRow]


class FirstScreen:
    """Reads the first screen's rows on a thread; :meth:`take` waits for them."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._data: FirstScreenData | None = None
        self._thread = threading.Thread(target=self._read, name="first-screen", daemon=True)

    def start(self) -> FirstScreen:
        self._thread.start()
        return self

    def _read(self) -> None:
        cache = self.services.cache
        try:
            counts = source_counts(self.services)
            rows = cache.headlines(limit=HEADLINE_PAGE)
            stories = stories_for_headlines(cache, [r.id for r in rows])
            self._data = FirstScreenData(counts, rows, stories)
        except Exception:  # noqa: BLE001 - the screen then loads them the usual way
            self._data = None
        finally:
            cache.close_thread_connection()

    def take(self, timeout: float = 1.0) -> FirstScreenData | None:
        """The rows, or None if they are not there within ``timeout`` (or failed):
        the screen then loads them with its workers. Once only."""
        self._thread.join(timeout)
        data, self._data = self._data, None
        return None if self._thread.is_alive() else data
