"""The main screen: sources and headlines, the article, related stories.

The screen owns the reading state (the list, the article, the related list
and the walk through it, the history, the undo stack) and binds it down to
the panes; the panes post what the reader chose up. Every cache query runs
in a thread worker (:mod:`.jobs`) whose result comes back as a message that
a handler here turns into state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Static

from newsreader.search.language import highlight_terms
from newsreader.store import ArticleRow
from newsreader.tui.commands import MAIN_COMMANDS, bindings_of
from newsreader.tui.commands.provider import CommandsProvider
from newsreader.tui.first_screen import FirstScreen
from newsreader.tui.history import ReadingHistory, RelatedWalk, Visit
from newsreader.tui.keys import ALL, BOOKMARKS, SEARCH, ListKey, ListKind
from newsreader.tui.messages import (
    ArticleChanged,
    ArticleChosen,
    ArticleFound,
    ArticleLoaded,
    BookmarkToggled,
    ConfigRead,
    FeedAdded,
    FullTextFetched,
    HeadlinesLoaded,
    MoreHeadlinesWanted,
    ReadStateChanged,
    RefreshDone,
    RefreshProgress,
    RefreshStarted,
    RelatedChosen,
    RelatedLoaded,
    SourceChosen,
    SourcesLoaded,
    StoriesChanged,
    StoryMembersLoaded,
)
from newsreader.tui.screens import jobs
from newsreader.tui.screens.background_tasks import BackgroundTasks
from newsreader.tui.screens.changes_actions import ChangesHandlers
from newsreader.tui.screens.feed_actions import FeedActions, FeedMessage
from newsreader.tui.screens.out_actions import DailyHandlers, OutActions
from newsreader.tui.screens.picture_actions import PictureHandlers
from newsreader.tui.screens.reading_actions import ReadingActions
from newsreader.tui.screens.story_actions import StoryActions
from newsreader.tui.screens.working import WorkingScreen
from newsreader.tui.services import Services
from newsreader.tui.undo import UndoStack
from newsreader.tui.widgets import (
    ArticleView,
    HeadlinesPane,
    RelatedList,
    RelatedPane,
    SearchBar,
    SourcesPane,
    SteadyFooter,
)
from newsreader.tui.widgets.sources_pane import source_items

__all__ = ["MainScreen"]


class MainScreen(ChangesHandlers, DailyHandlers, PictureHandlers, WorkingScreen[None]):
    """Three panes, the search bar, a status line and the footer."""

    #: Below 110 columns the sidebar hides; from 160 the panes are four columns.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (160, "-columns")]
    COMMAND_SET = MAIN_COMMANDS
    BINDINGS = bindings_of(MAIN_COMMANDS)
    COMMANDS = {CommandsProvider}

    #: The list of headlines the reader is on.
    list_key: var[ListKey] = var(ALL)
    #: The open article (assigned again when it is opened again: it shows from the top).
    article: var[ArticleRow | None] = var(None, always_update=True)
    #: What the sidebar lists: the open article's related stories, or the
    #: list a walk (``]``/``[``) goes through.
    related: var[RelatedList | None] = var(None)
    #: A walk through a related list, when one is under way.
    walk: var[RelatedWalk | None] = var(None)
    #: Keys of the bookmarked articles.
    bookmarked: var[frozenset[str]] = var(frozenset())
    #: Words to highlight in the article (from the search it was opened from).
    highlight: var[tuple[str, ...]] = var(())
    #: The sidebar as the reader chose with ``v``; None: it follows the width.
    sidebar_forced: var[bool | None] = var(None, init=False)

    sources = getters.query_one("#sources", SourcesPane)
    headlines = getters.query_one("#headlines", HeadlinesPane)
    article_view = getters.query_one("#article", ArticleView)
    search_bar = getters.query_one("#search-bar", SearchBar)

    def __init__(
        self, services: Services, first_screen: FirstScreen | None = None, *, width: int | None = None
    ) -> None:
        # With the terminal's width known, the screen starts with the classes
        # its first resize would give it: each class change re-applies the
        # CSS to every widget, twice at start-up otherwise.
        super().__init__(classes=" ".join(self.classes_for_width(width, services.config.ui.show_sidebar)) or None)
        self.services = services
        self.first_screen = first_screen
        self.history = ReadingHistory()
        self.undo = UndoStack()
        self.search_query = ""
        self.search_pending = False  # a search was sent; its results are not shown yet
        self.reading = ReadingActions(self)
        self.feeds = FeedActions(self)
        self.stories = StoryActions(self)
        self.out = OutActions(self)
        self.daily = BackgroundTasks(self)
        self.set_reactive(MainScreen.bookmarked, self.bookmark_keys())

    def now(self) -> datetime:
        return self.services.clock()

    def bookmark_keys(self) -> frozenset[str]:
        """The bookmarks store's keys (held in memory: no file is read)."""
        return frozenset(b.article_key for b in self.services.bookmarks.all() if b.article_key)

    # -- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield SourcesPane(id="sources").data_bind(MainScreen.list_key)
                yield HeadlinesPane(self.now, id="headlines").data_bind(MainScreen.article, MainScreen.bookmarked)
            yield ArticleView(self.now, measure=self.services.config.ui.measure, id="article").data_bind(
                MainScreen.article, MainScreen.bookmarked, MainScreen.highlight
            )
            yield RelatedPane(self.now, id="related").data_bind(MainScreen.related, MainScreen.article)
        yield SearchBar(id="search-bar")
        yield Static("", id="status")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.sources.border_title = "Sources"
        self.headlines.border_title = "Headlines"
        self.headlines.focus()
        self.apply_sidebar()
        data = self.first_screen.take() if self.first_screen is not None else None
        self.first_screen = None
        if data is not None:
            # Read while Textual was imported: drawn in the first frame.
            self.sources.show_listing(data.sources, source_items(data.sources, len(self.bookmarked), ""))
            self.headlines.show_page(HeadlinesLoaded(ALL, data.headlines, data.stories), "")
        else:
            self.reload()
        self.call_after_refresh(self.background, partial(jobs.note_opening, self.services), "opening", False)
        if not self.services.cache_checked:
            # It reads the whole file: after the first frame, not competing with it.
            self.call_after_refresh(self.background, partial(jobs.check_cache, self.services), "check", False)
        self.daily.start()

    def on_unmount(self) -> None:
        self.feeds.stop()
        self.daily.stop()

    @classmethod
    def classes_for_width(cls, width: int | None, show_sidebar: bool) -> list[str]:
        """The breakpoint class (as Textual's resize sets it) and ``-no-sidebar``."""
        if width is None:
            return []
        breakpoint = max((b for b in cls.HORIZONTAL_BREAKPOINTS if width >= b[0]), default=None)
        classes = [breakpoint[1]] if breakpoint else []
        if not (("-wide" in classes or "-columns" in classes) and show_sidebar):
            classes.append("-no-sidebar")
        return classes

    def apply_sidebar(self) -> None:
        """The sidebar follows the width unless the reader chose with ``v``."""
        forced = self.sidebar_forced
        wide = self.has_class("-wide") or self.has_class("-columns")
        show = forced if forced is not None else (wide and self.services.config.ui.show_sidebar)
        self.set_class(not show, "-no-sidebar")

    def on_resize(self) -> None:
        self.apply_sidebar()

    def watch_sidebar_forced(self) -> None:
        self.apply_sidebar()

    def set_status(self, text: str) -> None:
        # One line whatever the text (its size is the CSS's): no layout of the screen.
        self.query_one("#status", Static).update(Text(text, no_wrap=True, overflow="ellipsis"), layout=False)

    # -- workers -------------------------------------------------------------

    def worker_failed(self, group: str) -> None:
        if group == "refresh":
            self.feeds.done({})

    def reload(self) -> None:
        """The source list and the headlines again from the cache."""
        self.load_sources()
        self.load_headlines(self.list_key)

    def load_sources(self) -> None:
        self.background(partial(jobs.read_sources, self.services, self.search_query), "sources")

    def load_headlines(self, key: ListKey, offset: int = 0) -> None:
        self.background(partial(jobs.read_headlines, self.services, key, self.search_query, offset), "headlines")

    # -- the lists -----------------------------------------------------------

    @on(SourcesLoaded)
    def sources_loaded(self, message: SourcesLoaded) -> None:
        self.sources.show_listing(message.counts, message.items)

    @on(HeadlinesLoaded)
    def headlines_loaded(self, message: HeadlinesLoaded) -> None:
        if message.key != self.list_key:
            return  # the reader has moved on
        self.headlines.show_page(message, self.search_query)
        if self.search_pending and message.key == SEARCH:
            self.search_shown()

    @on(MoreHeadlinesWanted)
    def more_headlines(self, message: MoreHeadlinesWanted) -> None:
        if message.key == self.list_key:
            self.load_headlines(message.key, message.offset)

    @on(SourceChosen)
    def source_chosen(self, message: SourceChosen) -> None:
        if message.selected:
            self.headlines.focus()
            return
        if message.key == self.list_key:
            return
        if self.search_pending:
            # Another list picked (the mouse) while a search ran: its results
            # will be dropped, so the bar must not wait for them.
            self.search_pending = False
            self.search_bar.close()
        self.list_key = message.key
        self.daily.show_feed(message.key)
        self.highlight = self.terms_for(message.key)
        self.load_headlines(message.key)

    def terms_for(self, key: ListKey) -> tuple[str, ...]:
        """Words to highlight in articles opened from a search list."""
        if key.kind is ListKind.SEARCH:
            return tuple(highlight_terms(self.search_query))
        searches = self.services.config.searches
        if key.kind is ListKind.SAVED and key.number < len(searches):
            return tuple(highlight_terms(searches[key.number].query))
        return ()

    # -- opening articles ------------------------------------------------------

    @on(ArticleChosen)
    @on(RelatedChosen)
    @on(ArticleFound)
    def article_chosen(self, message: ArticleChosen | RelatedChosen | ArticleFound) -> None:
        self.open_article(message.article_id)

    def open_article(self, article_id: int, *, keep_walk: bool = False) -> None:
        self.history.remember_scroll(self.article_view.scroll_y)
        self.history.visit(article_id)
        if not keep_walk:
            self.walk = None
        self.fetch_article(article_id, 0.0, keep_walk)

    def fetch_article(self, article_id: int, scroll_y: float, keep_walk: bool) -> None:
        self.background(partial(jobs.read_article_to_show, self.services, article_id, scroll_y, keep_walk), "article")

    @on(ArticleLoaded)
    def article_loaded(self, message: ArticleLoaded) -> None:
        row = message.row
        self.undo.push("open", message.marked)
        if message.related is not None:
            self.related = RelatedList(row.id, row.source, tuple(message.related))
        self.article_view.next_scroll = message.scroll_y
        self.article = row
        if message.marked:
            self.daily.opened(row, message.marked)
        if message.related is None and not message.keep_walk:
            self.background(partial(jobs.read_related, self.services, row.id), "related")

    @on(RelatedLoaded)
    def related_loaded(self, message: RelatedLoaded) -> None:
        if self.article is not None and self.article.id == message.article_id:
            self.related = RelatedList(self.article.id, self.article.source, tuple(message.rows))

    @on(ArticleChanged)
    def article_changed(self, message: ArticleChanged) -> None:
        if self.article is not None and self.article.id == message.row.id:
            self.article = message.row

    # -- moving --------------------------------------------------------------

    def action_pane(self, step: int) -> None:
        panes = [
            w
            for w in self.query("#sources, #headlines, #article, #related")
            if w.display and w.styles.display != "none" and w.region.width
        ]
        if not panes:
            return
        index = panes.index(self.focused) if self.focused in panes else -1
        panes[(index + step) % len(panes)].focus()

    def action_open_related(self, number: int) -> None:
        rows = self.walk.rows if self.walk else (self.related.rows if self.related else ())
        if number > len(rows):
            self.notify(f"There is no related story {number}.", severity="warning", timeout=2, markup=False)
            return
        self.open_article(rows[number - 1].id)

    def action_step_related(self, step: int) -> None:
        walk = self.walk
        if walk is None:
            if self.article is None or self.related is None or not self.related.rows:
                self.notify("No related stories here.", severity="warning", timeout=2)
                return
            walk = self.walk = RelatedWalk(self.related.rows)
        index = walk.index + step
        if not 0 <= index < len(walk.rows):
            self.notify("No more related stories that way.", timeout=2)
            return
        self.walk = replace(walk, index=index)
        self.open_article(walk.rows[index].id, keep_walk=True)

    def action_back(self) -> None:
        self.go_through_history(self.history.back, "Nothing further back.")

    def action_forward(self) -> None:
        self.go_through_history(self.history.forward, "Nothing further forward.")

    def go_through_history(self, step: Callable[[], Visit | None], nothing: str) -> None:
        self.history.remember_scroll(self.article_view.scroll_y)
        visit = step()
        if visit is None:
            self.notify(nothing, timeout=2)
            return
        self.walk = None
        self.fetch_article(visit.article_id, visit.scroll_y, False)

    def action_next_unread(self, step: int) -> None:
        rows = self.headlines.model.rows
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

    def action_toggle_sidebar(self) -> None:
        self.sidebar_forced = self.has_class("-no-sidebar")

    # -- reading state, bookmarks, links -------------------------------------

    def target_id(self) -> int | None:
        """The headline under the cursor when the list has focus, else the open article."""
        headlines = self.headlines
        if self.focused is headlines and headlines.highlighted_key is not None:
            return headlines.highlighted_key
        return self.article.id if self.article else None

    def action_toggle_read(self) -> None:
        self.reading.toggle_read()

    def action_mark_source_read(self) -> None:
        self.reading.mark_list_read()

    def action_undo(self) -> None:
        self.reading.undo()

    @on(ReadStateChanged)
    def read_state_changed(self, message: ReadStateChanged) -> None:
        self.daily.local_change()
        if not message.undone:
            self.undo.push(message.label, message.previous)
        if message.text:
            self.notify(message.text, timeout=2)
        self.reload()
        if self.article is not None:
            self.background(partial(jobs.reread_article, self.services, self.article.id), "state", False)

    def action_toggle_bookmark(self) -> None:
        self.reading.toggle_bookmark()

    @on(BookmarkToggled)
    def bookmark_toggled(self, message: BookmarkToggled) -> None:
        self.daily.local_change()
        self.notify("Bookmarked." if message.kept else "Bookmark removed.", timeout=2)
        self.bookmarks_changed()

    def bookmarks_changed(self) -> None:
        self.bookmarked = self.bookmark_keys()
        self.load_sources()
        if self.list_key == BOOKMARKS:
            self.load_headlines(BOOKMARKS)

    def action_show_bookmarks(self) -> None:
        self.reading.show_bookmarks()

    def action_copy_link(self) -> None:
        self.reading.copy_link()

    # -- stories, feeds, full text ---------------------------------------------

    def action_expand_story(self) -> None:
        self.stories.expand()

    def action_jump_story(self, step: int) -> None:
        self.stories.jump(step)

    def action_mute_story(self) -> None:
        self.stories.change("mute")

    def action_follow_story(self) -> None:
        self.stories.change("follow")

    def action_compare_outlets(self) -> None:
        self.stories.compare()

    @on(StoryMembersLoaded)
    def story_members_loaded(self, message: StoryMembersLoaded) -> None:
        self.headlines.expand_story(message.story_id, list(message.rows))

    @on(StoriesChanged)
    def stories_changed(self, message: StoriesChanged) -> None:
        self.daily.local_change()
        self.notify(message.text, timeout=3)
        self.reload()

    def action_refresh_source(self) -> None:
        self.feeds.refresh_source()

    def action_refresh_all(self) -> None:
        self.feeds.refresh_all()

    def action_add_feed(self) -> None:
        self.feeds.add()

    def action_fetch_full(self) -> None:
        self.feeds.fetch_full()

    @on(RefreshStarted)
    @on(RefreshProgress)
    @on(RefreshDone)
    @on(ConfigRead)
    @on(FeedAdded)
    @on(FullTextFetched)
    def feed_event(self, message: FeedMessage) -> None:
        self.feeds.handle(message)

    # -- search ----------------------------------------------------------------

    def action_search(self) -> None:
        self.search_bar.open(self.search_query)

    @on(SearchBar.Searched)
    def searched(self, message: SearchBar.Searched) -> None:
        self.search_query = message.query
        self.highlight = tuple(highlight_terms(message.query))
        self.list_key = SEARCH
        self.search_pending = True
        self.load_headlines(SEARCH)  # headlines_loaded closes the bar

    @on(SearchBar.Cancelled)
    def search_cancelled(self) -> None:
        if self.search_pending:  # Escape while searching: the results still come
            self.search_shown()
        self.headlines.focus()

    def search_shown(self) -> None:
        """The results are in: the bar closes and the headlines take the
        focus in the frame that shows them; the search's row in the source
        list follows a frame later (the counts have not changed)."""
        self.search_pending = False
        self.search_bar.close()
        self.headlines.focus()
        self.call_after_refresh(self.show_search_row)

    def show_search_row(self) -> None:
        if not self.sources.show_search_row(self.search_query):
            self.load_sources()
