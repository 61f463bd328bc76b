"""The SQL behind "similar" stories: neighbours through the clustering's posting lists.

Every article is signed when it is stored (:mod:`newsreader.store.story_rows`):
its heaviest title and lede features, weighted by how rare they are, with a
posting list per feature. Finding the articles most like one article is then
a few short index range reads (the newest :data:`PER_TERM` articles of each
of its posted features) and one read of the best candidates' signatures by
key, whatever the size of the cache. An FTS5 ``OR`` query over the same
terms ranks every article that has any of them, and the document
frequencies it needs (``fts5vocab``) cost far more again.

:mod:`newsreader.store.related` decides what counts as similar; this module only
answers questions.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from newsreader.stories.signature import WEIGHT_SCALE, Signature

#: Newest articles read from each posting list.
PER_TERM = 32


def _layout(conn: sqlite3.Connection) -> tuple[str, str]:
    """(signature columns, posting order) of this cache's story tables.

    Both layouts the clustering has used are read: signatures as one JSON
    ``terms`` column or as ``terms`` + ``weights`` (+ ``postings``, which
    holds the posted terms the ``terms`` may leave out), posting lists keyed by
    article id or by time (``ts``) then article id. Newest first either way.
    """
    signature_columns = {r[1] for r in conn.execute("PRAGMA table_info(story_signatures)")}
    posting_columns = {r[1] for r in conn.execute("PRAGMA table_info(story_terms)")}
    columns = "terms, weights, postings" if "weights" in signature_columns else "terms"
    order = "ts DESC, article_id DESC" if "ts" in posting_columns else "article_id DESC"
    return columns, order


def signature_of(conn: sqlite3.Connection, article_id: int) -> Signature | None:
    columns, _order = _layout(conn)
    row = conn.execute(f"SELECT {columns} FROM story_signatures WHERE article_id = ?", (article_id,)).fetchone()
    return Signature.decode(*row) if row else None


def posting_neighbours(
    conn: sqlite3.Connection, article_id: int, signature: Signature, *, limit: int, per_term: int = PER_TERM
) -> list[int]:
    """Up to ``limit`` articles sharing the most weight of ``signature``'s
    posted features, heaviest first (ties: newest first)."""
    terms = signature.postings
    if not terms:
        return []
    _columns, order = _layout(conn)
    lists = " UNION ALL ".join(
        f"SELECT * FROM (SELECT article_id, {i} FROM story_terms WHERE term = ? AND article_id != ?"
        f" ORDER BY {order} LIMIT ?)"
        for i in range(len(terms))
    )
    params: list[object] = []
    for term in terms:
        params += [term, article_id, per_term]
    weight: Counter[int] = Counter()
    for other, i in conn.execute(lists, params):
        term = terms[i]
        weight[other] += WEIGHT_SCALE if term in signature.keys else signature.vector.get(term, 0)
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], -kv[0]))
    return [other for other, _ in ranked[:limit]]


def signatures(conn: sqlite3.Connection, ids: list[int]) -> dict[int, Signature]:
    columns, _order = _layout(conn)
    out: dict[int, Signature] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(
            f"SELECT article_id, {columns} FROM story_signatures WHERE article_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[int(row[0])] = Signature.decode(*row[1:])
    return out
