"""The article pane: a scrollable, plain-text view of one article."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static


class ArticleView(VerticalScroll, can_focus=True):
    """Shows the Text the screen gives it; ``j``/``k`` and space scroll."""

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("space", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="article.bottom"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text("Choose a headline to read it.", style="dim"), id="article-body")

    def show(self, text: Text, *, scroll_y: float = 0.0) -> None:
        self.query_one("#article-body", Static).update(text)
        # The new content must be laid out before the old position means anything.
        self.scroll_to(y=0, animate=False, immediate=True)
        if scroll_y:
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False, immediate=True)
