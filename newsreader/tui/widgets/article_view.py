"""The article pane: a scrollable, plain-text view of one article.

The screen binds the open article, the bookmarked keys and the words to
highlight down to it; any change of them draws the article again.

The text is an :class:`ArticleBody`, drawn line by line (Textual's line
API): wrapped once per width and kept, so opening an article repaints the
pane and lays it out once, where a ``Static`` wrapped the whole text to
measure it, again to draw it, and asked for a second layout.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.reactive import var
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from newsreader.store import ArticleRow
from newsreader.tui import display
from newsreader.tui.widgets.article_images import NO_PICTURES, ArticleImages, ArticlePictures

EMPTY = Text("Choose a headline to read it.", style="dim")


class ArticleBody(Widget):
    """Untrusted text drawn as it is (a ``Text``, never markup): its lines
    are wrapped once for a width and kept until the text, the width, the
    style or the selection changes."""

    DEFAULT_CSS = """
    ArticleBody { height: auto; }
    """
    ALLOW_SELECT = True

    def __init__(self, text: Text, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = text
        self._visual: Visual | None = None
        self._lines: tuple[int, list[Strip]] | None = None  # (width, the lines at that width)

    def update(self, text: Text) -> None:
        """Draw ``text``; the pane is laid out again only when its height changes."""
        width = self.size.width
        before = len(self._lines[1]) if self._lines is not None and self._lines[0] == width else None
        self._text = text
        self._visual = None
        self._lines = None
        same_height = before is not None and len(self.lines_at(width)) == before
        self.refresh(layout=not same_height)

    def render(self) -> Visual:
        # As a Static holds it: Textual's own content, spans and all (tests read them).
        if self._visual is None:
            self._visual = visualize(self, self._text, markup=False)
        return self._visual

    def lines_at(self, width: int) -> list[Strip]:
        """The text's lines wrapped to ``width``, styled as the pane draws them."""
        if self._lines is None or self._lines[0] != width:
            strips = Visual.to_strips(self, self.render(), width, None, self.visual_style) if width > 0 else []
            self._lines = (width, strips)
        return self._lines[1]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines_at(width))

    def render_line(self, y: int) -> Strip:
        lines = self.lines_at(self.size.width)
        if 0 <= y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def notify_style_update(self) -> None:
        self._lines = None  # drawn in other colours (the theme, the CSS)
        super().notify_style_update()

    def selection_updated(self, selection: Selection | None) -> None:
        self._lines = None  # the selection is drawn into the lines
        super().selection_updated(selection)


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
        body = ArticleBody(EMPTY, id="article-body")
        body.styles.max_width = self.measure
        yield body
        yield ArticleImages.rest(id="article-more-images").data_bind(ArticleView.pictures)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # The pane's size is the CSS's; a new text changes only the height
        # scrolled through, found by the layout that calls this. Textual's
        # ``virtual_size`` is a layout reactive: assigned, it would lay the
        # whole screen out a second time. The scrollbar still follows
        # (``_scroll_update``), and a scrollbar appearing lays out on its own.
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def watch_article(self, new: ArticleRow | None) -> None:
        if new is None:
            self.border_title = "Article"
            self.query_one("#article-body", ArticleBody).update(EMPTY)
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
        self.query_one("#article-body", ArticleBody).update(text)
        # The new content must be laid out before the old position means anything.
        self.scroll_to(y=0, animate=False, immediate=True)
        if scroll_y:
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False, immediate=True)
