"""The headlines pane: one list of headlines, a page at a time, a story
told by several outlets on one row.

It holds the pages read so far (a :class:`HeadlineModel`) and draws them;
the screen hands it pages (:meth:`HeadlinesPane.show_page`) and binds the
open article and the bookmarked keys down. It posts :class:`ArticleChosen`
on Enter and :class:`MoreHeadlinesWanted` when the cursor nears the end of
what is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from rich.text import Text
from textual import on
from textual.reactive import var
from textual.widgets import OptionList

from newsreader.store import ArticleRow, HeadlineRow, StoryRow
from newsreader.tui import display
from newsreader.tui.first_screen import HEADLINE_PAGE
from newsreader.tui.headline_groups import Entry, HeadlineModel
from newsreader.tui.keys import ALL, SEARCH, ListKey
from newsreader.tui.messages import ArticleChosen, HeadlinesLoaded, MoreHeadlinesWanted
from newsreader.tui.widgets.lists import KeyList

#: Rows a new search draws in its first frame: more than the tallest
#: terminal shows; the rest of its page follows a frame later.
FIRST_ROWS = 100


class HeadlinesPane(KeyList[int]):
    """Rows keyed by article id."""

    #: The open article (bound from the screen): its row is highlighted and shows its read state.
    article: var[ArticleRow | None] = var(None)
    #: Keys of the bookmarked articles (bound from the screen): their rows carry a star.
    bookmarked: var[frozenset[str]] = var(frozenset())

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.model = HeadlineModel()
        self.list_key: ListKey = ALL  # the list the rows belong to
        self.shown_key: tuple[ListKey, str] | None = None  # the list (and search) the rows were drawn for
        self.rows_token = 0  # bumped whenever the rows are drawn anew
        self.loading_more = False
        #: The labels of the rows drawn last, by what they show (see :meth:`label`).
        self.labels: dict[tuple[object, ...], Text] = {}
        self.next_labels: dict[tuple[object, ...], Text] = {}

    @property
    def entries(self) -> list[Entry]:
        return self.model.entries

    def label(self, entry: Entry, now: datetime | None = None) -> Text:
        row, now = entry.row, now or self.clock()
        story = entry.story if entry.is_story else None
        when = display.when_text(row.published, row.precision, row.published_text, now)
        bookmarked = row.key in self.bookmarked
        show_source = not self.list_key.is_source or entry.member
        # The same row drawn the same way gets the same Text: the list then
        # keeps its option, measured and wrapped already (lists.py).
        seen = (row, when, bookmarked, show_source, entry.member, story_shown(story))
        label = self.labels.get(seen)
        if label is None:
            label = display.headline_label(
                row,
                now,
                bookmarked=bookmarked,
                show_source=show_source,
                story=story,
                member=entry.member,
                when=when,
            )
        self.next_labels[seen] = label
        return label

    def items(self, entries: list[Entry]) -> list[tuple[int, Text]]:
        now = self.clock()
        return [(e.row.id, self.label(e, now)) for e in entries]

    def show_page(self, page: HeadlinesLoaded, search_query: str) -> None:
        """Draw the first page of a list, or add the next page of this one."""
        model = self.model
        if page.offset == 0:
            self.list_key = key = page.key
            # Search results show every story, muted or not: they were asked for.
            model.hide_muted = key != SEARCH
            # One outlet's own list keeps all its rows; mixed lists fold stories.
            model.fold = not key.is_source
            model.first_page(page.rows, page.stories, page_size=HEADLINE_PAGE)
            keep = self.article.id if self.article else None
            entries = model.entries
            # A new search's first rows are drawn in the frame that closes the
            # search bar, the rest a frame later. A source switch and the same
            # list reloaded draw every row at once (or the highlight would jump).
            first = len(entries)
            shown = (key, search_query if key == SEARCH else "")
            if key == SEARCH and shown != self.shown_key and len(entries) > FIRST_ROWS:
                kept = next((i for i, e in enumerate(entries) if e.row.id == keep), None)
                first = FIRST_ROWS if kept is None or kept < FIRST_ROWS else len(entries)
            self.shown_key = shown
            self.rows_token += 1
            self.next_labels = {}
            self.show_items(self.items(entries[:first]), keep=keep)
            self.labels = self.next_labels
            if first < len(entries):
                # After the frame that shows the first rows, not in its
                # after-refresh callbacks: those run before anything else.
                self.call_after_refresh(self.call_next, self.show_rest, self.rows_token, entries[first:])
        elif page.key == self.list_key and page.offset == len(model.raw):
            self.append_items(self.items(model.next_page(page.rows, page.stories, page_size=HEADLINE_PAGE)))
        self.loading_more = False
        self._title()

    def show_rest(self, token: int, rest: list[Entry]) -> None:
        """The rows a new list did not draw in its first frame, unless the
        list has been drawn again since."""
        if token == self.rows_token:
            self.append_items(self.items(rest))

    def redraw(self) -> None:
        """Draw the list again from the pages already read (a story expanded or folded)."""
        self.rows_token += 1
        self.model.regroup()
        self.show_items(self.items(self.model.entries))
        self._title()

    def expand_story(self, story_id: int, members: list[HeadlineRow]) -> None:
        """List a story's other headlines under its row."""
        self.model.expanded[story_id] = members
        self.redraw()

    def fold_story(self, story_id: int) -> bool:
        """Fold an expanded story's headlines back under its row; False when it was not expanded."""
        if story_id not in self.model.expanded:
            return False
        del self.model.expanded[story_id]
        self.redraw()
        return True

    def _title(self) -> None:
        more = "" if self.model.complete else "+"
        self.border_title = f"Headlines ({len(self.model.entries)}{more})"

    @property
    def highlighted_entry(self) -> Entry | None:
        index = self.highlighted
        entries = self.model.entries
        return entries[index] if index is not None and index < len(entries) else None

    def watch_article(self, row: ArticleRow | None) -> None:
        if row is None:
            return
        self.highlight_key(row.id)
        for entry in self.model.entries:
            if entry.row.id == row.id:
                if entry.row.is_read != row.is_read or entry.row.revised:  # opening it clears "updated"
                    entry = self.model.replace_row(replace(entry.row, is_read=row.is_read, revised=False)) or entry
                    self.replace_label(row.id, self.label(entry))
                return

    def watch_bookmarked(self, old: frozenset[str], new: frozenset[str]) -> None:
        changed = old ^ new
        for entry in self.model.entries:
            if entry.row.key in changed:
                self.replace_label(entry.row.id, self.label(entry))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        # Lists are paged: the next page is read when the cursor nears the end.
        near_end = event.option_index >= len(self.model.entries) - HEADLINE_PAGE // 10
        if near_end and not self.model.complete and not self.loading_more:
            self.loading_more = True
            self.post_message(MoreHeadlinesWanted(self.list_key, len(self.model.raw)))

    def chosen_message(self, key: int) -> ArticleChosen:
        return ArticleChosen(key)


def story_shown(story: StoryRow | None) -> tuple[object, ...] | None:
    """What a headline's label shows of its story (a StoryRow, holding a list, is not hashable)."""
    if story is None:
        return None
    members = tuple(m.source for m in story.members)
    return (story.id, story.source_count, story.seen_source_count, story.followed, members)
