"""The open article's links, numbered (``u``): ``o`` opens one, ``y`` copies it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

from newsreader.exchange.article_out import Link
from newsreader.tui import display
from newsreader.tui.commands import LINK_COMMANDS, bindings_of
from newsreader.tui.screens.reading_actions import copy_url
from newsreader.tui.widgets.lists import KeyedOption


class LinksScreen(ModalScreen[None]):
    """Every link of the article: its body's and captions', images, enclosures."""

    BINDINGS = bindings_of(LINK_COMMANDS)

    def __init__(self, title: str, links: list[Link], open_link: Callable[[Link], None]) -> None:
        super().__init__()
        self.title_text = title
        self.links = links
        self.open_link = open_link

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static(Text("Links of " + display.safe(self.title_text)[:70], no_wrap=True), classes="hint")
            yield OptionList(
                *[KeyedOption(link.number, Text(display.safe(link.label()), no_wrap=True)) for link in self.links],
                id="links-list",
            )

    def highlighted(self) -> Link | None:
        index = self.query_one("#links-list", OptionList).highlighted
        return self.links[index] if index is not None and 0 <= index < len(self.links) else None

    @on(OptionList.OptionSelected)
    def selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        link = self.highlighted()
        if link is not None:
            self.open_link(link)

    def action_copy(self) -> None:
        link = self.highlighted()
        if link is not None:
            copy_url(self, link.url)

    def action_close(self) -> None:
        self.dismiss(None)
