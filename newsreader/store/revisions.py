"""Revisions: the earlier versions of an article a feed changed.

When a refresh or an import brings an article already stored with another
title or body (a correction, a stealth edit, a developing story), ingest
calls :func:`revise`: the stored version goes into ``revisions`` and the
row in ``articles`` becomes the new one. At most ``keep`` earlier versions
are kept per article (``[ui] keep_revisions``), the oldest dropped first,
so a body that changes at every refresh never grows without end.

``revised_articles`` numbers the current version and remembers the one the
reader last opened (:func:`note_opened`); ``D`` compares the version read
before with the current one (:func:`article_revisions`). An article whose
current version has not been opened (nor marked read: :func:`note_seen`)
has ``articles.revised`` set: the lists say "updated" from that column, at
no cost to their queries.

Undo: marking an "updated" article read remembers its marks on the
:class:`Cache` handle (:func:`remember_updated`), so that undoing the read
makes it "updated" again (:func:`restore_updated`). A read mark that comes
by sync is seeing the current version too (:func:`note_seen_keys`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.core.models import Article
from newsreader.store import textpack
from newsreader.store.articlerows import ArticleFields, chunks

if TYPE_CHECKING:
    from newsreader.store.cache import Cache

__all__ = [
    "DEFAULT_KEEP",
    "Revision",
    "RevisionHistory",
    "UpdatedWhenRead",
    "article_revisions",
    "note_opened",
    "note_seen",
    "note_seen_keys",
    "remember_updated",
    "restore_updated",
    "revise",
]

#: Earlier versions kept per article unless ``[ui] keep_revisions`` says otherwise.
DEFAULT_KEEP = 5


@dataclass(frozen=True, slots=True)
class Revision:
    """One version of an article: ``version`` 1 is the first stored."""

    version: int
    title: str
    body: str
    seen_at: int  # when it arrived (UNIX time)


@dataclass(frozen=True, slots=True)
class UpdatedWhenRead:
    """An article's revision marks when it was marked read while "updated"."""

    version: int
    read_version: int | None
    diff_from: int | None


@dataclass(frozen=True, slots=True)
class RevisionHistory:
    """An article's kept versions, oldest first, the current one last."""

    article_id: int
    versions: list[Revision]
    #: The version the reader last opened (None: none since it changed).
    read_version: int | None
    #: The version read before that one: what "since you read it" means
    #: once the current one has been opened.
    diff_from: int | None

    @property
    def current(self) -> Revision:
        return self.versions[-1]

    def base(self) -> tuple[Revision, bool]:
        """The version to compare the current one with, and whether it is
        one the reader read (else the oldest kept: read ones were dropped,
        or none was read)."""
        current = self.current.version
        wanted = self.read_version if self.read_version is not None and self.read_version < current else None
        if wanted is None:
            wanted = self.diff_from
        kept = {r.version: r for r in self.versions[:-1]}
        if wanted is not None and wanted in kept:
            return kept[wanted], True
        return self.versions[0], False


def revise(
    conn: sqlite3.Connection, row: sqlite3.Row, art: Article, f: ArticleFields, keep: int, now: int
) -> dict[str, object]:
    """The ingest hook: the columns to change when ``art`` (from the same
    source as the stored ``row``) brings a new title or body; the stored
    version is kept. Empty when nothing changed or the versions are not
    comparable: a summary against a full body (another representation, not
    an edit), or a body that was fetched from the article's page (its
    title can still change). Stored values are compared first; texts only
    when those differ (a deflated body may differ in bytes, not in text)."""
    title_changed = art.title != row["title"]
    full_text = row["full_text_url"] is not None
    if not full_text and bool(row["summary_only"]) != f.summary_only:
        return {}
    body_changed = not full_text and f.body != row["body"] and textpack.unpack(f.body) != textpack.unpack(row["body"])
    if not (title_changed or body_changed):
        return {}
    article_id = row["id"]
    mark = conn.execute("SELECT version, seen_at FROM revised_articles WHERE article_id = ?", (article_id,)).fetchone()
    version, seen_at = (mark["version"], mark["seen_at"]) if mark else (1, row["added_at"])
    conn.execute(
        "INSERT OR REPLACE INTO revisions(article_id, version, title, body, seen_at) VALUES (?, ?, ?, ?, ?)",
        (article_id, version, row["title"], row["body"], seen_at),
    )
    conn.execute("DELETE FROM revisions WHERE article_id = ? AND version <= ?", (article_id, version - max(1, keep)))
    if mark:
        conn.execute(
            "UPDATE revised_articles SET version = ?, seen_at = ? WHERE article_id = ?",
            (version + 1, now, article_id),
        )
    else:
        # Read before it changed: the version read is the one just kept.
        conn.execute(
            "INSERT INTO revised_articles(article_id, version, seen_at, read_version) VALUES (?, ?, ?, ?)",
            (article_id, version + 1, now, version if row["is_read"] else None),
        )
    changes: dict[str, object] = {"revised": 1}
    if title_changed:
        changes.update(title=art.title, title_hash=f.title_hash)
    if body_changed:
        changes.update(body=f.body, summary=f.summary)
    return changes


def note_opened(cache: Cache, article_id: int) -> bool:
    """The reader opened the article's current version: it is no longer
    "updated", and ``D`` compares with the version read before. Writes only
    when there is something to note; True when it did."""
    conn = cache.connection()
    mark = conn.execute(
        "SELECT version, read_version FROM revised_articles WHERE article_id = ?", (article_id,)
    ).fetchone()
    if mark is None or mark["read_version"] == mark["version"]:
        # Seen again: undoing the read that cleared "updated" leaves it cleared.
        cache.updated_when_read.pop(article_id, None)
        return False
    with cache.write() as conn:
        _seen(conn, [article_id])
    return True


def note_seen(cache: Cache, article_ids: list[int]) -> list[int]:
    """Marking articles read says the reader has seen their current
    versions, as opening them does: those of ``article_ids`` that say
    "updated" no longer do, and ``D`` compares with the version read before.
    Returns those that said "updated" (undo restores them: ``Cache.restore_read``
    with ``(id, True)`` for the ones already read); writes only when some did."""
    conn = cache.connection()
    revised = [
        row[0]
        for chunk in chunks(article_ids, 500)
        for row in conn.execute(
            f"SELECT id FROM articles WHERE revised = 1 AND id IN ({','.join('?' * len(chunk))})", chunk
        )
    ]
    if revised:
        with cache.write() as conn:
            remember_updated(conn, cache.updated_when_read, [(article_id, True) for article_id in revised])
            _seen(conn, revised)
    return revised


def note_seen_keys(conn: sqlite3.Connection, keys: list[str]) -> int:
    """Read marks that came by sync (in their write transaction): the
    articles with these keys that said "updated" no longer do, as when the
    reader marks them read here. Returns how many said "updated"."""
    revised = [
        row[0]
        for chunk in chunks(keys, 500)
        for row in conn.execute(
            f"SELECT id FROM articles WHERE revised = 1 AND key IN ({','.join('?' * len(chunk))})", chunk
        )
    ]
    _seen(conn, revised)
    return len(revised)


def remember_updated(
    conn: sqlite3.Connection, remembered: dict[int, UpdatedWhenRead], marked_read: list[tuple[int, bool]]
) -> None:
    """These ``(article_id, says "updated")`` are being marked read: keep
    the revision marks of those that say "updated" (undoing the read
    restores them), forget any kept for the others."""
    for article_id, revised in marked_read:
        if not revised:
            remembered.pop(article_id, None)
    ids = [article_id for article_id, revised in marked_read if revised]
    for chunk in chunks(ids, 500):
        for row in conn.execute(
            f"""SELECT article_id, version, read_version, diff_from FROM revised_articles
                WHERE article_id IN ({",".join("?" * len(chunk))})""",
            chunk,
        ):
            remembered[row[0]] = UpdatedWhenRead(row[1], row[2], row[3])


def restore_updated(cache: Cache, article_ids: list[int]) -> int:
    """An undo put these articles back as they were before a marking: those
    that said "updated" then say it again, with the version read before
    (``D``), unless a newer version came since. Returns how many."""
    marks = {i: cache.updated_when_read.pop(i) for i in article_ids if i in cache.updated_when_read}
    if not marks:
        return 0
    restored = 0
    with cache.write() as conn:
        for article_id, mark in marks.items():
            cur = conn.execute(
                """UPDATE revised_articles SET read_version = ?, diff_from = ?
                   WHERE article_id = ? AND version = ? AND read_version IS version""",
                (mark.read_version, mark.diff_from, article_id, mark.version),
            )
            if cur.rowcount:
                conn.execute("UPDATE articles SET revised = 1 WHERE id = ?", (article_id,))
                restored += 1
    return restored


def _seen(conn: sqlite3.Connection, article_ids: list[int]) -> None:
    """The current versions of ``article_ids`` are the ones read now."""
    for chunk in chunks(article_ids, 500):
        marks = ",".join("?" * len(chunk))
        conn.execute(
            f"""UPDATE revised_articles SET diff_from = read_version, read_version = version
                WHERE article_id IN ({marks}) AND read_version IS NOT version""",
            chunk,
        )
        conn.execute(f"UPDATE articles SET revised = 0 WHERE id IN ({marks})", chunk)


def article_revisions(cache: Cache, article_id: int) -> RevisionHistory | None:
    """The article's kept versions and the current one; None when it never changed."""
    conn = cache.connection()
    mark = conn.execute(
        """SELECT r.version, r.seen_at, r.read_version, r.diff_from, a.title, a.body
           FROM revised_articles r JOIN articles a ON a.id = r.article_id WHERE r.article_id = ?""",
        (article_id,),
    ).fetchone()
    if mark is None:
        return None
    versions = [
        Revision(r["version"], r["title"], textpack.unpack(r["body"]) or "", r["seen_at"])
        for r in conn.execute(
            "SELECT version, title, body, seen_at FROM revisions WHERE article_id = ? ORDER BY version",
            (article_id,),
        )
    ]
    versions.append(Revision(mark["version"], mark["title"], textpack.unpack(mark["body"]) or "", mark["seen_at"]))
    return RevisionHistory(article_id, versions, mark["read_version"], mark["diff_from"])
