"""The source list of the main screen: sources with their counts, the
special lists and the saved searches.

Counting is one pass over an index (``first_screen.source_counts``), done in
a worker that also builds the 1,200 labels, so the event loop only swaps
the labels that changed (``KeyList.show_items``). Opening an unread article
does not recount: its source's count and the Unread count drop at once,
and the saved searches are recounted once the reader pauses.
"""

from __future__ import annotations

from rich.text import Text
from textual import work

from newsreader.store.records import ArticleRow
from newsreader.tui import display
from newsreader.tui.first_screen import SourceCounts, source_counts
from newsreader.tui.screens.source_keys import ALL, BOOKMARKS, SEARCH, UNREAD
from newsreader.tui.widgets.lists import KeyList

#: Seconds after the last article opened before the source counts are
#: recounted in full (saved searches); the opened article's own source and
#: the Unread count change at once.
RECOUNT_AFTER = 1.0


class SourceList:
    """Mixed into the main screen; uses its ``services``, ``source_key``,
    ``search_query``, ``counts`` and ``_recount``."""

    @work(thread=True, exclusive=True, group="sources")
    def load_sources(self) -> None:
        # The labels are built here too: 1,200 of them are not the event loop's work.
        counts = source_counts(self.services)
        self.app.call_from_thread(self.show_sources, self.source_items(counts), counts)

    @work(thread=True, group="sources")
    def relabel_sources(self) -> None:
        """The source list again from the counts it has (a search row came or went)."""
        counts = self.counts
        if counts is None:
            self.app.call_from_thread(self.load_sources)
            return
        self.app.call_from_thread(self.show_sources, self.source_items(counts))

    def show_search_row(self) -> None:
        """The search's row under the saved searches, highlighted: one row
        put in or relabelled, not 1,200 built again."""
        listing = self.query_one("#sources", KeyList)
        label = display.special_label("Search: " + display.safe(self.search_query)[:30], None)
        index = 3 + len(self.counts.saved) if self.counts is not None else None
        if listing.option_count and any(o.id == SEARCH for o in listing.options[: index or 0]):
            listing.replace_label(SEARCH, label)
        elif index is None or not listing.insert_item(index, SEARCH, label):
            self.relabel_sources()
            return
        listing.highlight_id(SEARCH)

    def count_as_read(self, row: ArticleRow) -> None:
        """An unread article was opened: its source's count and the Unread
        count drop at once (two labels, no query); the saved searches' counts
        follow in one full recount once the reader pauses."""
        from dataclasses import replace

        counts = self.counts
        if counts is None:
            self.load_sources()
            return
        rows = [replace(r, unread=r.unread - 1) if r.id == row.source_id and r.unread else r for r in counts.rows]
        self.counts = counts = SourceCounts(rows, counts.total, max(0, counts.unread - 1), counts.saved)
        listing = self.query_one("#sources", KeyList)
        listing.replace_label(UNREAD, display.special_label("Unread", counts.unread))
        source = next((r for r in rows if r.id == row.source_id), None)
        if source is not None:
            listing.replace_label(f"src:{source.id}", display.source_label(source))
        if counts.saved:
            if self._recount is not None:
                self._recount.stop()
            self._recount = self.set_timer(RECOUNT_AFTER, self.load_sources)

    def source_items(self, counts: SourceCounts) -> list[tuple[str, Text]]:
        """The source list's rows: the special lists, saved searches, the sources."""
        items: list[tuple[str, Text]] = [
            (ALL, display.special_label("All", counts.total)),
            (UNREAD, display.special_label("Unread", counts.unread)),
            (BOOKMARKS, display.special_label("Bookmarks", len(self.services.bookmarks))),
        ]
        for index, (name, count) in enumerate(counts.saved):
            items.append((f"saved:{index}", display.special_label("⌕ " + display.safe(name), count)))
        if self.search_query:
            items.append((SEARCH, display.special_label("Search: " + display.safe(self.search_query)[:30], None)))
        items.extend((f"src:{row.id}", display.source_label(row)) for row in counts.rows)
        return items

    def show_sources(self, items: list[tuple[str, Text]], counts: SourceCounts | None = None) -> None:
        if counts is not None:
            self.counts = counts
        self.query_one("#sources", KeyList).show_items(items, keep=self.source_key)
