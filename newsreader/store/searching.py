"""Running a parsed search (:mod:`newsreader.search.language`) against the cache.

Words go to FTS5 as one MATCH expression in which every word and phrase is
a quoted string, so nothing the user typed is FTS5 syntax. Filters are SQL
conditions on ``articles``: source, read state, dates and bookmarks are
answered by indexes (``articles_source_time``, ``articles_unread``,
``articles_time``, the unique ``key``); a tag is looked up in
``article_tags`` when the cache has that table, else read from each
candidate's ``extras`` JSON.

Ranking, when there are words::

    rank = bm25 × (1 + 1 / (1 + age_days / 7))

``bm25`` is FTS5's relevance (negative: lower is better) with a title match
worth four body matches, as in :meth:`Cache.fts_match`. The factor rewards
recency without ever overruling relevance by more than double: a story
published now counts ×2, a week old ×1.5, a month ×1.19, a year ×1.02, an
undated one ×1 (as if old). Of two equally good matches the newer comes
first; an old story needs a match twice as good to beat one from today.
With no words, results are newest first, like every other list in the app.

Staying fast at 100k articles: bm25 and the row lookup cost something for
every matching article, so ranking every article that contains a common
word is slow. A cheap count of the FTS5
matches (a doclist walk, no rows read) picks the plan:

* at most :data:`EXACT_LIMIT` matches: rank them all;
* more, but the indexed filters leave at most that many: build the filters'
  id set from their indexes and let only matches in it reach bm25;
* still more: rank the matches among the newest articles only — a window
  expected to hold about :data:`WINDOW` of them, entered by a rowid range
  FTS5 seeks to (ids grow as articles arrive). If the window cannot fill
  the page it widens (fourfold, or as far as the matches it did find say
  the page needs), and the last attempt has no window, so a
  search never leaves out what matches; it only ranks a very common word's
  older matches as if too old to compete, which the recency factor nearly
  says anyway.

A query with a ``prefix*`` skips the count (walking a prefix costs as much
as ranking it) and starts with the window. A three-letter prefix is looked
for in titles, authors and captions only, whose index has three-letter
prefixes (:func:`~.search_filters.index_of`); it starts with the window
too: the newest articles hold enough of its matches more often than not.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Generator, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from newsreader.search.language import Query
from newsreader.store.headlines import HEADLINE_COLUMNS, headline_from_row
from newsreader.store.records import HeadlineRow
from newsreader.store.search_filters import (
    FULL_INDEX,
    TITLES_INDEX,
    Filters,
    IdSet,
    NoMatch,
    build_filters,
    local_now,
    match_expression,
    match_table,
    resolve_sources,
    where_clause,
)

if TYPE_CHECKING:
    from newsreader.store.cache import Cache

__all__ = [
    "EXACT_LIMIT",
    "RECENCY_DAYS",
    "WINDOW",
    "count_articles",
    "list_articles",
    "match_expression",
    "matching_ids",
    "resolve_sources",
    "search_articles",
]

#: The age (days) at which the recency bonus has fallen to half.
RECENCY_DAYS = 7.0
#: Up to this many candidates are ranked exactly.
EXACT_LIMIT = 8000
#: Otherwise about this many of the newest are ranked first.
WINDOW = 2000
_TITLE_WEIGHT, _BODY_WEIGHT = 4.0, 1.0
#: bm25's column weights, in each index's column order (store/schema.py):
#: body and title in the full one; title, then author and captions.
_RANK_WEIGHTS = {FULL_INDEX: (_BODY_WEIGHT, _TITLE_WEIGHT), TITLES_INDEX: (_TITLE_WEIGHT, 1.0)}
_DAY = 86400.0


# -- running -------------------------------------------------------------------


def search_articles(
    cache: Cache,
    query: Query,
    *,
    bookmarked_keys: Iterable[str] = (),
    limit: int = 200,
    offset: int = 0,
    now: datetime | None = None,
) -> list[HeadlineRow]:
    """One page of what ``query`` finds: best first when it has words
    (the formula is in the module doc), newest first when it has none.

    ``bookmarked_keys`` are the bookmarks' article keys (bookmarks live in
    ``bookmarks.toml``, not the cache) for ``is:bookmarked``. ``now`` (an
    aware datetime, local time by default) anchors ``today``, ``7d`` and the
    recency bonus. Raises only ``sqlite3.Error`` (a damaged cache).
    """
    now = local_now(now)
    limit, offset = max(0, int(limit)), max(0, int(offset))
    conn = cache.connection()
    try:
        filters = build_filters(conn, cache, query, bookmarked_keys, now)
    except NoMatch:
        return []
    match = match_expression(query)
    if match is None:
        where, params = filters.all_on("a.id")
        cursor = conn.execute(
            f"""SELECT {HEADLINE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
                {where_clause(where)} ORDER BY a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        )
        return [headline_from_row(r) for r in cursor]
    rows: list[HeadlineRow] = []
    table = match_table(query)
    attempts = _attempts(conn, query, (table, match), filters, wanted=limit + offset)
    attempt = next(attempts, None)
    while attempt is not None:
        plan, window = attempt
        rows = _ranked(conn, (table, match), filters, plan=plan, window=window, now=now, limit=limit, offset=offset)
        if window is None or len(rows) >= limit:
            break
        # This window of newest articles cannot fill the page: widen it,
        # by as much as what it did find says is needed.
        attempt = attempts.send(len(rows) + (offset if rows else 0))
    return rows


def count_articles(
    cache: Cache,
    query: Query,
    *,
    bookmarked_keys: Iterable[str] = (),
    now: datetime | None = None,
) -> int:
    """How many articles ``query`` finds (a saved search's count)."""
    now = local_now(now)
    conn = cache.connection()
    try:
        filters = build_filters(conn, cache, query, bookmarked_keys, now)
    except NoMatch:
        return 0
    match = match_expression(query)
    if match is None:
        where, params = filters.all_on("a.id")
        return int(conn.execute(f"SELECT count(*) FROM articles a {where_clause(where)}", params).fetchone()[0])
    words = (match_table(query), match)
    matches = _match_count(conn, words)
    if not matches or not (filters.indexed or filters.sets or filters.row):
        return matches
    plan = _PREFILTER if matches > EXACT_LIMIT else _EXACT
    where, params = _match_conditions(words, filters, plan=plan, window=None)
    sql = f"SELECT count(*) FROM {words[0]} JOIN articles a ON a.id = {words[0]}.rowid {where_clause(where)}"
    return int(conn.execute(sql, params).fetchone()[0])


#: ``(full-text index, MATCH text)``: what :func:`match_table` and
#: :func:`match_expression` say of a query.
Words = tuple[str, str]


def _match_count(conn: sqlite3.Connection, words: Words) -> int:
    """Matches of the words alone: a walk of FTS5's doclists, no row reads."""
    table, match = words
    return int(conn.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (match,)).fetchone()[0])


_EXACT, _PREFILTER, _WINDOW = "exact", "prefilter", "window"


def _attempts(
    conn: sqlite3.Connection, query: Query, words: Words, filters: Filters, *, wanted: int
) -> Generator[tuple[str, tuple[int, int] | None], int | None, None]:
    """The ways to run a query with words, in order (see the module doc):
    ``(plan, window)``; the caller stops at the first that fills its page
    of ``wanted`` rows, and sends back how many a window found. The next
    window is at least four times wider, wider still when the matches found
    so far say so (a prefix has no count to start from: "venr*" took four
    windows before). The last attempt is complete (no window), so nothing
    that matches is ever left out."""
    matches: int | None = None
    if not any(t.prefix for t in query.positive_terms):
        matches = _match_count(conn, words)
        if matches == 0:
            return
        if matches <= EXACT_LIMIT:
            yield _EXACT, None
            return
    total = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    if total == 0:
        return
    allowed = _allowed(conn, filters, total)
    if allowed == 0:
        return
    if matches is not None and matches * allowed / total <= EXACT_LIMIT:
        yield _PREFILTER, None
        return
    per_article = (total if matches is None else matches) / total * allowed / total
    newest = math.ceil(WINDOW / per_article)
    while newest < total:
        window = _window(conn, newest, filters.before)
        if window is None:
            break
        found = (yield _WINDOW, window) or 0
        newest = max(newest * 4, math.ceil(newest * wanted * 1.25 / max(found, 1)))
    yield _PREFILTER, None


def _allowed(conn: sqlite3.Connection, filters: Filters, total: int) -> int:
    """At most how many articles the indexed filters and id sets let through
    (each counted from its index; their smallest bounds the intersection)."""
    bound = total
    if filters.indexed:
        sql = f"SELECT count(*) FROM articles a {where_clause(filters.indexed)}"
        bound = min(bound, int(conn.execute(sql, filters.indexed_params).fetchone()[0]))
    for id_set in filters.sets:
        if not id_set.negated:
            bound = min(bound, int(conn.execute(f"SELECT count(*) FROM ({id_set.sql})", id_set.params).fetchone()[0]))
    return bound


def _window(conn: sqlite3.Connection, newest: int, before: int | None) -> tuple[int, int] | None:
    """(oldest publication time, lowest id) of the ``newest`` dated articles
    (published before ``before``), read from the articles_time index alone;
    None if there are fewer."""
    since, lowest, count = conn.execute(
        """SELECT min(published_ts), min(id), count(*) FROM (SELECT id, published_ts FROM articles
           WHERE published_ts IS NOT NULL AND published_ts < ? ORDER BY published_ts DESC, id DESC LIMIT ?)""",
        (before if before is not None else 2**62, newest),
    ).fetchone()
    if count < newest:
        return None
    return int(since), int(lowest)


def _match_conditions(
    words: Words, filters: Filters, *, plan: str, window: tuple[int, int] | None
) -> tuple[list[str], list[object]]:
    """WHERE conditions for the FTS5-driven join.

    Id sets are tested on the FTS5 rowid, before any row or bm25 is
    touched. With the prefilter and window plans the indexed filters become
    one more id set, built from their index; the window adds its
    publication time to that set (or, with no other filter, to the row's
    conditions) and its lowest id as a rowid range FTS5 seeks to. The
    exact plan leaves them as plain conditions on the row.
    """
    table, match = words
    where = [f"{table} MATCH ?"]
    params: list[object] = [match]
    indexed, indexed_params = list(filters.indexed), list(filters.indexed_params)
    if window is not None:
        since, lowest = window
        where.append(f"{table}.rowid >= ?")
        params.append(lowest)
        if indexed:
            # It narrows the id set the other filters make.
            indexed.append("a.published_ts >= ?")
            indexed_params.append(since)
        else:
            # Alone it is checked on each match's row, not made an id set:
            # a set of the window's articles costs every one of them, far
            # more than the matches it filters.
            where.append("a.published_ts >= ?")
            params.append(since)
    if plan in (_PREFILTER, _WINDOW) and indexed:
        where.append(IdSet(f"SELECT a.id FROM articles a WHERE {' AND '.join(indexed)}", []).on(f"{table}.rowid"))
    else:
        where.extend(indexed)
    params.extend(indexed_params)
    for id_set in filters.sets:
        where.append(id_set.on(f"{table}.rowid"))
        params.extend(id_set.params)
    where.extend(filters.row)
    params.extend(filters.row_params)
    return where, params


def _ranked(
    conn: sqlite3.Connection,
    words: Words,
    filters: Filters,
    *,
    plan: str,
    window: tuple[int, int] | None,
    now: datetime,
    limit: int,
    offset: int,
) -> list[HeadlineRow]:
    where, params = _match_conditions(words, filters, plan=plan, window=window)
    table = words[0]
    weights = ", ".join(str(w) for w in _RANK_WEIGHTS[table])
    sql = f"""SELECT {HEADLINE_COLUMNS},
                  bm25({table}, {weights}) * (1.0 + CASE
                      WHEN a.published_ts IS NULL THEN 0.0
                      ELSE 1.0 / (1.0 + max(0, ? - a.published_ts) / ?) END) AS rank
              FROM {table} JOIN articles a ON a.id = {table}.rowid
              JOIN sources s ON s.id = a.source_id
              {where_clause(where)}
              ORDER BY rank, a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?"""
    rows = conn.execute(sql, (int(now.timestamp()), RECENCY_DAYS * _DAY, *params, limit, offset))
    return [headline_from_row(r) for r in rows]


def matching_ids(
    cache: Cache,
    query: Query,
    *,
    within: Iterable[int] | None = None,
    bookmarked_keys: Iterable[str] = (),
    now: datetime | None = None,
) -> list[int]:
    """Ids of every article ``query`` matches (among ``within`` when given),
    hidden ones included unless the query says ``-is:hidden``: what a
    ``[[rule]]`` applies to. Unranked, in id order."""
    conn = cache.connection()
    try:
        filters = build_filters(conn, cache, query, bookmarked_keys, local_now(now), include_hidden=True)
    except NoMatch:
        return []
    if within is not None:
        ids = sorted({int(i) for i in within})
        if not ids:
            return []
        filters.sets.append(IdSet("SELECT value FROM json_each(?)", [json.dumps(ids)]))
    match = match_expression(query)
    if match is None:
        where, params = filters.all_on("a.id")
        sql = f"SELECT a.id FROM articles a {where_clause(where)} ORDER BY a.id"
    else:
        table = match_table(query)
        where, params = _match_conditions((table, match), filters, plan=_EXACT, window=None)
        sql = f"SELECT a.id FROM {table} JOIN articles a ON a.id = {table}.rowid {where_clause(where)} ORDER BY a.id"
    return [int(r[0]) for r in conn.execute(sql, params)]


def list_articles(
    cache: Cache, query: Query, *, bookmarked_keys: Iterable[str] = (), limit: int = 50, now: datetime | None = None
) -> list[HeadlineRow]:
    """What ``query`` finds, newest first like every list (not best first):
    ``newsreader list``. Hidden articles only under ``is:hidden``."""
    if query.hidden is None:
        query = query.with_filter(hidden=False)
    ids = matching_ids(cache, query, bookmarked_keys=bookmarked_keys, now=now)
    if not ids:
        return []
    rows = cache.connection().execute(
        f"""SELECT {HEADLINE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
            WHERE a.id IN (SELECT value FROM json_each(?))
            ORDER BY a.published_ts DESC, a.id DESC LIMIT ?""",
        (json.dumps(ids), max(0, int(limit))),
    )
    return [headline_from_row(r) for r in rows]
