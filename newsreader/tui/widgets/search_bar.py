"""The ``/`` prompt: a search bar at the bottom of the main screen.

It lives on the screen (not in a pop-up) so that opening and closing it
costs no screen switch. It only checks the query's syntax; the screen runs
the search and closes the bar when the results are ready, so the bar's
closing and the results are drawn in one frame, and the search runs while
the interface is idle rather than against a redraw for the interpreter.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from newsreader.core.sanitize import clean_line
from newsreader.search.language import QueryError, parse_query

HINT = (
    'Search every story: words, "a phrase", prefix*, -word, source:NAME, tag:NAME, '
    "is:unread, is:bookmarked, after:2026-11-01, before:yesterday, after:7d — Enter searches, Escape cancels"
)


#: Seconds before a search that has not answered says "Searching…".
SAY_SEARCHING_AFTER = 0.2


class SearchBar(Vertical):
    """Posts :class:`SearchBar.Searched` with a query that parses, or
    :class:`SearchBar.Cancelled`."""

    # Not shown in the footer: the hint above the field says it, and a key
    # shown only while the bar is open would rebuild the footer twice a search.
    BINDINGS = [Binding("escape", "cancel", "Cancel search", id="search.cancel", show=False)]

    _searching_timer: Timer | None = None

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
        if self._searching_timer is not None:
            self._searching_timer.stop()
            self._searching_timer = None
        self.display = False

    def searching(self) -> None:
        """The query was sent: a search slower than :data:`SAY_SEARCHING_AFTER`
        says so until the screen closes the bar. (Not at once: the line's
        change costs a layout of the screen, a third of a quick search.)"""
        self._searching_timer = self.set_timer(SAY_SEARCHING_AFTER, self._say_searching)

    def _say_searching(self) -> None:
        if self.display:
            self.query_one("#search-error", Static).update(Text("Searching…", style="dim"))

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
        self.searching()
        self.post_message(self.Searched(text))

    def action_cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled())
