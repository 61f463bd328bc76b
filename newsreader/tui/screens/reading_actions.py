"""Reading state, bookmarks and links, for the main screen (``m``, ``A``,
``ctrl+z``, ``b``, ``B``, ``y``).

State changes are written by thread workers (the cache, bookmarks.toml);
the screen's handlers push each one on the undo stack and redraw.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from newsreader.core.urls import check_url
from newsreader.tui import display
from newsreader.tui.screens import jobs

if TYPE_CHECKING:
    from newsreader.tui.screens.main_screen import MainScreen


class ReadingActions:
    """What ``m``, ``A``, ``ctrl+z``, ``b``, ``B`` and ``y`` do."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def toggle_read(self) -> None:
        screen = self.screen
        target = screen.target_id()
        if target is not None:
            screen.background(partial(jobs.change_read, screen.services, [target], None, "toggle"), "state", False)

    def mark_list_read(self) -> None:
        screen = self.screen
        # Read ones a feed changed since too: marking read clears "updated".
        ids = [r.id for r in screen.headlines.model.rows if not r.is_read or r.revised]
        if not ids:
            screen.notify("Everything here is read already.", timeout=2)
            return
        by_story = screen.services.config.ui.read_by_story
        job = partial(jobs.change_read, screen.services, ids, True, "mark source read", by_story)
        screen.background(job, "state", False)

    def undo(self) -> None:
        screen = self.screen
        change = screen.undo.pop()
        if change is None:
            screen.notify("Nothing to undo.", timeout=2)
            return
        screen.background(partial(jobs.undo_change, screen.services, change), "state", False)

    def toggle_bookmark(self) -> None:
        screen = self.screen
        if screen.article is None:
            screen.notify("Open an article first.", timeout=2)
            return
        screen.background(partial(jobs.toggle_bookmark, screen.services, screen.article), "bookmarks")

    def show_bookmarks(self) -> None:
        from newsreader.tui.screens.bookmarks_screen import BookmarksScreen

        self.screen.app.push_screen(BookmarksScreen(self.screen.services), self.after_bookmarks)

    def after_bookmarks(self, article_key: str | None) -> None:
        """Back from the bookmarks screen, with the article to open, if any."""
        screen = self.screen
        screen.bookmarks_changed()
        screen.daily.local_change()  # notes, tags or deletions made there sync a few seconds later
        if article_key:
            screen.background(partial(jobs.find_article, screen.services, article_key), "article", False)

    def link(self) -> str | None:
        article = self.screen.article
        if article is None or not article.url:
            self.screen.notify("This story has no link.", timeout=2)
            return None
        return article.url

    def copy_link(self) -> None:
        url = self.link()
        if url:
            copy_url(self.screen, url)


def copy_url(screen: Screen[Any], url: str) -> None:
    """Copy ``url`` to the clipboard if it is a link we would open (http/https)."""
    problem = check_url(url)
    if problem:
        screen.notify(display.safe(f"refused to copy: {problem}"), severity="warning")
        return
    screen.app.copy_to_clipboard(url)
    screen.notify("Link copied.", timeout=2)
