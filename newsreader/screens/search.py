"""``/``: ask for a search over the whole cache."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SearchScreen(ModalScreen[str | None]):
    """A one-line prompt; Enter searches, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="search.cancel")]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static(
                'Search every story — words, "a phrase", prefix*, -word, source:NAME, tag:NAME,\n'
                "is:unread, is:bookmarked, after:2026-11-01, before:yesterday, after:7d",
                classes="hint",
            )
            yield Input(value=self.initial, placeholder="search…", id="search-input")
            yield Static("", id="search-error")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        from rich.text import Text

        from ..query import QueryError, parse_query
        from ..sanitize import clean_line

        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        try:
            query = parse_query(text)
        except QueryError as exc:
            self.query_one("#search-error", Static).update(Text(clean_line(str(exc)), style="bold red"))
            return
        if query.is_empty():
            self.query_one("#search-error", Static).update(Text("That asks for nothing: type a word or a filter.", style="bold red"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
