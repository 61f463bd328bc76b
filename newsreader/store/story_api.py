"""Stories for the rest of the program: each function takes the :class:`~.cache.Cache`
and opens its own read or write transaction, so a caller never holds a
connection (the SQL itself is in :mod:`.story_rows`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from newsreader.store import story_rows
from newsreader.store.cache import Cache
from newsreader.store.story_rows import (
    StoryRow,
    followed_with_new_sources,
    mark_story_seen,
    stories_for_articles,
    story_of_article,
)

StoryFlag = Literal["mute", "follow"]


def story_for_article(cache: Cache, article_id: int) -> StoryRow | None:
    """The story told by several outlets that ``article_id`` belongs to, with its members."""
    return story_of_article(cache.connection(), article_id)


def stories_for_headlines(cache: Cache, article_ids: Iterable[int]) -> dict[int, StoryRow]:
    """article id -> its story, for a page of headlines."""
    return stories_for_articles(cache.connection(), article_ids)


def followed_stories_with_news(cache: Cache) -> list[StoryRow]:
    """Followed stories that an outlet joined since the reader last looked."""
    return followed_with_new_sources(cache.connection())


def toggle_story_flag(cache: Cache, article_id: int, flag: StoryFlag) -> StoryRow | None:
    """Mute/unmute or follow/unfollow the story of ``article_id``.

    Returns the story as it was before the change (so the caller can say
    which way it went), or None when the article is in no such story."""
    story = story_of_article(cache.connection(), article_id)
    if story is None:
        return None
    with cache.write() as conn:
        if flag == "mute":
            story_rows.set_story_flags(conn, story.id, muted=not story.muted)
        else:
            story_rows.set_story_flags(conn, story.id, followed=not story.followed)
    return story


def mark_followed_story_seen(cache: Cache, article_id: int) -> bool:
    """The reader opened ``article_id``: if its story is followed, the
    outlets it has now are no longer new. True when something changed."""
    story = story_of_article(cache.connection(), article_id)
    if story is None or not story.followed or not story.new_sources:
        return False
    with cache.write() as conn:
        mark_story_seen(conn, story.id)
    return True


def list_stories(cache: Cache, *, since_ts: int | None = None) -> list[StoryRow]:
    """Stories with two or more outlets, most recently active first."""
    return story_rows.list_stories(cache.connection(), since_ts=since_ts)


def rebuild_stories(cache: Cache) -> int:
    """Group every article into stories again; how many stories there are."""
    with cache.write() as conn:
        return story_rows.rebuild_stories(conn)


def set_story_flags(cache: Cache, story_id: int, *, muted: bool | None = None, followed: bool | None = None) -> bool:
    """Mute or follow a story by its id (None leaves a flag as it is); False when it is gone."""
    with cache.write() as conn:
        return story_rows.set_story_flags(conn, story_id, muted=muted, followed=followed)
