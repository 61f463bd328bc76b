"""The main screen: sources and headlines, the article, related stories.

The screen owns the reading state (which source, which article, the history,
the undo stack) and hands each pane what to draw; panes post messages up.
Every cache query runs in a thread worker so a key press is answered at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import OptionList

from newsreader.store.records import ArticleRow, RelatedRow
from newsreader.store.related import related_stories
from newsreader.store.story_rows import stories_for_articles
from newsreader.tui import display
from newsreader.tui.first_screen import HEADLINE_PAGE, FirstScreen
from newsreader.tui.headline_groups import HeadlineModel
from newsreader.tui.history import ReadingHistory
from newsreader.tui.screens.feed_actions import FEED_BINDINGS, FeedActions
from newsreader.tui.screens.fulltext_actions import FULLTEXT_BINDINGS, FullTextActions
from newsreader.tui.screens.headline_pane import HeadlinePane
from newsreader.tui.screens.reading_actions import ReadingActions
from newsreader.tui.screens.search_actions import SearchActions
from newsreader.tui.screens.source_keys import ALL, SEARCH
from newsreader.tui.screens.source_list import SourceList
from newsreader.tui.screens.story_actions import STORY_BINDINGS, StoryActions
from newsreader.tui.services import Services
from newsreader.tui.undo import UndoStack
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.footer import SteadyFooter
from newsreader.tui.widgets.lists import KeyList
from newsreader.tui.widgets.search_bar import SearchBar

__all__ = ["HEADLINE_PAGE", "MainScreen"]


@dataclass(slots=True)
class RelatedWalk:
    """``]``/``[`` step through one article's related list without losing it."""

    anchor: int
    rows: list[RelatedRow]
    index: int = -1


def _bind(
    key: str,
    action: str,
    description: str,
    binding_id: str,
    *,
    show: bool = False,
    key_display: str | None = None,
    tooltip: str = "",
) -> Binding:
    """A binding with an id (for ``[keymap]``); ``tooltip`` is the longer name
    help and the command palette show when the footer's word is terse."""
    return Binding(key, action, description, show=show, id=binding_id, key_display=key_display, tooltip=tooltip)


class MainScreen(
    SourceList, HeadlinePane, ReadingActions, StoryActions, FeedActions, FullTextActions, SearchActions, Screen[None]
):
    """Three panes and the footer."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        _bind("h", "pane(-1)", "Previous pane", "pane.previous"),
        _bind("l", "pane(1)", "Next pane", "pane.next"),
        *[_bind(str(n), f"open_related({n})", f"Open related story {n}", f"related.{n}") for n in range(1, 10)],
        _bind("right_square_bracket", "step_related(1)", "Next related story", "related.next", key_display="]"),
        _bind("left_square_bracket", "step_related(-1)", "Previous related story", "related.previous", key_display="["),
        _bind("H,backspace", "back", "Back", "history.back", show=True, key_display="H"),
        _bind("L", "forward", "Forward", "history.forward", key_display="L"),
        _bind("n", "next_unread(1)", "Next unread", "unread.next"),
        _bind("p", "next_unread(-1)", "Previous unread", "unread.previous"),
        _bind("m", "toggle_read", "Toggle read", "read.toggle"),
        _bind("A", "mark_source_read", "Mark source read", "read.source"),
        _bind("ctrl+z", "undo", "Undo", "undo"),
        _bind("b", "toggle_bookmark", "Bookmark", "bookmark", show=True),
        _bind("B", "show_bookmarks", "Bookmarks", "bookmarks"),
        _bind("slash", "search", "Search", "search", show=True, key_display="/"),
        _bind("o", "open_link", "Open in browser", "link.open"),
        _bind("y", "copy_link", "Copy link", "link.copy"),
        _bind("v", "toggle_sidebar", "Related", "sidebar", show=True, tooltip="Related sidebar"),
        *FEED_BINDINGS,
        *FULLTEXT_BINDINGS,
        *STORY_BINDINGS,
    ]

    def __init__(
        self, services: Services, first_screen: FirstScreen | None = None, *, width: int | None = None
    ) -> None:
        # With the terminal's width known, the screen starts with the classes
        # its first resize would give it: each class change re-applies the
        # CSS to every widget (~40 ms), twice at start-up otherwise.
        super().__init__(classes=" ".join(self.classes_for_width(width, services.config.ui.show_sidebar)) or None)
        self.services = services
        self.first_screen = first_screen
        self.counts = None  # what the source list shows (a first_screen.SourceCounts)
        self._recount = None  # a pending full recount (Timer)
        self.history = ReadingHistory()
        self.undo = UndoStack()
        self.source_key: str = ALL
        self.headlines = HeadlineModel()
        self.loading_more = False
        self.article: ArticleRow | None = None
        self.related_rows: list[RelatedRow] = []
        self.walk: RelatedWalk | None = None
        self.search_query: str = ""
        self.search_pending = False  # a search was sent; its results are not shown yet
        self.highlight_terms: list[str] = []
        self.sidebar_forced: bool | None = None
        self.shown_key: str | None = None  # the list the headlines pane shows
        self.rows_token = 0  # bumped whenever its rows are drawn anew (show_rest)

    # -- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield KeyList(id="sources")
                yield KeyList(id="headlines")
            yield ArticleView(id="article")
            yield KeyList(id="related")
        yield SearchBar(id="search-bar")
        yield from self.compose_status()
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#sources").border_title = "Sources"
        self.query_one("#headlines").border_title = "Headlines"
        self.query_one("#article").border_title = "Article"
        self.query_one("#related").border_title = "Related"
        self.query_one("#headlines").focus()
        self.apply_sidebar()
        data = self.first_screen.take() if self.first_screen is not None else None
        self.first_screen = None
        if data is not None:
            # Read while Textual was imported: drawn in the first frame.
            self.show_sources(self.source_items(data.sources), data.sources)
            self.show_headlines(ALL, data.headlines, data.stories)
        else:
            self.reload()
        if not self.services.cache_checked:
            # It reads the whole file (~0.5 s at 100,000 articles, on another
            # thread): after the first frame, not competing with it.
            self.call_after_refresh(self.check_cache)

    @work(thread=True, group="check")
    def check_cache(self) -> None:
        """A big cache is checked after start-up, not before the first screen."""
        from newsreader.store.opener import mark_damaged, quick_check

        problem = quick_check(self.services.cache)
        if problem is not None:
            mark_damaged(self.services.paths.cache_db, problem)
            self.app.call_from_thread(
                self.notify,
                f"The cache is damaged ({problem}); it will be rebuilt when newsreader starts again. "
                "Bookmarks and read state are kept.",
                severity="error",
                timeout=15,
            )

    def on_unmount(self) -> None:
        self.stop_refresh()

    @property
    def now(self):
        return self.services.clock()

    @classmethod
    def classes_for_width(cls, width: int | None, show_sidebar: bool) -> list[str]:
        """The breakpoint class (as Textual's resize sets it) and ``-no-sidebar``."""
        if width is None:
            return []
        breakpoint = max((b for b in cls.HORIZONTAL_BREAKPOINTS if width >= b[0]), default=None)
        classes = [breakpoint[1]] if breakpoint else []
        if not ("-wide" in classes and show_sidebar):
            classes.append("-no-sidebar")
        return classes

    def apply_sidebar(self) -> None:
        """The sidebar follows the width unless the reader chose with ``v``."""
        wide = self.has_class("-wide")
        show = (
            self.sidebar_forced if self.sidebar_forced is not None else (wide and self.services.config.ui.show_sidebar)
        )
        self.set_class(not show, "-no-sidebar")

    def on_resize(self) -> None:
        self.apply_sidebar()

    # -- loading (workers) ---------------------------------------------------

    def reload(self) -> None:
        """Refresh the source list and the headlines from the cache."""
        self.load_sources()
        self.load_headlines(self.source_key)

    def bookmark_keys(self) -> list[str]:
        return [b.article_key for b in self.services.bookmarks.all() if b.article_key]

    @work(thread=True, exclusive=True, group="headlines")
    def load_headlines(self, source_key: str, offset: int = 0) -> None:
        rows = self.headline_page(source_key, offset, HEADLINE_PAGE)
        stories = stories_for_articles(self.services.cache.connection(), [r.id for r in rows])
        self.app.call_from_thread(self.show_headlines, source_key, rows, stories, offset)

    @on(OptionList.OptionHighlighted, "#headlines")
    def headline_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Lists are paged: the next page is read when the cursor nears the end.
        near_end = event.option_index >= len(self.headlines.entries) - HEADLINE_PAGE // 10
        if near_end and not self.headlines.complete and not self.loading_more:
            self.loading_more = True
            self.load_headlines(self.source_key, len(self.headlines.raw))

    @on(OptionList.OptionHighlighted, "#sources")
    def source_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.source_key:
            if self.search_pending:
                # Picked another source (the mouse) while a search ran: its
                # results will be dropped, so the bar must not wait for them.
                self.search_pending = False
                self.query_one("#search-bar", SearchBar).close()
            self.source_key = event.option.id
            self.highlight_terms = self.terms_for(self.source_key)
            self.load_headlines(self.source_key)

    def terms_for(self, source_key: str) -> list[str]:
        """Words to highlight in articles opened from a search list."""
        from newsreader.search.language import highlight_terms

        if source_key == SEARCH:
            return highlight_terms(self.search_query)
        if source_key.startswith("saved:"):
            searches = self.services.config.searches
            index = int(source_key[6:])
            return highlight_terms(searches[index].query) if index < len(searches) else []
        return []

    @on(OptionList.OptionSelected, "#sources")
    def source_selected(self) -> None:
        self.query_one("#headlines").focus()

    @on(OptionList.OptionSelected, "#headlines")
    def headline_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_article(int(event.option.id[2:]))

    @on(OptionList.OptionSelected, "#related")
    def related_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_article(int(event.option.id[2:]))

    # -- opening articles ------------------------------------------------------

    def open_article(
        self, article_id: int, *, from_history: bool = False, scroll_y: float = 0.0, keep_walk: bool = False
    ) -> None:
        view = self.query_one("#article", ArticleView)
        if not from_history:
            self.history.remember_scroll(view.scroll_y)
            self.history.visit(article_id)
        if not keep_walk:
            self.walk = None
        self.fetch_article(article_id, scroll_y, keep_walk)

    @work(thread=True, exclusive=True, group="article")
    def fetch_article(self, article_id: int, scroll_y: float, keep_walk: bool) -> None:
        cache = self.services.cache
        row = cache.article(article_id)
        if row is None:
            self.app.call_from_thread(self.notify, "That article is no longer in the cache.", severity="warning")
            return
        was_unread = not row.is_read
        if was_unread:
            self.undo.push("open", cache.set_read([article_id], True))
            row = cache.article(article_id) or row
        # The sidebar's rows come with the article (a few indexed reads): one
        # frame shows both, instead of a second worker and a second frame.
        related = None
        if not keep_walk:
            try:
                related = related_stories(cache, article_id)
            except Exception:  # noqa: BLE001 - the sidebar's own worker tries again and reports
                related = None
        self.app.call_from_thread(self.show_article, row, scroll_y, keep_walk, related, was_unread)

    def show_article(
        self,
        row: ArticleRow,
        scroll_y: float,
        keep_walk: bool,
        related: list[RelatedRow] | None = None,
        was_unread: bool = False,
    ) -> None:
        self.article = row
        self.render_article(scroll_y=scroll_y)
        when = display.when_text(row.published, row.precision, row.published_text, self.now)
        self.query_one("#article").border_title = Text(
            f"{display.safe(row.source)} · {when}", no_wrap=True, overflow="ellipsis"
        )
        self.query_one("#headlines", KeyList).highlight_id(f"a:{row.id}")
        self.refresh_headline(row.id, is_read=True)
        if was_unread:
            self.count_as_read(row)
        self.story_seen(row.id)
        if keep_walk and self.walk is not None:
            self.query_one("#related", KeyList).highlight_id(f"r:{row.id}")
        elif related is not None:
            self.show_related(row.id, related)
        else:
            self.load_related(row.id)

    def render_article(self, *, scroll_y: float | None = None) -> None:
        if self.article is None:
            return
        view = self.query_one("#article", ArticleView)
        text = display.article_text(
            self.article,
            self.now,
            bookmarked=self.article.key in self.services.bookmarks,
            highlight=self.highlight_terms,
        )
        view.show(text, scroll_y=view.scroll_y if scroll_y is None else scroll_y)

    def refresh_headline(self, article_id: int, *, is_read: bool | None = None) -> None:
        for entry in self.headlines.entries:
            if entry.row.id == article_id:
                row = entry.row
                if is_read is not None and row.is_read != is_read:
                    from dataclasses import replace

                    entry = self.headlines.replace_row(replace(row, is_read=is_read)) or entry
                self.query_one("#headlines", KeyList).replace_label(f"a:{row.id}", self.entry_label(entry))
                return

    @work(thread=True, exclusive=True, group="related")
    def load_related(self, article_id: int) -> None:
        rows = related_stories(self.services.cache, article_id)
        self.app.call_from_thread(self.show_related, article_id, rows)

    def show_related(self, article_id: int, rows: list[RelatedRow]) -> None:
        if self.article is None or self.article.id != article_id:
            return
        self.related_rows = rows
        items: list[tuple[str | None, Text]] = []
        headings = {"same-story": "same story", "page": "on the page", "similar": "similar"}
        previous = None
        for number, row in enumerate(rows, 1):
            if row.reason != previous:
                count = sum(1 for r in rows if r.reason == row.reason)
                heading = headings.get(row.reason, row.reason)
                if row.reason == "same-story":
                    outlets = len({r.source for r in rows if r.reason == "same-story"} | {self.article.source})
                    heading += f" · {outlets} outlets"
                items.append((None, display.heading_label(f"{heading} ({count})")))
                previous = row.reason
            items.append((f"r:{row.id}", display.related_label(number, row, self.now)))
        related = self.query_one("#related", KeyList)
        related.show_items(items)
        related.border_title = f"Related ({len(rows)})" if rows else "Related (none)"

    # -- actions -------------------------------------------------------------

    def action_pane(self, step: int) -> None:
        panes = [
            w
            for w in self.query("#sources, #headlines, #article, #related")
            if w.display and w.styles.display != "none" and w.region.width
        ]
        if not panes:
            return
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1
        panes[(index + step) % len(panes)].focus()

    def action_open_related(self, number: int) -> None:
        rows = self.walk.rows if self.walk else self.related_rows
        if number > len(rows):
            self.notify(f"There is no related story {number}.", severity="warning", timeout=2)
            return
        self.open_article(rows[number - 1].id)

    def action_step_related(self, step: int) -> None:
        if self.walk is None:
            if self.article is None or not self.related_rows:
                self.notify("No related stories here.", severity="warning", timeout=2)
                return
            self.walk = RelatedWalk(self.article.id, list(self.related_rows))
        index = self.walk.index + step
        if not 0 <= index < len(self.walk.rows):
            self.notify("No more related stories that way.", timeout=2)
            return
        self.walk.index = index
        self.open_article(self.walk.rows[index].id, keep_walk=True)

    def action_back(self) -> None:
        self.history.remember_scroll(self.query_one("#article", ArticleView).scroll_y)
        visit = self.history.back()
        if visit is None:
            self.notify("Nothing further back.", timeout=2)
            return
        self.walk = None
        self.fetch_article(visit.article_id, visit.scroll_y, False)

    def action_forward(self) -> None:
        self.history.remember_scroll(self.query_one("#article", ArticleView).scroll_y)
        visit = self.history.forward()
        if visit is None:
            self.notify("Nothing further forward.", timeout=2)
            return
        self.walk = None
        self.fetch_article(visit.article_id, visit.scroll_y, False)

    def action_next_unread(self, step: int) -> None:
        rows = self.headline_rows
        if not rows:
            return
        current = self.article.id if self.article else None
        start = next((i for i, r in enumerate(rows) if r.id == current), -1 if step > 0 else len(rows))
        index = start + step
        while 0 <= index < len(rows):
            if not rows[index].is_read:
                self.open_article(rows[index].id)
                return
            index += step
        self.notify("No more unread stories in this list.", timeout=2)

    def target_id(self) -> int | None:
        """The headline under the cursor when the list has focus, else the open article."""
        headlines = self.query_one("#headlines", KeyList)
        if self.focused is headlines and headlines.highlighted_id:
            return int(headlines.highlighted_id[2:])
        return self.article.id if self.article else None

    @on(SearchBar.Cancelled)
    def search_cancelled(self) -> None:
        if self.search_pending:  # Escape while searching: the results still come
            self.search_shown()
        self.query_one("#headlines").focus()

    @on(SearchBar.Searched)
    def search_submitted(self, event: SearchBar.Searched) -> None:
        self.after_search(event.query)

    def action_toggle_sidebar(self) -> None:
        self.sidebar_forced = self.has_class("-no-sidebar")
        self.apply_sidebar()
