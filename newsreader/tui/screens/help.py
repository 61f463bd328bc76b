"""``?``: every key the reader can press here, from the command definitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from newsreader.tui.commands import entries_of
from newsreader.tui.commands.provider import commands_of, key_text
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.lists import KeyList


def bindings_table(app: App[Any], screen: Screen[Any], keymap: Mapping[str, str]) -> Table:
    """Keys and what they do on ``screen``, with the user's ``[keymap]`` applied:
    the screen's commands and the app's, then the keys of the lists and the article."""
    table = Table(box=None, show_header=True, header_style="bold", expand=True)
    table.add_column("key", no_wrap=True)
    table.add_column("action")
    for entry in entries_of(commands_of(screen)):
        table.add_row(Text(key_text(app, entry, keymap)), Text(entry.title))
    for title, bindings in (("in a list", KeyList.BINDINGS), ("in the article", ArticleView.BINDINGS)):
        for binding in bindings:
            if isinstance(binding, Binding):
                keys = keymap.get(binding.id or "", binding.key)
                table.add_row(Text(keys), Text(f"{binding.description} ({title})"))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close help", id="help.close")]

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(
                Text(
                    "Keys — press Escape to close. Every action is also in the command palette (ctrl+p).", style="bold"
                )
            )
            yield Static(self.table, id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
