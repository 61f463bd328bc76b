"""Typed keys for the rows of the source list.

A row carries its key as an object (``KeyedOption.key``); nothing is ever
encoded into a string and sliced apart again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ListKind(Enum):
    """What a row of the source list lists."""

    BRIEFING = "briefing"  # the stories new since the reader was last opened
    ALL = "all"
    UNREAD = "unread"
    BOOKMARKS = "bookmarks"
    SEARCH = "search"
    SAVED = "saved"  # a saved search from config.toml
    SOURCE = "source"  # one outlet


@dataclass(frozen=True, slots=True)
class ListKey:
    """One list of headlines: ``number`` is the source's id or the saved
    search's index, 0 for the others."""

    kind: ListKind
    number: int = 0

    @classmethod
    def source(cls, source_id: int) -> ListKey:
        return cls(ListKind.SOURCE, source_id)

    @classmethod
    def saved(cls, index: int) -> ListKey:
        return cls(ListKind.SAVED, index)

    @property
    def is_source(self) -> bool:
        return self.kind is ListKind.SOURCE


BRIEFING = ListKey(ListKind.BRIEFING)
ALL = ListKey(ListKind.ALL)
UNREAD = ListKey(ListKind.UNREAD)
BOOKMARKS = ListKey(ListKind.BOOKMARKS)
SEARCH = ListKey(ListKind.SEARCH)
