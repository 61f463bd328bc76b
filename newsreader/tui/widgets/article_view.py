"""The article pane: a scrollable, plain-text view of one article.

The screen binds the open article, the bookmarked keys and the words to
highlight down to it; any change of them draws the article again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from newsreader.store import ArticleRow
from newsreader.tui import display
from newsreader.tui.widgets.article_images import NO_PICTURES, ArticleImages, ArticlePictures

EMPTY = Text("Choose a headline to read it.", style="dim")


class ArticleView(VerticalScroll, can_focus=True):
    """Draws :attr:`article`; ``j``/``k`` and space scroll."""

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("space", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="article.bottom"),
    ]

    #: The article shown; assigning it draws it, even the same one again.
    article: var[ArticleRow | None] = var(None, always_update=True)
    bookmarked: var[frozenset[str]] = var(frozenset())
    highlight: var[tuple[str, ...]] = var(())
    #: The open article's pictures: the lead one above the text, the others below.
    pictures: var[ArticlePictures] = var(NO_PICTURES)

    def __init__(self, clock: Callable[[], datetime], *, measure: int = 80, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        #: The most characters a line of the text holds, however wide the pane.
        self.measure = measure
        #: Where the article assigned next opens (0, or a visit of the history);
        #: None: it is the same article changed (read, full text) and keeps its place.
        self.next_scroll: float | None = None

    def compose(self) -> ComposeResult:
        yield ArticleImages.lead(id="article-lead-image").data_bind(ArticleView.pictures)
        body = Static(EMPTY, id="article-body")
        body.styles.max_width = self.measure
        yield body
        yield ArticleImages.rest(id="article-more-images").data_bind(ArticleView.pictures)

    def watch_article(self, new: ArticleRow | None) -> None:
        if new is None:
            self.border_title = "Article"
            self.query_one("#article-body", Static).update(EMPTY)
            return
        when = display.when_text(new.published, new.precision, new.published_text, self.clock())
        self.border_title = Text(f"{display.safe(new.source)} · {when}", no_wrap=True, overflow="ellipsis")
        scroll_y, self.next_scroll = self.next_scroll, None
        self._draw(self.scroll_y if scroll_y is None else scroll_y)

    def watch_bookmarked(self) -> None:
        self._draw(self.scroll_y)

    def watch_highlight(self) -> None:
        self._draw(self.scroll_y)

    def _draw(self, scroll_y: float) -> None:
        article = self.article
        if article is None:
            return
        text = display.article_text(
            article, self.clock(), bookmarked=article.key in self.bookmarked, highlight=self.highlight
        )
        self.query_one("#article-body", Static).update(text)
        # The new content must be laid out before the old position means anything.
        self.scroll_to(y=0, animate=False, immediate=True)
        if scroll_y:
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False, immediate=True)
