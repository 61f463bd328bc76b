"""``B``: the bookmarks — open, delete, edit note and tags, filter.

Bookmarks live in ``bookmarks.toml``; this screen shows what the store holds
and asks it for changes (in workers: they write a file). A bookmark whose
article left the cache still shows its saved title, source, summary and link.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static

from newsreader.store import Bookmark, BookmarksError
from newsreader.tui import display
from newsreader.tui.commands import BOOKMARK_COMMANDS, bindings_of
from newsreader.tui.commands.provider import CommandsProvider
from newsreader.tui.messages import ArticleFound, BookmarksChanged, Notice
from newsreader.tui.screens.jobs import open_link
from newsreader.tui.screens.working import WorkingScreen
from newsreader.tui.services import Services
from newsreader.tui.widgets.lists import KeyList


def bookmark_label(bookmark: Bookmark) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(display.BOOKMARK_MARK + " ", style="yellow")
    text.append(display.safe(bookmark.title), style="bold")
    meta = [display.safe(bookmark.source or "unknown source"), display.safe(bookmark.published or "undated")]
    if bookmark.tags:
        meta.append("#" + " #".join(display.safe(t) for t in bookmark.tags))
    text.append("\n  " + " · ".join(meta), style="dim")
    if bookmark.note:
        text.append("\n  " + display.safe(bookmark.note), style="italic")
    return text


def bookmark_detail(bookmark: Bookmark) -> Text:
    text = Text()
    text.append(display.safe(bookmark.title) + "\n", style="bold")
    text.append(
        f"{display.safe(bookmark.source or 'unknown source')} · published {display.safe(bookmark.published or 'undated')}\n",
        style="dim",
    )
    text.append(f"saved {bookmark.saved_at:%Y-%m-%d %H:%M} UTC\n", style="dim")
    if bookmark.tags:
        text.append("tags: " + ", ".join(display.safe(t) for t in bookmark.tags) + "\n")
    if bookmark.note:
        text.append("note: " + display.safe(bookmark.note) + "\n", style="italic")
    if bookmark.summary:
        text.append("\n" + display.safe(bookmark.summary) + "\n")
    if bookmark.url:
        text.append("\nLink: ", style="dim")
        text.append(display.safe(bookmark.url), style="underline")
    return text


def matches(bookmark: Bookmark, needle: str) -> bool:
    needle = needle.casefold()
    haystack = " ".join([bookmark.title, bookmark.source or "", bookmark.note, " ".join(bookmark.tags)]).casefold()
    return all(part in haystack for part in needle.split())


class ArticleGone(Message):
    """The bookmark's article has left the cache."""


class EditBookmarkScreen(ModalScreen[tuple[str, list[str]] | None]):
    """Edit a bookmark's note and tags."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="edit.cancel")]

    def __init__(self, bookmark: Bookmark) -> None:
        super().__init__()
        self.bookmark = bookmark

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box"):
            yield Static(Text(display.safe(self.bookmark.title), style="bold"))
            yield Static("Note")
            yield Input(value=self.bookmark.note, id="edit-note")
            yield Static("Tags (separated by commas)")
            yield Input(value=", ".join(self.bookmark.tags), id="edit-tags")
            yield Static("Enter saves, Escape cancels.", classes="hint")

    @on(Input.Submitted)
    def save(self) -> None:
        note = self.query_one("#edit-note", Input).value
        tags = [t.strip() for t in self.query_one("#edit-tags", Input).value.split(",") if t.strip()]
        self.dismiss((note, tags))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BookmarksScreen(WorkingScreen[str | None]):
    """Dismisses with the article key to open, or None."""

    COMMAND_SET = BOOKMARK_COMMANDS
    BINDINGS = bindings_of(BOOKMARK_COMMANDS)
    COMMANDS = {CommandsProvider}

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.shown: list[Bookmark] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-main"):
            yield Input(placeholder="filter by title, source, note or tag…", id="bookmark-filter")
            with Horizontal():
                yield KeyList(id="bookmark-list")
                with VerticalScroll(id="bookmark-detail"):
                    yield Static(id="bookmark-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        store = self.services.bookmarks
        self.query_one("#bookmark-list").border_title = "Bookmarks"
        self.query_one("#bookmark-detail").border_title = "Saved copy"
        if store.error:
            self.notify(
                display.safe(store.error), title="bookmarks.toml is read-only until fixed", severity="error", timeout=10
            )
        self.show_list()
        self.query_one("#bookmark-list").focus()

    def show_list(self) -> None:
        needle = self.query_one("#bookmark-filter", Input).value.strip()
        self.shown = [b for b in reversed(self.services.bookmarks.all()) if not needle or matches(b, needle)]
        items = [(i, bookmark_label(b)) for i, b in enumerate(self.shown)]
        listing: KeyList[int] = self.query_one("#bookmark-list", KeyList)
        listing.show_items(items)
        listing.border_title = f"Bookmarks ({len(self.shown)})"
        self.show_detail()

    def current(self) -> Bookmark | None:
        index = self.query_one("#bookmark-list", KeyList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def show_detail(self) -> None:
        bookmark = self.current()
        detail = (
            bookmark_detail(bookmark)
            if bookmark
            else Text("No bookmarks yet — press b on a story to keep it.", style="dim")
        )
        self.query_one("#bookmark-detail-text", Static).update(detail)

    @on(Input.Changed, "#bookmark-filter")
    def filter_changed(self) -> None:
        self.show_list()

    @on(Input.Submitted, "#bookmark-filter")
    def filter_done(self) -> None:
        self.query_one("#bookmark-list").focus()

    @on(OptionList.OptionHighlighted, "#bookmark-list")
    def highlighted(self) -> None:
        self.show_detail()

    @on(OptionList.OptionSelected, "#bookmark-list")
    def selected(self) -> None:
        bookmark = self.current()
        if bookmark is None:
            return
        self.background(partial(find_in_cache, self.services, bookmark), "find")

    @on(ArticleFound)
    def found(self) -> None:
        bookmark = self.current()
        self.dismiss(bookmark.article_key if bookmark is not None else None)

    @on(ArticleGone)
    def gone(self) -> None:
        self.notify("This story is no longer in the cache; its saved copy is shown here.", timeout=4)
        self.query_one("#bookmark-detail").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_filter(self) -> None:
        self.query_one("#bookmark-filter").focus()

    def action_open_link(self) -> None:
        bookmark = self.current()
        if bookmark is None or not bookmark.url:
            self.notify("This bookmark has no link.", timeout=2)
            return
        self.background(partial(open_link, self.services, bookmark.url), "browser", False)

    def action_delete(self) -> None:
        bookmark = self.current()
        if bookmark is not None:
            self.change(bookmark, delete=True)

    def action_edit(self) -> None:
        bookmark = self.current()
        if bookmark is None:
            return

        def edited(result: tuple[str, list[str]] | None) -> None:
            if result is not None:
                self.change(bookmark, note=result[0], tags=result[1])

        self.app.push_screen(EditBookmarkScreen(bookmark), edited)

    def change(
        self, bookmark: Bookmark, *, delete: bool = False, note: str | None = None, tags: list[str] | None = None
    ) -> None:
        self.background(partial(change_bookmark, self.services, bookmark, delete, note, tags), "bookmarks")

    @on(BookmarksChanged)
    def changed(self, message: BookmarksChanged) -> None:
        self.notify(message.text, timeout=2)
        self.show_list()


def find_in_cache(services: Services, bookmark: Bookmark) -> Message:
    """Whether the bookmark's article is still in the cache (runs on a worker thread)."""
    key = bookmark.article_key
    article_id = services.cache.article_id_for_key(key) if key else None
    return ArticleFound(article_id) if article_id is not None else ArticleGone()


def change_bookmark(
    services: Services, bookmark: Bookmark, delete: bool, note: str | None, tags: list[str] | None
) -> Message:
    """Delete or edit a bookmark in bookmarks.toml (runs on a worker thread)."""
    store = services.bookmarks
    try:
        if delete:
            store.remove(bookmark)
        else:
            store.update(bookmark, note=note, tags=tags)
    except (BookmarksError, KeyError) as exc:
        return Notice(display.safe(str(exc)), "error", "Bookmarks not changed")
    return BookmarksChanged("Bookmark deleted." if delete else "Bookmark saved.")
