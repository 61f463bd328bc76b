"""The changes view's commands (``D`` on an article)."""

from __future__ import annotations

from newsreader.tui.commands.base import Command


class CloseChanges(Command):
    """Back to the article."""

    ID, BINDING_KEY, ACTION, FOOTER_TEXT, SHOW_IN_FOOTER = "changes.close", "escape,D,q", "close", "Back", True


CHANGES_COMMANDS: tuple[type[Command], ...] = (CloseChanges,)
