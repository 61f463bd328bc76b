"""Noticing what other processes wrote: a refresh from cron, a second reader.

``PRAGMA data_version`` is SQLite's own counter, per connection, that moves
when *another* connection commits to the file; reading it costs no I/O, so
the reader can ask every second. When it moved, :func:`change_marks` says
what is different (new articles, read counts, sources) for the lists to
reload. Both look at the calling thread's connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.store.cache import Cache

__all__ = ["ChangeMarks", "change_marks", "changed_since_last_check"]


@dataclass(frozen=True, slots=True)
class ChangeMarks:
    """A cheap summary of the cache's content; two differ when lists must reload."""

    max_article_id: int
    articles: int
    unread: int
    hidden: int
    flagged: int
    sources: int
    read_changes: int  # rows of read state kept across cache wipes


def changed_since_last_check(cache: Cache) -> bool:
    """Whether another connection (another process, or another thread of
    this one) committed to the cache or its read state since this thread
    last asked. The first call only takes the mark and says False."""
    conn = cache.connection()
    version = (
        conn.execute("PRAGMA data_version").fetchone()[0],
        conn.execute("PRAGMA state.data_version").fetchone()[0],
    )
    marks: dict[int, tuple[int, int]] = cache.data_versions
    key = id(conn)
    last = marks.get(key)
    marks[key] = version
    return last is not None and last != version


def change_marks(cache: Cache) -> ChangeMarks:
    """What the lists show, summed up (a scan of two small indexes)."""
    conn = cache.connection()
    row = conn.execute(
        """SELECT coalesce(max(id), 0), count(*), coalesce(sum(is_read = 0), 0),
                  (SELECT count(*) FROM articles WHERE hidden = 1),
                  (SELECT count(*) FROM articles WHERE flagged = 1),
                  (SELECT count(*) FROM sources),
                  (SELECT coalesce(max(changed_at), 0) + count(*) FROM state.read_state)
           FROM articles"""
    ).fetchone()
    return ChangeMarks(*(int(v) for v in row))
