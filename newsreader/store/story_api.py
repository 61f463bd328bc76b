"""Stories for the rest of the program: each function takes the :class:`Cache`.

Reads use the calling thread's connection; changes run in their own write
transaction. The SQL itself lives in :mod:`newsreader.store.story_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsreader.store import story_rows
from newsreader.store.cache import Cache
from newsreader.store.story_rows import StoryRow


def story_of(cache: Cache, article_id: int) -> StoryRow | None:
    """The story told by several outlets that ``article_id`` belongs to."""
    return story_rows.story_of_article(cache.connection(), article_id)


def stories_of(cache: Cache, article_ids: Iterable[int]) -> dict[int, StoryRow]:
    """The stories of these articles, by article id (articles in none left out)."""
    return story_rows.stories_for_articles(cache.connection(), article_ids)


def list_stories(cache: Cache, *, since_ts: int | None = None) -> list[StoryRow]:
    """Stories with two or more outlets, most recently active first."""
    return story_rows.list_stories(cache.connection(), since_ts=since_ts)


def followed_with_new_sources(cache: Cache) -> list[StoryRow]:
    """Followed stories that gained an outlet since they were last seen."""
    return story_rows.followed_with_new_sources(cache.connection())


def set_story_flags(cache: Cache, story_id: int, *, muted: bool | None = None, followed: bool | None = None) -> bool:
    """Mute or follow a story (None leaves a flag as it is); False when it is gone."""
    with cache.write() as conn:
        return story_rows.set_story_flags(conn, story_id, muted=muted, followed=followed)


def mark_story_seen(cache: Cache, story_id: int) -> None:
    """The reader has seen the story's current outlets."""
    with cache.write() as conn:
        story_rows.mark_story_seen(conn, story_id)


def rebuild_stories(cache: Cache) -> int:
    """Group every article into stories again; how many stories there are."""
    with cache.write() as conn:
        return story_rows.rebuild_stories(conn)
