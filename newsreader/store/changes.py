"""Noticing what other processes wrote: a refresh from cron, a second reader.

``PRAGMA data_version`` is SQLite's own counter, per connection, that moves
when *another* connection commits to the file; reading it costs no I/O, so
the reader can ask every second. When it moved, :func:`change_marks` says
what is different (new articles, read counts, sources) for the lists to
reload. Both look at the calling thread's connection.
"""

from __future__ import annotations

import sqlite3
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
    """Whether another process (or another :class:`Cache` on the same file)
    added or removed articles or sources since this thread last asked. The
    first call only takes the mark and says False.

    ``data_version`` also moves for this object's own commits made on its
    other threads (marking an article read in a worker): when it moved and
    this object committed too, the content is compared, so the reader's own
    reading never reloads its lists."""
    conn = cache.connection()
    version = (
        conn.execute("PRAGMA data_version").fetchone()[0],
        conn.execute("PRAGMA state.data_version").fetchone()[0],
    )
    own = cache.own_commits
    key = id(conn)
    last = cache.data_versions.get(key)
    if last is not None and last[0] == version:
        cache.data_versions[key] = (version, own, last[2])
        return False
    content = _content(conn)
    cache.data_versions[key] = (version, own, content)
    if last is None:
        return False
    if own == last[1]:
        return True
    return content != last[2]


def _content(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """The newest article, how many there are, how many sources: what another
    process's import, refresh or removal changes."""
    row = conn.execute("SELECT coalesce(max(id), 0), count(*), (SELECT count(*) FROM sources) FROM articles").fetchone()
    return (int(row[0]), int(row[1]), int(row[2]))


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
