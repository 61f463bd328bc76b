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
from typing import cast

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

#: What a line's continuation lines are indented past: its number (one
#: digit and a space, in the related sidebar), then spaces and marks.
HANG = re.compile(r"^(?:\d )?[ ●★↳]*")
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
    ``hang`` cells fewer): words move to the next line whole, a word longer
    than a line is folded."""
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
    """``content`` with its lines wrapped to ``width``, continuation lines hanging."""
    out: list[Content] = []
    for line in content.split("\n", allow_blank=True):
        plain = line.plain
        hang = hang_of(plain, width)
        pieces = line.divide(breaks(plain, width, hang))
        out.append(pieces[0].rstrip())
        indent = Content(" " * hang)
        out.extend(indent + piece.rstrip() for piece in pieces[1:])
    return Content("\n").join(out)


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
        rules = cast(RulesMap, {"text_wrap": "nowrap", "text_overflow": "clip"})
        return self.at(width).render_strips(width, height, style, replace(options, rules=rules))

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(cell_len(line) for line in self.text.plain.split("\n"))

    def get_height(self, rules: RulesMap, width: int) -> int:
        if self._height is None or self._height[0] != width:
            self._height = (width, line_count(self.text.plain, max(width, 1)))
        return self._height[1]
