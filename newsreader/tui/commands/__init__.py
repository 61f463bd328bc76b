"""Every action of the reader, each defined once (see ``base.py``)."""

from newsreader.tui.commands.base import Command, Entry, bindings_of, entries_of
from newsreader.tui.commands.bookmark_list_commands import BOOKMARK_COMMANDS
from newsreader.tui.commands.compare_commands import COMPARE_COMMANDS
from newsreader.tui.commands.link_list_commands import LINK_COMMANDS
from newsreader.tui.commands.main_commands import APP_COMMANDS, MAIN_COMMANDS
from newsreader.tui.commands.revision_commands import CHANGES_COMMANDS

__all__ = [
    "APP_COMMANDS",
    "BOOKMARK_COMMANDS",
    "CHANGES_COMMANDS",
    "COMPARE_COMMANDS",
    "LINK_COMMANDS",
    "MAIN_COMMANDS",
    "Command",
    "Entry",
    "bindings_of",
    "entries_of",
]
