"""``?``: every key the reader can press here, from the live bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def bindings_table(screen) -> Table:
    """Key and description for each action active on ``screen`` (keymap applied)."""
    table = Table(box=None, show_header=True, header_style="bold", expand=True)
    table.add_column("key", no_wrap=True)
    table.add_column("action")
    seen: dict[str, list[str]] = {}
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        seen.setdefault(binding.tooltip or binding.description, []).append(screen.app.get_key_display(binding))
    for description, keys in seen.items():
        table.add_row(Text(" ".join(dict.fromkeys(keys))), Text(description))
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
            yield Static(self.table)

    def action_close(self) -> None:
        self.dismiss(None)
