"""Reading state, bookmarks and links, for the main screen (``m``, ``A``,
``ctrl+z``, ``b``, ``B``, ``o``, ``y``).

State changes are written in thread workers (the cache, bookmarks.toml) and
each one is pushed on the screen's undo stack.
"""

from __future__ import annotations

from textual import work

from newsreader.store.bookmarks import BookmarksError
from newsreader.store.records import ArticleRow
from newsreader.tui import display
from newsreader.tui.screens.source_keys import BOOKMARKS
from newsreader.tui.services import bookmark_for


class ReadingActions:
    """Mixed into the main screen; uses its ``services``, ``article``, ``undo``,
    ``headline_rows``, ``reload``, ``render_article`` and ``load_*`` workers."""

    def action_toggle_read(self) -> None:
        target = self.target_id()
        if target is not None:
            self.change_read([target], None, "toggle")

    def action_mark_source_read(self) -> None:
        ids = [r.id for r in self.headline_rows if not r.is_read]
        if not ids:
            self.notify("Everything here is read already.", timeout=2)
            return
        self.change_read(ids, True, "mark source read")

    @work(thread=True, group="state")
    def change_read(self, ids: list[int], read: bool | None, label: str) -> None:
        cache = self.services.cache
        if read is None:
            row = cache.article(ids[0])
            read = not row.is_read if row else True
        changed = cache.set_read(ids, read)
        self.undo.push(label, changed)
        self.app.call_from_thread(
            self.after_state_change, f"{len(changed)} marked {'read' if read else 'unread'}" if len(ids) > 1 else None
        )

    def after_state_change(self, message: str | None = None) -> None:
        if message:
            self.notify(message, timeout=2)
        self.reload()
        if self.article is not None:
            self.refresh_article_row(self.article.id)

    @work(thread=True, group="state")
    def refresh_article_row(self, article_id: int) -> None:
        row = self.services.cache.article(article_id)
        if row is not None:
            self.app.call_from_thread(self._set_article_row, row)

    def _set_article_row(self, row: ArticleRow) -> None:
        if self.article is not None and self.article.id == row.id:
            self.article = row
            self.render_article()

    def action_undo(self) -> None:
        change = self.undo.pop()
        if change is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self.restore(change)

    @work(thread=True, group="state")
    def restore(self, change) -> None:
        self.services.cache.restore_read(change.previous)
        self.app.call_from_thread(self.after_state_change, f"Undone: {change.label}")

    def action_toggle_bookmark(self) -> None:
        if self.article is None:
            self.notify("Open an article first.", timeout=2)
            return
        self.save_bookmark(self.article)

    @work(thread=True, exclusive=True, group="bookmarks")
    def save_bookmark(self, row: ArticleRow) -> None:
        try:
            kept = self.services.bookmarks.toggle(bookmark_for(row))
        except BookmarksError as exc:
            self.app.call_from_thread(self.notify, display.safe(str(exc)), title="Bookmark not saved", severity="error")
            return
        self.app.call_from_thread(self.after_bookmark, row.id, kept)

    def after_bookmark(self, article_id: int, kept: bool) -> None:
        self.notify("Bookmarked." if kept else "Bookmark removed.", timeout=2)
        self.render_article()
        self.refresh_headline(article_id)
        self.load_sources()
        if self.source_key == BOOKMARKS:
            self.load_headlines(BOOKMARKS)

    def action_show_bookmarks(self) -> None:
        from newsreader.tui.screens.bookmarks import BookmarksScreen

        self.app.push_screen(BookmarksScreen(self.services), self.after_bookmarks_screen)

    def after_bookmarks_screen(self, article_key: str | None) -> None:
        self.load_sources()
        self.render_article()
        if self.source_key == BOOKMARKS:
            self.load_headlines(BOOKMARKS)
        if article_key:
            self.open_by_key(article_key)

    @work(thread=True, group="article")
    def open_by_key(self, article_key: str) -> None:
        article_id = self.services.cache.article_id_for_key(article_key)
        if article_id is not None:
            self.app.call_from_thread(self.open_article, article_id)

    def action_open_link(self) -> None:
        if self.article is None or not self.article.url:
            self.notify("This story has no link.", timeout=2)
            return
        self.launch_browser(self.article.url)

    @work(thread=True, group="browser")
    def launch_browser(self, url: str) -> None:
        problem = self.services.open_url(url)
        self.app.call_from_thread(
            self.notify,
            display.safe(problem or "Opened in your browser."),
            severity="warning" if problem else "information",
            timeout=3,
        )

    def action_copy_link(self) -> None:
        if self.article is None or not self.article.url:
            self.notify("This story has no link.", timeout=2)
            return
        from newsreader.core.urls import check_url

        problem = check_url(self.article.url)
        if problem:
            self.notify(display.safe(f"refused to copy: {problem}"), severity="warning")
            return
        self.app.copy_to_clipboard(self.article.url)
        self.notify("Link copied.", timeout=2)
