"""Stories on the main screen: expand a story's row (``x``), jump between
stories (``}`` / ``{``), mute one (``M``) and follow one (``F``).

Muting hides a story from the reading lists (search still finds it);
following marks the outlets it has now as seen, so a story row says
"N new" when another outlet joins, and a refresh says so too.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from newsreader.store.story_rows import (
    followed_with_new_sources,
    mark_story_seen,
    set_story_flags,
    story_of_article,
)
from newsreader.tui import display
from newsreader.tui.headline_groups import next_story
from newsreader.tui.widgets.lists import KeyList

STORY_BINDINGS = [
    Binding(
        "x",
        "expand_story",
        "Expand story",
        show=False,
        id="story.expand",
        tooltip="Show or fold a story's other outlets",
    ),
    Binding("right_curly_bracket", "jump_story(1)", "Next story", show=False, id="story.next", key_display="}"),
    Binding("left_curly_bracket", "jump_story(-1)", "Previous story", show=False, id="story.previous", key_display="{"),
    Binding("M", "mute_story", "Mute story", show=False, id="story.mute", tooltip="Mute or unmute this story"),
    Binding(
        "F", "follow_story", "Follow story", show=False, id="story.follow", tooltip="Follow or unfollow this story"
    ),
]


class StoryActions:
    """Mixed into the main screen; uses ``headlines`` (a HeadlineModel),
    ``services``, ``article``, ``open_article``, ``redraw_headlines`` and ``reload``."""

    def highlighted_entry_index(self) -> int | None:
        listing = self.query_one("#headlines", KeyList)  # type: ignore[attr-defined]
        return listing.highlighted

    def action_expand_story(self) -> None:
        index = self.highlighted_entry_index()
        entries = self.headlines.entries  # type: ignore[attr-defined]
        if index is None or index >= len(entries) or entries[index].story is None:
            self.notify("This headline is not a story told by several outlets.", timeout=2)  # type: ignore[attr-defined]
            return
        story = entries[index].story
        if story.id in self.headlines.expanded:  # type: ignore[attr-defined]
            del self.headlines.expanded[story.id]  # type: ignore[attr-defined]
            self.redraw_headlines()  # type: ignore[attr-defined]
            return
        self.load_story_members(story.id, entries[index].row.id)

    @work(thread=True, group="stories")
    def load_story_members(self, story_id: int, head_id: int) -> None:
        cache = self.services.cache  # type: ignore[attr-defined]
        story = story_of_article(cache.connection(), head_id)
        ids = [m.id for m in reversed(story.members)] if story else []  # newest first, like the list
        rows = cache.headlines_by_ids(ids)
        self.app.call_from_thread(self.show_story_members, story_id, rows)  # type: ignore[attr-defined]

    def show_story_members(self, story_id: int, rows) -> None:
        self.headlines.expanded[story_id] = list(rows)  # type: ignore[attr-defined]
        self.redraw_headlines()  # type: ignore[attr-defined]

    def action_jump_story(self, step: int) -> None:
        entries = self.headlines.entries  # type: ignore[attr-defined]
        # From the story being read; before the first row when none is open.
        article = self.article  # type: ignore[attr-defined]
        current = next((i for i, e in enumerate(entries) if article is not None and e.row.id == article.id), None)
        start = current if current is not None else (-1 if step > 0 else len(entries))
        found = next_story(entries, start, step)
        if found is None:
            self.notify("No more stories that way.", timeout=2)  # type: ignore[attr-defined]
            return
        self.query_one("#headlines", KeyList).highlighted = found  # type: ignore[attr-defined]
        self.open_article(entries[found].row.id)  # type: ignore[attr-defined]

    def story_target(self) -> int | None:
        """The article whose story ``M``/``F`` act on: the open one, else the highlighted row."""
        article = self.article  # type: ignore[attr-defined]
        if article is not None:
            return article.id
        index = self.highlighted_entry_index()
        entries = self.headlines.entries  # type: ignore[attr-defined]
        return entries[index].row.id if index is not None and index < len(entries) else None

    def action_mute_story(self) -> None:
        target = self.story_target()
        if target is not None:
            self.change_story(target, "mute")

    def action_follow_story(self) -> None:
        target = self.story_target()
        if target is not None:
            self.change_story(target, "follow")

    @work(thread=True, group="stories")
    def change_story(self, article_id: int, what: str) -> None:
        cache = self.services.cache  # type: ignore[attr-defined]
        story = story_of_article(cache.connection(), article_id)
        if story is None:
            self.app.call_from_thread(
                self.notify, "This article is not part of a story told by several outlets.", timeout=3
            )  # type: ignore[attr-defined]
            return
        with cache.write() as conn:
            if what == "mute":
                set_story_flags(conn, story.id, muted=not story.muted)
                message = (
                    "Story unmuted." if story.muted else "Story muted: hidden from your lists (M on it again unmutes)."
                )
            else:
                set_story_flags(conn, story.id, followed=not story.followed)
                message = (
                    "Story unfollowed." if story.followed else "Following this story: new outlets will be flagged."
                )
        self.app.call_from_thread(self.after_story_change, message)  # type: ignore[attr-defined]

    def after_story_change(self, message: str) -> None:
        self.notify(message, timeout=3)  # type: ignore[attr-defined]
        self.reload()  # type: ignore[attr-defined]

    @work(thread=True, group="stories")
    def story_seen(self, article_id: int) -> None:
        """Opening an article of a followed story: its new outlets are seen."""
        cache = self.services.cache  # type: ignore[attr-defined]
        story = story_of_article(cache.connection(), article_id)
        if story is not None and story.followed and story.new_sources:
            with cache.write() as conn:
                mark_story_seen(conn, story.id)

    @work(thread=True, group="stories")
    def announce_followed(self) -> None:
        """After a refresh: say which followed stories gained an outlet."""
        stories = followed_with_new_sources(self.services.cache.connection())  # type: ignore[attr-defined]
        for story in stories[:3]:
            self.app.call_from_thread(  # type: ignore[attr-defined]
                self.notify,
                f"{display.safe(story.title)[:80]}: {story.new_sources} new outlet(s)",  # type: ignore[attr-defined]
                title="Followed story",
                timeout=6,
            )
