"""The related-stories sidebar: the open article's related stories,
grouped (same story, on the page, similar), numbered for ``1``-``9``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.reactive import var
from textual.widgets import OptionList

from newsreader.store import ArticleRow, RelatedRow
from newsreader.tui import display
from newsreader.tui.messages import RelatedChosen
from newsreader.tui.widgets.lists import KeyList

HEADINGS = {"same-story": "same story", "page": "on the page", "similar": "similar"}


@dataclass(frozen=True, slots=True)
class RelatedList:
    """The related stories of one article (``source``: that article's outlet)."""

    article_id: int
    source: str
    rows: tuple[RelatedRow, ...]


def related_items(related: RelatedList, now: datetime) -> list[tuple[int | None, Text]]:
    items: list[tuple[int | None, Text]] = []
    rows = related.rows
    previous = None
    for number, row in enumerate(rows, 1):
        if row.reason != previous:
            count = sum(1 for r in rows if r.reason == row.reason)
            heading = HEADINGS.get(row.reason, row.reason)
            if row.reason == "same-story":
                outlets = len({r.source for r in rows if r.reason == "same-story"} | {related.source})
                heading += f" · {outlets} outlets"
            items.append((None, display.heading_label(f"{heading} ({count})")))
            previous = row.reason
        items.append((row.id, display.related_label(number, row, now)))
    return items


class RelatedPane(KeyList[int]):
    """Rows keyed by article id; posts :class:`RelatedChosen` on Enter."""

    #: The list shown (bound from the screen): the open article's, or the
    #: one ``]``/``[`` walk through.
    related: var[RelatedList | None] = var(None)
    #: The open article (bound): highlighted when it is one of the rows.
    article: var[ArticleRow | None] = var(None)

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock

    def watch_related(self, related: RelatedList | None) -> None:
        if related is None:
            self.show_items([])
            self.border_title = "Related"
            return
        self.show_items(related_items(related, self.clock()))
        self.border_title = f"Related ({len(related.rows)})" if related.rows else "Related (none)"

    def watch_article(self, row: ArticleRow | None) -> None:
        if row is not None:
            self.highlight_key(row.id)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()

    def chosen_message(self, key: int) -> RelatedChosen:
        return RelatedChosen(key)
