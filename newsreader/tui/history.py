"""Back/forward reading history, like a browser's, and a walk through a
related list.

Each entry is an article and where the reader had scrolled to. Opening a new
article drops the forward entries; going back and forward keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsreader.store import RelatedRow


@dataclass(slots=True)
class Visit:
    article_id: int
    scroll_y: float = 0.0


class ReadingHistory:
    def __init__(self, limit: int = 500) -> None:
        self._entries: list[Visit] = []
        self._index = -1
        self._limit = limit

    @property
    def current(self) -> Visit | None:
        return self._entries[self._index] if 0 <= self._index < len(self._entries) else None

    @property
    def can_go_back(self) -> bool:
        return self._index > 0

    @property
    def can_go_forward(self) -> bool:
        return self._index < len(self._entries) - 1

    def __len__(self) -> int:
        return len(self._entries)

    def visit(self, article_id: int) -> Visit:
        """Open ``article_id``: it becomes the newest entry (re-opening the
        current article does not add a duplicate)."""
        if self.current is not None and self.current.article_id == article_id:
            return self.current
        del self._entries[self._index + 1 :]
        self._entries.append(Visit(article_id))
        if len(self._entries) > self._limit:
            del self._entries[0]
        self._index = len(self._entries) - 1
        return self._entries[self._index]

    def remember_scroll(self, scroll_y: float) -> None:
        if self.current is not None:
            self.current.scroll_y = scroll_y

    def back(self) -> Visit | None:
        if not self.can_go_back:
            return None
        self._index -= 1
        return self._entries[self._index]

    def forward(self) -> Visit | None:
        if not self.can_go_forward:
            return None
        self._index += 1
        return self._entries[self._index]


@dataclass(frozen=True, slots=True)
class RelatedWalk:
    """``]``/``[`` step through one article's related list without losing it."""

    rows: tuple[RelatedRow, ...]
    index: int = -1
