"""An article's pictures, drawn in the article pane as they arrive.

The screen hands down :class:`ArticlePictures` (the open article's picture
addresses, and for each the decoded picture or why it is not shown); the
article view mounts two :class:`ArticleImages`: the lead picture above the
text, the others below it. Each picture has one :class:`PictureFrame`: a dim
line while it loads, then the picture, or one quiet line ("image not shown:
too large …"); the caption stays in the text whatever happens.

The drawing is textual-image's: the terminal's graphics protocol (Kitty,
Sixel) for ``[ui] images = "auto"`` when the terminal has one, coloured
half-blocks otherwise and for ``"blocks"``. textual-image asks the terminal
what it can do when it is first imported, which must happen before the app
reads the keyboard: ``newsreader`` asks at start-up, and textual-image (with
Pillow) is imported when the first picture is drawn, its questions answered
from those answers (tui/terminal_graphics.py). No I/O here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static

from newsreader.parser.images import MAX_IMAGES
from newsreader.store import ArticleRow
from newsreader.tui import display, terminal_graphics

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

#: The widest a picture is drawn, in columns (about the text's measure).
MAX_COLUMNS = 80
#: The tallest, in rows and as a share of the terminal's height: the lead
#: picture leaves room for the text under it.
MAX_ROWS_LEAD, LEAD_SHARE = 18, 1 / 3
MAX_ROWS, SHARE = 30, 2 / 3
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


# eq=False: two states are the same only when they are one object (comparing
# pictures would compare every pixel).
@dataclass(frozen=True, slots=True, eq=False)
class Picture:
    """One picture of the open article: loading, shown (``image``) or not (``problem``)."""

    url: str
    image: PILImage | None = None
    problem: str | None = None

    @property
    def loading(self) -> bool:
        return self.image is None and self.problem is None


@dataclass(frozen=True, slots=True, eq=False)
class ArticlePictures:
    """The open article's pictures and how to draw them (``[ui] images``)."""

    article_id: int | None = None
    mode: str = "off"
    pictures: tuple[Picture, ...] = ()

    def arrived(self, index: int, image: PILImage | None, problem: str | None) -> ArticlePictures:
        """These pictures with the one at ``index`` come in."""
        if not 0 <= index < len(self.pictures):
            return self
        pictures = list(self.pictures)
        pictures[index] = replace(pictures[index], image=image, problem=None if image is not None else problem)
        return replace(self, pictures=tuple(pictures))


NO_PICTURES = ArticlePictures()


def picture_urls(row: ArticleRow) -> list[str]:
    """The addresses of ``row``'s pictures, lead picture first: the images
    its text had, then attachments that are pictures; each once, at most
    :data:`MAX_IMAGES` (an article with 2,000 images fetches 20)."""
    found: list[str] = []
    for url in row.images:
        if url not in found:
            found.append(url)
    for enclosure in row.enclosures:
        url = str(enclosure.get("url") or "")
        kind = str(enclosure.get("type") or "").lower()
        is_picture = kind.startswith("image/") or (not kind and url.lower().split("?", 1)[0].endswith(_IMAGE_SUFFIXES))
        if url and is_picture and "svg" not in kind and url not in found:
            found.append(url)
    return found[:MAX_IMAGES]


# ---------------------------------------------------------------- the terminal


def _terminal_ready() -> bool:
    """textual-image may be used now: the terminal was asked before the app
    started (``newsreader`` does it, tui/terminal_graphics.py), or there is no
    terminal to ask (tests), so drawing reads no keys."""
    stdout = sys.__stdout__
    return (
        terminal_graphics.drawer() is not None
        or "textual_image.renderable" in sys.modules
        or stdout is None
        or not stdout.isatty()
    )


def picture_side(mode: str) -> int:
    """The longest side, in pixels, worth decoding a picture to: half-blocks
    draw a pixel per column and two per row, Kitty and Sixel the real ones."""
    drawer = terminal_graphics.drawer()
    if drawer is None:  # not asked: whatever textual-image found, if it is loaded
        renderable = sys.modules.get("textual_image.renderable")
        module = getattr(getattr(renderable, "Image", None), "__module__", "")
        drawer = "sixel" if module.endswith((".sixel", ".tgp")) else "blocks"
    return 320 if mode == "blocks" or drawer == "blocks" else 1000


def _cell_size() -> tuple[int, int]:
    from textual_image._terminal import get_cell_size

    size = get_cell_size()
    return max(1, size.width), max(1, size.height)


def image_widget(mode: str, image: PILImage) -> Widget:
    """The textual-image widget for ``mode`` showing ``image``."""
    terminal_graphics.drawing()  # textual-image's drawing modules, without a question to the terminal
    if mode == "blocks":
        from textual_image.widget import HalfcellImage

        return HalfcellImage(image, classes="picture")
    from textual_image.widget import Image

    return Image(image, classes="picture")


def fit_cells(pixels: tuple[int, int], cell: tuple[int, int], columns: int, rows: int) -> tuple[int, int]:
    """The cells a picture of ``pixels`` takes: never wider than ``columns``
    or taller than ``rows``, never enlarged past its own size, ratio kept."""
    width, height = max(1, pixels[0]), max(1, pixels[1])
    cols = max(1, min(columns, round(width / cell[0])))
    lines = max(1, round(cols * cell[0] * height / width / cell[1]))
    if lines > rows:
        lines = rows
        cols = max(1, min(cols, round(lines * cell[1] * width / height / cell[0])))
    return cols, lines


# ---------------------------------------------------------------- widgets


class PictureFrame(Vertical):
    """One picture: a loading line, the picture, or the quiet line saying why not."""

    DEFAULT_CSS = """
    PictureFrame { height: auto; margin: 0 0 1 0; }
    PictureFrame .picture-note { color: $text-muted; }
    """

    def __init__(self, number: int, total: int, mode: str, max_rows: int, share: float) -> None:
        super().__init__()
        self.share = share
        self.number = number
        self.total = total
        self.mode = mode
        self.max_rows = max_rows
        self.picture: Picture | None = None
        self._drawn: Picture | None = None  # the picture the children show

    def compose(self) -> ComposeResult:
        if self.picture is not None:
            yield self._content(self.picture)

    def on_mount(self) -> None:
        # A picture that came in between compose and mount is drawn now.
        if self.picture is not self._drawn and self.picture is not None:
            self._redraw(self.picture)

    def show(self, picture: Picture) -> None:
        if picture is self.picture:
            return
        self.picture = picture
        if self.is_mounted:
            self._redraw(picture)

    def _redraw(self, picture: Picture) -> None:
        self.remove_children()
        self.mount(self._content(picture))

    def on_resize(self) -> None:
        for widget in self.query_children(".picture"):
            self._fit(widget)

    def _fit(self, widget: Widget) -> None:
        image = self.picture.image if self.picture is not None else None
        if image is None:
            return
        columns = min(MAX_COLUMNS, self.size.width or MAX_COLUMNS)
        # The size before decoding scaled it down (feeds/image_decode.py, ORIGINAL_SIZE).
        size = image.info.get("newsreader_original_size", image.size)
        rows = min(self.max_rows, max(4, int(self.app.size.height * self.share)))
        cols, rows = fit_cells(size, _cell_size(), columns, rows)
        widget.styles.width = cols
        widget.styles.height = rows

    def _content(self, picture: Picture) -> Widget:
        self._drawn = picture
        if picture.image is not None and _terminal_ready():
            widget = image_widget(self.mode, picture.image)
            self._fit(widget)
            return widget
        if picture.loading:
            line = f"▨ loading image {self.number} of {self.total}…"
        else:
            line = "▨ image not shown: " + display.safe(picture.problem or "the terminal cannot draw it here")
        return Static(Text(line, style="dim italic", no_wrap=True, overflow="ellipsis"), classes="picture-note")


class ArticleImages(Vertical):
    """The pictures ``start``..``stop`` of :attr:`pictures` (None: to the end)."""

    DEFAULT_CSS = """
    ArticleImages { height: auto; }
    """

    pictures: var[ArticlePictures] = var(NO_PICTURES)

    def __init__(self, start: int, stop: int | None, max_rows: int, share: float, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start = start
        self.stop = stop
        self.max_rows = max_rows
        self.share = share
        self._shown_for: tuple[int | None, int] = (None, 0)

    @classmethod
    def lead(cls, *, id: str | None = None) -> ArticleImages:
        """The first picture, above the text."""
        return cls(0, 1, MAX_ROWS_LEAD, LEAD_SHARE, id=id)

    @classmethod
    def rest(cls, *, id: str | None = None) -> ArticleImages:
        """The other pictures, below the text."""
        return cls(1, None, MAX_ROWS, SHARE, id=id)

    def compose(self) -> ComposeResult:
        return iter(())

    def _mine(self, pictures: Sequence[Picture]) -> Sequence[Picture]:
        return pictures[self.start : self.stop]

    def watch_pictures(self, new: ArticlePictures) -> None:
        mine = self._mine(new.pictures)
        frames = list(self.query_children(PictureFrame))
        if not mine and not frames:
            self.display = False
            return
        if self._shown_for != (new.article_id, len(mine)) or len(frames) != len(mine):
            self._shown_for = (new.article_id, len(mine))
            self.remove_children()
            total = len(new.pictures)
            frames = [
                PictureFrame(self.start + i + 1, total, new.mode, self.max_rows, self.share) for i in range(len(mine))
            ]
            self.mount_all(frames)
        for frame, picture in zip(frames, mine):
            frame.show(picture)
        self.display = bool(mine)
