"""The link list's commands (``u`` on an article)."""

from __future__ import annotations

from newsreader.tui.commands.base import Command


class CloseLinks(Command):
    """Back to the article."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "links.close", "escape,u,q", "close", "Back", True


class OpenListedLink(Command):
    """Open the highlighted link (also enter): with the first matching [[opener]], else in your browser."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "links.open", "o", "open", "Open", True


class CopyListedLink(Command):
    """Copy the highlighted link to the clipboard."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "links.copy", "y", "copy", "Copy", True


LINK_COMMANDS: tuple[type[Command], ...] = (CloseLinks, OpenListedLink, CopyListedLink)
