"""The ``/`` prompt: a search bar at the bottom of the main screen.

It lives on the screen (not in a pop-up) so that opening and closing it
costs no screen switch. It only checks the query's syntax; the screen runs
the search.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ..query import QueryError, parse_query
from ..sanitize import clean_line

HINT = ('Search every story: words, "a phrase", prefix*, -word, source:NAME, tag:NAME, '
        "is:unread, is:bookmarked, after:2026-11-01, before:yesterday, after:7d — Enter searches, Escape cancels")


class SearchBar(Vertical):
    """Posts :class:`SearchBar.Searched` with a query that parses, or
    :class:`SearchBar.Cancelled`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel search", id="search.cancel")]

    class Searched(Message):
        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Cancelled(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Static(Text(HINT, no_wrap=True, overflow="ellipsis"), classes="hint")
        yield Input(placeholder="search…", id="search-input")
        yield Static("", id="search-error")

    def open(self, query: str) -> None:
        self.query_one("#search-error", Static).update("")
        field = self.query_one("#search-input", Input)
        field.value = query
        self.display = True
        field.focus()

    def close(self) -> None:
        self.display = False

    @on(Input.Submitted, "#search-input")
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.action_cancel()
            return
        try:
            problem = None if not parse_query(text).is_empty() else "That asks for nothing: type a word or a filter."
        except QueryError as exc:
            problem = clean_line(str(exc))
        if problem:
            self.query_one("#search-error", Static).update(Text(problem, style="bold red"))
            return
        self.close()
        self.post_message(self.Searched(text))

    def action_cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled())
