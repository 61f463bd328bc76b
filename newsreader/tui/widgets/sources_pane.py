"""The source list: the Briefing, All, Unread, Bookmarks, the saved
searches, the current search and every source, each with its count.

The labels of a full list (1,200 sources) are built by the worker that
counts (:func:`source_items`); the pane swaps only the labels that changed.
Opening an unread article does not recount: the pane lowers its source's
count and the Unread count at once (:meth:`SourcesPane.count_as_read`).
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.reactive import var
from textual.widgets import OptionList

from newsreader.store import ArticleRow
from newsreader.tui import display
from newsreader.tui.first_screen import SourceCounts
from newsreader.tui.keys import ALL, BOOKMARKS, BRIEFING, SEARCH, UNREAD, ListKey
from newsreader.tui.messages import SourceChosen
from newsreader.tui.widgets.lists import KeyList


def search_label(query: str) -> Text:
    return display.special_label("Search: " + display.safe(query)[:30], None)


def source_items(counts: SourceCounts, bookmarks: int, search_query: str) -> list[tuple[ListKey, Text]]:
    """The source list's rows: the special lists, saved searches, the search, the sources."""
    items: list[tuple[ListKey, Text]] = [
        (BRIEFING, display.special_label("Briefing", counts.briefing)),
        (ALL, display.special_label("All", counts.total)),
        (UNREAD, display.special_label("Unread", counts.unread)),
        (BOOKMARKS, display.special_label("Bookmarks", bookmarks)),
    ]
    for index, (name, count) in enumerate(counts.saved):
        items.append((ListKey.saved(index), display.special_label("⌕ " + display.safe(name), count)))
    if search_query:
        items.append((SEARCH, search_label(search_query)))
    items.extend((ListKey.source(row.id), display.source_label(row)) for row in counts.rows)
    return items


class SourcesPane(KeyList[ListKey]):
    """Posts :class:`SourceChosen` when the cursor moves to another list."""

    #: The list the reader is on (bound from the screen): it keeps the highlight.
    list_key: var[ListKey] = var(ALL)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: SourceCounts | None = None

    def show_listing(self, counts: SourceCounts, items: list[tuple[ListKey, Text]]) -> None:
        self.counts = counts
        self.show_items(items, keep=self.list_key)

    def watch_list_key(self, key: ListKey) -> None:
        if self.highlighted_key != key:
            self.highlight_key(key)

    def show_search_row(self, query: str) -> bool:
        """The search's row under the saved searches, highlighted: one row put
        in or relabelled, not the list built again. False when it could not be."""
        if self.counts is None:
            return False
        index = self.keys.index(BOOKMARKS) + 1 + len(self.counts.saved)
        if SEARCH in self.keys[: index + 1]:
            self.replace_label(SEARCH, search_label(query))
        elif not self.insert_item(index, SEARCH, search_label(query)):
            return False
        self.highlight_key(SEARCH)
        return True

    def count_as_read(self, row: ArticleRow) -> bool:
        """An unread article was opened: its source's count and the Unread
        count drop at once (two labels, no query). True when the saved
        searches' counts need a full recount."""
        counts = self.counts
        if counts is None:
            return True
        rows = [replace(r, unread=r.unread - 1) if r.id == row.source_id and r.unread else r for r in counts.rows]
        self.counts = counts = SourceCounts(
            rows, counts.total, max(0, counts.unread - 1), counts.saved, counts.briefing
        )
        self.replace_label(UNREAD, display.special_label("Unread", counts.unread))
        source = next((r for r in rows if r.id == row.source_id), None)
        if source is not None:
            self.replace_label(ListKey.source(source.id), display.source_label(source))
        return bool(counts.saved)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        key = self.key_of(event.option)
        if key is not None:
            self.post_message(SourceChosen(key))

    def chosen_message(self, key: ListKey) -> SourceChosen:
        return SourceChosen(key, selected=True)
