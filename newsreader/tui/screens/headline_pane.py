"""The headlines pane of the main screen: which rows a list holds, and how
they are drawn (a new search's first rows at once, the rest a frame later)."""

from __future__ import annotations

from rich.text import Text

from newsreader.store.records import HeadlineRow
from newsreader.tui import display
from newsreader.tui.first_screen import HEADLINE_PAGE
from newsreader.tui.headline_groups import Entry
from newsreader.tui.screens.source_keys import ALL, BOOKMARKS, SEARCH, UNREAD
from newsreader.tui.widgets.lists import KeyList

#: Rows a new search draws in its first frame: more than the tallest
#: terminal shows; the rest of its page follows a frame later.
FIRST_ROWS = 100


class HeadlinePane:
    """Mixed into MainScreen, which provides ``services``, ``headlines`` (the
    model), ``source_key``, ``search_query``, ``search_pending``, ``article``,
    ``shown_key``, ``rows_token``, ``now``, ``bookmark_keys`` and ``search_shown``."""

    def headline_page(self, source_key: str, offset: int, limit: int) -> list[HeadlineRow]:
        """One page of the list for ``source_key`` (runs in a worker thread)."""
        cache = self.services.cache
        if source_key == ALL:
            return cache.headlines(limit=limit, offset=offset)
        if source_key == UNREAD:
            return cache.headlines(unread_only=True, limit=limit, offset=offset)
        if source_key == BOOKMARKS:
            return cache.headlines(keys=self.bookmark_keys(), limit=limit, offset=offset)
        if source_key == SEARCH:
            return cache.search(self.search_query, limit=limit, offset=offset, bookmarked_keys=self.bookmark_keys())
        if source_key.startswith("saved:"):
            from newsreader.store.searching import search_articles

            searches = self.services.config.searches
            index = int(source_key[6:])
            if index >= len(searches):
                return []
            return search_articles(
                cache, searches[index].parsed, bookmarked_keys=self.bookmark_keys(), limit=limit, offset=offset
            )
        return cache.headlines(int(source_key.split(":", 1)[1]), limit=limit, offset=offset)

    def show_headlines(self, source_key: str, rows: list[HeadlineRow], stories: dict, offset: int = 0) -> None:
        if source_key != self.source_key:
            return  # the reader has moved on
        model = self.headlines
        listing = self.query_one("#headlines", KeyList)
        if offset == 0:
            # Search results show every story, muted or not: they were asked for.
            model.hide_muted = source_key != SEARCH
            # One outlet's own list keeps all its rows; mixed lists fold stories.
            model.fold = not source_key.startswith("src:")
            model.first_page(rows, stories, page_size=HEADLINE_PAGE)
            keep = f"a:{self.article.id}" if self.article else None
            entries = model.entries
            # A new search's results: its first rows are drawn now, the rest
            # a frame later (labels and layout of 300 rows cost ~5 ms before
            # the frame that also closes the search bar). Not for a source
            # switch: the extra pass after the frame made quick j-presses
            # through the sources slower at the tail (p95 41 -> 47 ms). The
            # same list reloaded keeps every row at once, or its highlight
            # and scroll would jump.
            first = len(entries)
            shown = f"{source_key}\x1f{self.search_query}" if source_key == SEARCH else source_key
            if source_key == SEARCH and shown != self.shown_key and len(entries) > FIRST_ROWS:
                kept = next((i for i, e in enumerate(entries) if f"a:{e.row.id}" == keep), None)
                first = FIRST_ROWS if kept is None or kept < FIRST_ROWS else len(entries)
            self.shown_key = shown
            self.rows_token += 1
            listing.show_items([(f"a:{e.row.id}", self.entry_label(e)) for e in entries[:first]], keep=keep)
            if first < len(entries):
                # After the frame that shows the first rows, not in its
                # after-refresh callbacks: those run before anything else.
                self.call_after_refresh(self.call_next, self.show_rest, self.rows_token, entries[first:])
        elif offset == len(model.raw):
            added = model.next_page(rows, stories, page_size=HEADLINE_PAGE)
            listing.append_items([(f"a:{e.row.id}", self.entry_label(e)) for e in added])
        self.loading_more = False
        self.headline_title()
        if self.search_pending and source_key == SEARCH:
            self.search_shown()

    def show_rest(self, token: int, rest: list[Entry]) -> None:
        """The rows a new list did not draw in its first frame, unless the
        list has been drawn again since."""
        if token == self.rows_token:
            self.query_one("#headlines", KeyList).append_items([(f"a:{e.row.id}", self.entry_label(e)) for e in rest])

    def redraw_headlines(self) -> None:
        """Draw the list again from the pages already read (expand, mute)."""
        self.rows_token += 1
        self.headlines.regroup()
        self.query_one("#headlines", KeyList).show_items(
            [(f"a:{e.row.id}", self.entry_label(e)) for e in self.headlines.entries]
        )
        self.headline_title()

    def headline_title(self) -> None:
        model = self.headlines
        more = "" if model.complete else "+"
        self.query_one("#headlines").border_title = f"Headlines ({len(model.entries)}{more})"

    @property
    def headline_rows(self) -> list[HeadlineRow]:
        return self.headlines.rows

    @property
    def headlines_complete(self) -> bool:
        return self.headlines.complete

    def entry_label(self, entry: Entry) -> Text:
        row = entry.row
        return display.headline_label(
            row,
            self.now,
            bookmarked=row.key in self.services.bookmarks,
            show_source=not self.source_key.startswith("src:") or entry.member,
            story=entry.story if entry.is_story else None,
            member=entry.member,
        )

    # -- pane events -----------------------------------------------------------
