"""Each action is defined once: its binding, its palette entry and its help
line come from the same command class."""

from __future__ import annotations

import re

from newsreader.tui.app import NewsReaderApp
from newsreader.tui.commands import APP_COMMANDS, BOOKMARK_COMMANDS, MAIN_COMMANDS, entries_of
from newsreader.tui.screens.bookmarks_screen import BookmarksScreen
from newsreader.tui.screens.main_screen import MainScreen


def test_binding_ids_are_unique_and_every_action_exists():
    for screen, commands in (
        (MainScreen, MAIN_COMMANDS),
        (BookmarksScreen, BOOKMARK_COMMANDS),
        (NewsReaderApp, APP_COMMANDS),
    ):
        entries = entries_of(commands)
        ids = [e.binding_id for e in entries]
        assert len(ids) == len(set(ids)), ids
        for entry in entries:
            name = re.sub(r"\(.*\)$", "", entry.action)
            assert callable(getattr(screen, f"action_{name}", None)), (screen.__name__, entry.action)
            assert entry.help and entry.title and entry.footer, entry


def test_the_screens_bindings_are_built_from_the_commands():
    ids = {b.id for b in MainScreen.BINDINGS if not isinstance(b, tuple)}
    assert ids == {e.binding_id for e in entries_of(MAIN_COMMANDS)}
    assert {f"related.{n}" for n in range(1, 10)} <= ids  # the keymap names of 1-9 are kept
