"""Read state by story: reading one outlet's version of an event marks the
others read too (``[ui] read_by_story``), as one change that undoes as one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsreader.store.articlerows import chunks

if TYPE_CHECKING:
    from newsreader.store.cache import Cache

__all__ = ["mark_read_by_story", "story_versions", "unread_by_story"]


def story_versions(cache: Cache, article_id: int) -> list[int]:
    """``article_id`` and the other articles of its story (hidden ones too:
    they are the same event), the given one first."""
    rows = cache.connection().execute(
        """SELECT m.article_id FROM story_articles s JOIN story_articles m ON m.story_id = s.story_id
           WHERE s.article_id = ? AND m.article_id != ? ORDER BY m.article_id""",
        (article_id, article_id),
    )
    return [article_id, *(int(r[0]) for r in rows)]


def mark_read_by_story(cache: Cache, article_id: int, read: bool = True) -> list[tuple[int, bool]]:
    """Mark ``article_id`` and its story's other versions read (or unread) in
    one transaction. Returns ``(article_id, was_read)`` for each article that
    changed: what ``UndoStack.push`` takes and ``Cache.restore_read`` undoes."""
    with cache.write():
        return cache.set_read(story_versions(cache, article_id), read)


def unread_by_story(cache: Cache, story_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Unread articles per story (hidden ones left out); stories with none are absent."""
    sql = """SELECT m.story_id, count(*) FROM story_articles m JOIN articles a ON a.id = m.article_id
             WHERE a.is_read = 0 AND a.hidden = 0 {} GROUP BY m.story_id"""
    conn = cache.connection()
    if story_ids is None:
        return {int(r[0]): int(r[1]) for r in conn.execute(sql.format(""))}
    out: dict[int, int] = {}
    for chunk in chunks(sorted(set(story_ids)), 500):
        marks = ",".join("?" * len(chunk))
        out.update({int(r[0]): int(r[1]) for r in conn.execute(sql.format(f"AND m.story_id IN ({marks})"), chunk)})
    return out
