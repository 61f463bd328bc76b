"""The bookmarks screen's commands."""

from __future__ import annotations

from newsreader.tui.commands.base import Command


class CloseBookmarks(Command):
    """Back to the reader."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = (
        "bookmarks.close",
        "escape,B",
        "close",
        "Back to reading",
        True,
    )


class DeleteBookmark(Command):
    """Delete the highlighted bookmark from bookmarks.toml."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "bookmarks.delete", "d,delete", "delete", "Delete", True


class EditBookmark(Command):
    """Edit the highlighted bookmark's note and tags."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "bookmarks.edit", "e", "edit", "Edit note/tags", True


class FilterBookmarks(Command):
    """Filter the bookmarks by title, source, note or tag."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "bookmarks.filter", "slash,f", "filter", "Filter", True
    KEY_DISPLAY = "/"


class OpenBookmarkLink(Command):
    """Open the bookmark's link in your browser."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT = "bookmarks.open_link", "o", "open_link", "Open in browser"


BOOKMARK_COMMANDS: tuple[type[Command], ...] = (
    CloseBookmarks,
    DeleteBookmark,
    EditBookmark,
    FilterBookmarks,
    OpenBookmarkLink,
)
