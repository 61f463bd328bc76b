"""Rows that wrap with a hanging indent: a headline's title continues
under its first word, not under its unread mark.

A label's lines are wrapped one by one; each continuation line is indented
by the line's *hang*, the cells its marks take (leading spaces, ``●``,
``★``, ``↳``, and a related story's number). Where the lines break is
worked out from the plain text alone, so a list measures its rows without
building their styled text; only the rows drawn are.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from typing import cast

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

#: What a line's continuation lines are indented past: its number (one
#: digit and a space, in the related sidebar), then spaces and marks.
HANG = re.compile(r"^(?:\d )?[ ●★⚑↳]*")
WORD = re.compile(r"\S+\s*|\s+")


def hang_of(line: str, width: int) -> int:
    """The indent of ``line``'s continuation lines at ``width`` (never more than half of it)."""
    match = HANG.match(line)
    return min(match.end() if match else 0, width // 2)


def fitting(word: str, cells: int) -> int:
    """How many of ``word``'s characters fit in ``cells``."""
    used = 0
    for index, char in enumerate(word):
        used += cell_len(char)
        if used > cells:
            return index
    return len(word)


def breaks(line: str, width: int, hang: int) -> list[int]:
    """Where ``line`` breaks at ``width`` cells (continuation lines have
    ``hang`` cells fewer), as :func:`word_breaks` says; a line of one-cell
    characters spaced by plain spaces (nearly every title) is measured by
    its length and broken at spaces found from the end of each line."""
    if not one_cell(line) or len(line) - len(line.lstrip(" ")) >= width:
        return word_breaks(line, width, hang)  # (or its leading spaces fill a line)
    end = len(line.rstrip(" "))  # trailing spaces never need a line
    offsets: list[int] = []
    start, room = 0, width
    while end - start > room:
        first = start  # the line's first character that is not a space
        while line[first] == " ":
            first += 1
        cut = line.rfind(" ", first + 1, start + room + 1)
        if cut == -1:  # no space to break at: the word is folded
            start = max(start + room, first + 1)
        else:
            start = cut + 1
            while line[start] == " ":
                start += 1
        offsets.append(start)
        room = max(width - hang, 1)
    return offsets


#: Characters seen to take one cell (white space other than " " never
#: counts), and those seen not to; each kept to a few thousand.
_ONE_CELL: set[str] = {" "}
_NOT_ONE_CELL: set[str] = set()
_KNOWN_MAX = 4096


def one_cell(line: str) -> bool:
    """Whether every character of ``line`` takes one cell and the only white space is " "."""
    if _ONE_CELL.issuperset(line):
        return True
    for char in set(line).difference(_ONE_CELL):
        if char in _NOT_ONE_CELL:
            return False
        ok = not char.isspace() and cell_len(char) == 1
        known = _ONE_CELL if ok else _NOT_ONE_CELL
        if len(known) < _KNOWN_MAX:
            known.add(char)
        if not ok:
            return False
    return True


def word_breaks(line: str, width: int, hang: int) -> list[int]:
    """Where ``line`` breaks at ``width`` cells (continuation lines have
    ``hang`` cells fewer): words move to the next line whole, a word longer
    than a line is folded. Word by word, measuring each character's cells."""
    offsets: list[int] = []
    room, used, placed = width, 0, False
    for match in WORD.finditer(line):
        word = match.group()
        if not word.strip():  # spaces never start a line of their own
            used += cell_len(word)
            continue
        size = cell_len(word.rstrip())
        if used + size > room and placed:
            offsets.append(match.start())
            room, used = max(width - hang, 1), 0
        start = match.start()
        while size > room - used:  # a word longer than the line: folded
            start += max(fitting(word, room - used), 1)
            word = line[start : match.end()]
            offsets.append(start)
            room, used = max(width - hang, 1), 0
            size = cell_len(word.rstrip())
        used += cell_len(word)
        placed = True
    return offsets


def line_count(plain: str, width: int) -> int:
    """How many lines ``plain`` takes at ``width`` when wrapped as :func:`wrap_hanging` does."""
    return sum(1 + len(breaks(line, width, hang_of(line, width))) for line in plain.split("\n"))


def wrap_hanging(content: Content, width: int) -> Content:
    """``content`` with its lines wrapped to ``width``, continuation lines
    hanging; each line ends without its trailing spaces. Built in one pass
    over the text and its spans (a style never spreads onto an indent)."""
    plain = content.plain
    pieces: list[tuple[int, int, str]] = []  # (start, end) of the text kept, and what goes before it
    offset = 0
    for number, line in enumerate(plain.split("\n")):
        hang = hang_of(line, width)
        start, before = 0, "\n" if number else ""
        for cut in breaks(line, width, hang):
            pieces.append((offset + start, offset + len(line[:cut].rstrip()), before))
            start, before = cut, "\n" + " " * hang
        pieces.append((offset + start, offset + len(line.rstrip()), before))
        offset += len(line) + 1
    text: list[str] = []
    placed: list[tuple[int, int, int]] = []  # (start, end, where it starts in the new text)
    size = 0
    for start, end, before in pieces:
        text.append(before)
        size += len(before)
        if end > start:
            text.append(plain[start:end])
            placed.append((start, end, size))
            size += end - start
    spans = [
        Span(max(span.start, start) - start + at, min(span.end, end) - start + at, span.style)
        for span in content.spans
        for start, end, at in placed
        if span.start < end and span.end > start
    ]
    return Content("".join(text), spans, strip_control_codes=False)


#: Rich styles of the style combinations labels are drawn in (a few dozen
#: in practice: marks, titles, meta lines on the list's row styles).
_RICH_STYLES: dict[tuple[Style, ...], RichStyle] = {}
_RICH_STYLES_MAX = 4096


def _rich_style(base: Style, styles: tuple[Style, ...]) -> RichStyle:
    """The style Textual draws text in under ``styles`` on ``base`` (as ``Content.render`` combines them)."""
    key = (base, *styles)
    rich = _RICH_STYLES.get(key)
    if rich is None:
        if len(_RICH_STYLES) >= _RICH_STYLES_MAX:
            _RICH_STYLES.clear()
        rich = _RICH_STYLES[key] = (base + Style.combine(key)).rich_style
    return rich


def wrapped_strips(content: Content, width: int, base: Style, options: RenderOptions) -> list[Strip] | None:
    """``content``'s lines (wrapped already) drawn on ``base`` as Textual
    draws them with wrapping off, without a style per segment for its
    offset (mouse selection, which lists do not allow). None when a line is
    wider than ``width`` (Textual's own drawing clips it)."""
    plain = content.plain
    get_style = options.get_style
    spans = [
        (span.start, span.end, span.style if isinstance(span.style, Style) else get_style(span.style))
        for span in content.spans
    ]
    strips: list[Strip] = []
    offset = 0
    for line in plain.split("\n"):
        end = offset + len(line)
        cells = cell_len(line)
        if cells > width or "\t" in line:
            return None
        here = [span for span in spans if span[0] < end and span[1] > offset]
        cuts = sorted({offset, end, *(max(s, offset) for s, _, _ in here), *(min(e, end) for _, e, _ in here)})
        segments = [
            Segment(plain[a:b], _rich_style(base, tuple(st for s, e, st in here if s <= a and e >= b)))
            for a, b in pairwise(cuts)
            if b > a
        ] or [Segment("", _rich_style(base, ()))]
        strips.append(Strip(segments, cells))
        offset = end + 1
    return strips


class Hanging(Visual):
    """A ``Text`` label drawn with :func:`wrap_hanging`; measured from its plain text."""

    def __init__(self, text: Text, console: Console | None) -> None:
        self.text = text
        self.console = console
        self._content: Content | None = None
        self._height: tuple[int, int] | None = None
        self._wrapped: tuple[int, Content] | None = None

    @property
    def content(self) -> Content:
        if self._content is None:
            self._content = Content.from_rich_text(self.text, console=self.console)
        return self._content

    def at(self, width: int) -> Content:
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, wrap_hanging(self.content, max(width, 1)))
        return self._wrapped[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        # The lines are wrapped already: drawn as they are, not wrapped again.
        content = self.at(width)
        if options.selection is None and options.post_style is None and width > 0:
            strips = wrapped_strips(content, width, style, options)
            if strips is not None:
                return strips if height is None else strips[:height]
        rules = cast(RulesMap, {"text_wrap": "nowrap", "text_overflow": "clip"})
        return content.render_strips(width, height, style, replace(options, rules=rules))

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(cell_len(line) for line in self.text.plain.split("\n"))

    def get_height(self, rules: RulesMap, width: int) -> int:
        if self._height is None or self._height[0] != width:
            self._height = (width, line_count(self.text.plain, max(width, 1)))
        return self._height[1]
