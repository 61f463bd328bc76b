"""Headlines as one row per story.

A story told by several outlets shows once, at its newest headline in the
list, with a ``+N sources`` badge; its other headlines are folded under it
and appear beneath it when the story is expanded. Muted stories are left out
of reading lists. Pure functions: the screen feeds them rows from the cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsreader.store import HeadlineRow, StoryRow


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the headline list."""

    row: HeadlineRow
    story: StoryRow | None = None
    member: bool = False  # shown under its story's row because the story is expanded

    @property
    def is_story(self) -> bool:
        return self.story is not None and not self.member


def group(
    rows: Iterable[HeadlineRow],
    stories: Mapping[int, StoryRow],
    *,
    shown: set[int],
    expanded: Mapping[int, list[HeadlineRow]],
    hide_muted: bool = True,
    fold: bool = True,
) -> list[Entry]:
    """Entries for ``rows`` (a page of the list, newest first).

    ``shown`` holds the stories already given a row (earlier pages); it is
    updated. ``expanded`` maps a story id to the members to list under it.
    With ``fold`` False (one source's own list) every row stays, each with
    its story's badge.
    """
    out: list[Entry] = []
    for row in rows:
        story = stories.get(row.id)
        if story is None:
            out.append(Entry(row))
            continue
        if story.muted and hide_muted:
            continue
        if story.id in shown and fold:
            continue  # folded under the story's row
        if not fold:
            out.append(Entry(row, story))
            continue
        shown.add(story.id)
        out.append(Entry(row, story))
        for member in expanded.get(story.id, ()):
            if member.id != row.id:
                out.append(Entry(member, story, member=True))
    return out


def next_story(entries: list[Entry], start: int, step: int) -> int | None:
    """Index of the next (``step`` 1) or previous (-1) story row from ``start``."""
    index = start + step
    while 0 <= index < len(entries):
        if entries[index].is_story:
            return index
        index += step
    return None


class HeadlineModel:
    """The headline list of one source: the pages read so far, their stories,
    which stories are expanded, and the entries to draw."""

    def __init__(self, *, hide_muted: bool = True) -> None:
        self.hide_muted = hide_muted
        self.fold = True
        self.expanded: dict[int, list[HeadlineRow]] = {}
        self._clear()

    def _clear(self) -> None:
        self.raw: list[HeadlineRow] = []
        self.stories: dict[int, StoryRow] = {}
        self.entries: list[Entry] = []
        self.complete = True
        self._shown: set[int] = set()

    @property
    def rows(self) -> list[HeadlineRow]:
        return [e.row for e in self.entries]

    def first_page(self, rows: list[HeadlineRow], stories: Mapping[int, StoryRow], *, page_size: int) -> list[Entry]:
        self._clear()
        story_ids = {s.id for s in stories.values()}
        self.expanded = {k: v for k, v in self.expanded.items() if k in story_ids}
        return self.next_page(rows, stories, page_size=page_size)

    def next_page(self, rows: list[HeadlineRow], stories: Mapping[int, StoryRow], *, page_size: int) -> list[Entry]:
        """Add a page; returns the entries it adds. A ranked search may repeat
        a row across a page boundary: it is dropped."""
        known = {r.id for r in self.raw}
        fresh = [r for r in rows if r.id not in known]
        self.raw.extend(fresh)
        self.stories.update(stories)
        self.complete = len(rows) < page_size
        added = group(
            fresh, self.stories, shown=self._shown, expanded=self.expanded, hide_muted=self.hide_muted, fold=self.fold
        )
        self.entries.extend(added)
        return added

    def regroup(self) -> list[Entry]:
        """Entries again from the pages read (after expanding or muting)."""
        self._shown = set()
        self.entries = group(
            self.raw,
            self.stories,
            shown=self._shown,
            expanded=self.expanded,
            hide_muted=self.hide_muted,
            fold=self.fold,
        )
        return self.entries

    def story_of(self, article_id: int) -> StoryRow | None:
        for entry in self.entries:
            if entry.row.id == article_id and entry.story is not None:
                return entry.story
        return self.stories.get(article_id)

    def replace_row(self, row: HeadlineRow) -> Entry | None:
        """Swap in a changed row (read state); returns its entry."""
        self.raw = [row if r.id == row.id else r for r in self.raw]
        for index, entry in enumerate(self.entries):
            if entry.row.id == row.id:
                self.entries[index] = Entry(row, entry.story, entry.member)
                return self.entries[index]
        return None
