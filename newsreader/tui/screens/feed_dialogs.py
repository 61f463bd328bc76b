"""The dialogs of ``a``: a feed's address, and the choice among the feeds a page links to."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from newsreader.tui import display
from newsreader.tui.widgets.lists import KeyedOption


class AddFeedScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="add.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static("Add a feed — its address, or a page that links to one", classes="hint")
            yield Input(placeholder="https://…", id="add-input")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseFeedScreen(ModalScreen[str | None]):
    """A page linked to several feeds: pick one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose.cancel")]

    def __init__(self, candidates: list[tuple[str, str | None, str]]) -> None:
        super().__init__()
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static("This page links to several feeds — choose one", classes="hint")
            yield OptionList(
                *[
                    KeyedOption(
                        url, Text(f"{display.safe(title or url)}  ({display.safe(kind)})\n  {display.safe(url)}")
                    )
                    for url, (title, kind) in {url: (title, kind) for url, title, kind in self.candidates}.items()
                ],
                id="choose-list",
            )

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option, KeyedOption) and isinstance(event.option.key, str):
            self.dismiss(event.option.key)

    def action_cancel(self) -> None:
        self.dismiss(None)
