"""The article out of the reader (``o``, ``u``, ``|``, ``s``), and the main
screen's handlers of the daily driver's messages (:mod:`.background_tasks`).

Openers, the pipe and the save run on worker threads
(``newsreader.exchange.article_out``); each says how it went in one line.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from newsreader.exchange.article_out import Link, article_links
from newsreader.store import ArticleRow
from newsreader.tui import display
from newsreader.tui.keys import BRIEFING
from newsreader.tui.messages import BriefingCounted, CacheChanged, FeedsDue, NewsToTell, OpenArticleGone, StatusText
from newsreader.tui.screens import background_jobs, jobs

if TYPE_CHECKING:
    from newsreader.tui.screens.background_tasks import BackgroundTasks
    from newsreader.tui.screens.main_screen import MainScreen


class OutActions:
    """What ``o``, ``u``, ``|`` and ``s`` do."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def open_article(self) -> ArticleRow | None:
        if self.screen.article is None:
            self.screen.notify("Open an article first.", timeout=2)
        return self.screen.article

    def open_link(self, link: Link | str | None = None) -> None:
        """The article's own link (``o``), or one of its link list."""
        screen, article = self.screen, self.screen.article
        link = link or screen.reading.link()
        if not link:
            return
        title = article.title if article is not None else ""
        screen.background(partial(jobs.open_link, screen.services, link, title), "browser", False)

    def show_links(self) -> None:
        from newsreader.tui.screens.links_screen import LinksScreen

        article = self.open_article()
        if article is None:
            return
        links = article_links(article)
        if not links:
            self.screen.notify("This article has no links.", timeout=2)
            return
        self.screen.app.push_screen(LinksScreen(article.title, links, self.open_link))

    def pipe(self) -> None:
        article = self.open_article()
        if article is not None:
            self.screen.background(partial(background_jobs.pipe, self.screen.services, article), "pipe", False)

    def save(self) -> None:
        article = self.open_article()
        if article is not None:
            self.screen.background(partial(background_jobs.save, self.screen.services, article), "save", False)


class DailyHandlers:
    """Mixed into the main screen: the actions of :class:`OutActions` and the
    handlers of the daily driver's messages (Textual finds ``on_*`` methods
    through the class's bases)."""

    daily: BackgroundTasks
    out: OutActions

    def action_open_link(self) -> None:
        self.out.open_link()

    def action_show_links(self) -> None:
        self.out.show_links()

    def action_pipe_article(self) -> None:
        self.out.pipe()

    def action_save_article(self) -> None:
        self.out.save()

    def on_feeds_due(self, message: FeedsDue) -> None:
        self.daily.due(message)

    def on_cache_changed(self, message: CacheChanged) -> None:
        self.daily.cache_changed()

    def on_briefing_counted(self, message: BriefingCounted) -> None:
        screen = cast("MainScreen", self)
        screen.sources.replace_label(BRIEFING, display.special_label("Briefing", message.stories))

    def on_open_article_gone(self, message: OpenArticleGone) -> None:
        self.daily.article_gone(message)

    def on_news_to_tell(self, message: NewsToTell) -> None:
        self.daily.news(message)

    def on_status_text(self, message: StatusText) -> None:
        self.daily.show(message)
