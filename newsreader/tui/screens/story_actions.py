"""Stories on the main screen: expand a story's row (``x``), jump between
stories (``}`` / ``{``), mute one (``M``), follow one (``F``) and compare
two outlets' versions of one (``c``, :mod:`.compare_screen`).

Muting hides a story from the reading lists (search still finds it);
following marks the outlets it has now as seen, so a story row says
"N new" when another outlet joins, and a refresh says so too.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from newsreader.tui.headline_groups import next_story
from newsreader.tui.screens import jobs
from newsreader.tui.screens.compare_screen import CompareScreen

if TYPE_CHECKING:
    from newsreader.tui.screens.main_screen import MainScreen


class StoryActions:
    """What ``x``, ``}``, ``{``, ``M``, ``F`` and ``c`` do."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def expand(self) -> None:
        screen = self.screen
        entry = screen.headlines.highlighted_entry
        if entry is None or entry.story is None:
            screen.notify("This headline is not a story told by several outlets.", timeout=2)
            return
        if not screen.headlines.fold_story(entry.story.id):
            job = partial(jobs.story_members, screen.services, entry.story.id, entry.row.id)
            screen.background(job, "stories", False)

    def jump(self, step: int) -> None:
        screen = self.screen
        entries = screen.headlines.entries
        # From the story being read; before the first row when none is open.
        article = screen.article
        current = next((i for i, e in enumerate(entries) if article is not None and e.row.id == article.id), None)
        start = current if current is not None else (-1 if step > 0 else len(entries))
        found = next_story(entries, start, step)
        if found is None:
            screen.notify("No more stories that way.", timeout=2)
            return
        screen.headlines.highlighted = found
        screen.open_article(entries[found].row.id)

    def target(self) -> int | None:
        """The article whose story ``M``/``F`` act on: the open one, else the highlighted row."""
        screen = self.screen
        if screen.article is not None:
            return screen.article.id
        entry = screen.headlines.highlighted_entry
        return entry.row.id if entry is not None else None

    def change(self, flag: str) -> None:
        target = self.target()
        if target is not None:
            self.screen.background(partial(jobs.change_story, self.screen.services, target, flag), "stories", False)

    def compare(self) -> None:
        """Open the compare view on the target's story: known to be one from
        its headline's row or from the open article's sidebar."""
        screen = self.screen
        target = screen.target_id()
        related = screen.related
        in_story = target is not None and (
            screen.headlines.model.story_of(target) is not None
            or (
                related is not None
                and related.article_id == target
                and any(r.reason == "same-story" for r in related.rows)
            )
        )
        if target is None or not in_story:
            screen.notify("This article is not part of a story told by several outlets.", timeout=2)
            return

        def chosen(article_id: int | None) -> None:
            if article_id is not None:
                screen.open_article(article_id)

        screen.app.push_screen(CompareScreen(screen.services, target), chosen)
