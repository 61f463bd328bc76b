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
as ranking it) and starts with the window.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from newsreader.core.textnorm import normalize_name
from newsreader.search.language import Query, Term
from newsreader.store.headlines import HEADLINE_COLUMNS, headline_from_row
from newsreader.store.records import HeadlineRow

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
_DAY = 86400.0


# -- the MATCH expression ----------------------------------------------------


def _fts_string(term: Term) -> str:
    """One term as an FTS5 string. Words hold only letters and digits, so the
    doubling of quotes is belt and braces: a ``"`` never reaches here."""
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
    column = f"{term.column} : " if term.column else ""  # author: and title: are FTS5 column filters
    return column + quoted + ("*" if term.prefix else "")


def match_expression(query: Query) -> str | None:
    """The FTS5 MATCH text for the query's words, or None when it has none.

    ``("a" AND "b c"*) NOT ("d" OR "e")``. With only negated words there is
    nothing to match (FTS5 has no bare NOT): those become an excluded id set.
    """
    positive = [_fts_string(t) for t in query.positive_terms]
    if not positive:
        return None
    expression = " AND ".join(positive)
    negative = [_fts_string(t) for t in query.negative_terms]
    if negative:
        expression = f"({expression}) NOT ({' OR '.join(negative)})"
    return expression


# -- filters -----------------------------------------------------------------


def resolve_sources(cache: Cache, names: Iterable[str]) -> list[int]:
    """Source ids for ``source:`` names: the sources whose name is the name
    (any case, any spacing); for a name no source has exactly, every source
    whose name contains it (``source:gazette`` finds "Harbour Gazette")."""
    wanted = [w for w in (normalize_name(n) for n in names) if w]
    if not wanted:
        return []
    rows = [(int(r[0]), normalize_name(r[1])) for r in cache.connection().execute("SELECT id, name FROM sources")]
    ids: set[int] = set()
    for name in wanted:
        exact = [i for i, folded in rows if folded == name]
        ids.update(exact or (i for i, folded in rows if name in folded))
    return sorted(ids)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _tag_in_extras(tag: str) -> tuple[str, list[object]]:
    """An exact, ASCII-case-insensitive tag test on the row's ``extras``.

    The LIKE on the JSON text (tags are stored as JSON strings, encoded as
    :func:`json.dumps` does) rules most rows out cheaply; ``json_each`` then
    makes it exact, so ``tag:world`` does not match "world-cup".
    """
    encoded = json.dumps(tag, ensure_ascii=False)
    sql = (
        "(a.extras LIKE ? ESCAPE '\\' AND json_valid(a.extras) AND EXISTS ("
        "SELECT 1 FROM json_each(a.extras, '$.tags') WHERE value = ? COLLATE NOCASE))"
    )
    return sql, ["%" + _like_escape(encoded) + "%", tag]


def _has_tag_table(conn: sqlite3.Connection) -> bool:
    """Whether the cache keeps ``article_tags(tag, article_id)`` (proposed in
    ``benchmarks/search_bench.py``): then a tag is an index lookup."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_tags'").fetchone()
    return row is not None


def _any_hidden(conn: sqlite3.Connection) -> bool:
    """Whether any article is hidden (one probe of a partial index): with none,
    a search need not test every match against an empty set."""
    return conn.execute("SELECT 1 FROM articles WHERE hidden = 1 LIMIT 1").fetchone() is not None


class _NoMatch(Exception):
    """A filter nothing can satisfy (an unknown source, no bookmarks)."""


@dataclass(slots=True)
class _IdSet:
    """``[NOT] IN (subquery)`` on an article id; the subquery reads an index."""

    sql: str
    params: list[object]
    negated: bool = False

    def on(self, column: str) -> str:
        # The "+" keeps SQLite from handing an IN on the FTS5 rowid to FTS5,
        # which would then run the whole MATCH once per id.
        return f"+{column} {'NOT IN' if self.negated else 'IN'} ({self.sql})"


@dataclass(slots=True)
class _Filters:
    """What a query asks of ``articles a`` besides its words.

    ``indexed``: conditions an index answers (usable alone in ``SELECT a.id
    FROM articles a WHERE ...``); ``sets``: id sets to test membership in,
    which needs no row; ``row``: conditions that read the row itself.
    """

    indexed: list[str] = field(default_factory=list)
    indexed_params: list[object] = field(default_factory=list)
    sets: list[_IdSet] = field(default_factory=list)
    row: list[str] = field(default_factory=list)
    row_params: list[object] = field(default_factory=list)
    before: int | None = None  # before:, where a window of newest articles must end

    def index(self, sql: str, *params: object) -> None:
        self.indexed.append(sql)
        self.indexed_params.extend(params)

    def check(self, sql: str, *params: object) -> None:
        self.row.append(sql)
        self.row_params.extend(params)

    def all_on(self, column: str) -> tuple[list[str], list[object]]:
        """Every condition, the id sets tested on ``column``."""
        where = list(self.indexed) + [s.on(column) for s in self.sets] + list(self.row)
        params = list(self.indexed_params) + [p for s in self.sets for p in s.params] + list(self.row_params)
        return where, params


def _filters(
    conn: sqlite3.Connection,
    cache: Cache,
    query: Query,
    bookmarked_keys: Iterable[str],
    now: datetime,
    *,
    include_hidden: bool = False,
) -> _Filters:
    out = _Filters()
    # Hidden and flagged articles are few: their partial indexes give small
    # id sets, so leaving the hidden out costs no row read.
    if query.hidden:
        out.sets.append(_IdSet("SELECT id FROM articles WHERE hidden = 1", []))
    elif (query.hidden is False or not include_hidden) and _any_hidden(conn):
        out.sets.append(_IdSet("SELECT id FROM articles WHERE hidden = 1", [], negated=True))
    if query.flagged is not None:
        out.sets.append(_IdSet("SELECT id FROM articles WHERE flagged = 1", [], negated=not query.flagged))
    if query.sources:
        ids = resolve_sources(cache, query.sources)
        if not ids:
            raise _NoMatch
        out.index("a.source_id IN (SELECT value FROM json_each(?))", json.dumps(ids))
    if query.not_sources:
        ids = resolve_sources(cache, query.not_sources)
        if ids:
            out.index("a.source_id NOT IN (SELECT value FROM json_each(?))", json.dumps(ids))
    if query.read is not None:
        # With source: the sources' own index is the road (a source has a few
        # hundred articles, the unread a third of all): "+" keeps is_read off
        # the indexes, or the planner walks every unread article.
        out.index("+a.is_read = ?" if query.sources else "a.is_read = ?", int(query.read))
    if query.bookmarked is not None:
        keys = sorted({k for k in bookmarked_keys if isinstance(k, str)})
        if query.bookmarked and not keys:
            raise _NoMatch
        if keys:
            negation = "" if query.bookmarked else "NOT "
            out.index(f"a.key {negation}IN (SELECT value FROM json_each(?))", json.dumps(keys))
    low, high = query.time_range(now)
    if low is not None:
        out.index("a.published_ts >= ?", low)
    if high is not None:
        out.index("a.published_ts < ?", high)
        out.before = high
    tag_table = (query.tags or query.not_tags) and _has_tag_table(conn)
    for negated, tags in ((False, query.tags), (True, query.not_tags)):
        for tag in tags:
            if tag_table:
                out.sets.append(
                    _IdSet("SELECT article_id FROM article_tags WHERE tag = ? COLLATE NOCASE", [tag], negated)
                )
            else:
                sql, params = _tag_in_extras(tag)
                out.check(("NOT " if negated else "") + sql, *params)
    if query.negative_terms and not query.positive_terms:
        excluded = " OR ".join(_fts_string(t) for t in query.negative_terms)
        out.sets.append(_IdSet("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [excluded], negated=True))
    return out


def _where(conditions: list[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now().astimezone()


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
    now = _now(now)
    limit, offset = max(0, int(limit)), max(0, int(offset))
    conn = cache.connection()
    try:
        filters = _filters(conn, cache, query, bookmarked_keys, now)
    except _NoMatch:
        return []
    match = match_expression(query)
    if match is None:
        where, params = filters.all_on("a.id")
        cursor = conn.execute(
            f"""SELECT {HEADLINE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
                {_where(where)} ORDER BY a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        )
        return [headline_from_row(r) for r in cursor]
    rows: list[HeadlineRow] = []
    attempts = _attempts(conn, query, match, filters, wanted=limit + offset)
    attempt = next(attempts, None)
    while attempt is not None:
        plan, window = attempt
        rows = _ranked(conn, match, filters, plan=plan, window=window, now=now, limit=limit, offset=offset)
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
    now = _now(now)
    conn = cache.connection()
    try:
        filters = _filters(conn, cache, query, bookmarked_keys, now)
    except _NoMatch:
        return 0
    match = match_expression(query)
    if match is None:
        where, params = filters.all_on("a.id")
        return int(conn.execute(f"SELECT count(*) FROM articles a {_where(where)}", params).fetchone()[0])
    matches = _match_count(conn, match)
    if not matches or not (filters.indexed or filters.sets or filters.row):
        return matches
    plan = _PREFILTER if matches > EXACT_LIMIT else _EXACT
    where, params = _match_conditions(match, filters, plan=plan, window=None)
    sql = f"SELECT count(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid {_where(where)}"
    return int(conn.execute(sql, params).fetchone()[0])


def _match_count(conn: sqlite3.Connection, match: str) -> int:
    """Matches of the words alone: a walk of FTS5's doclists, no row reads."""
    return int(conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0])


_EXACT, _PREFILTER, _WINDOW = "exact", "prefilter", "window"


def _attempts(
    conn: sqlite3.Connection, query: Query, match: str, filters: _Filters, *, wanted: int
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
        matches = _match_count(conn, match)
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


def _allowed(conn: sqlite3.Connection, filters: _Filters, total: int) -> int:
    """At most how many articles the indexed filters and id sets let through
    (each counted from its index; their smallest bounds the intersection)."""
    bound = total
    if filters.indexed:
        sql = f"SELECT count(*) FROM articles a {_where(filters.indexed)}"
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
    match: str, filters: _Filters, *, plan: str, window: tuple[int, int] | None
) -> tuple[list[str], list[object]]:
    """WHERE conditions for the FTS5-driven join.

    Id sets are tested on the FTS5 rowid, before any row or bm25 is
    touched. With the prefilter and window plans the indexed filters become
    one more id set, built from their index; the window adds its
    publication time to that set (or, with no other filter, to the row's
    conditions) and its lowest id as a rowid range FTS5 seeks to. The
    exact plan leaves them as plain conditions on the row.
    """
    where = ["articles_fts MATCH ?"]
    params: list[object] = [match]
    indexed, indexed_params = list(filters.indexed), list(filters.indexed_params)
    if window is not None:
        since, lowest = window
        where.append("articles_fts.rowid >= ?")
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
        where.append(_IdSet(f"SELECT a.id FROM articles a WHERE {' AND '.join(indexed)}", []).on("articles_fts.rowid"))
    else:
        where.extend(indexed)
    params.extend(indexed_params)
    for id_set in filters.sets:
        where.append(id_set.on("articles_fts.rowid"))
        params.extend(id_set.params)
    where.extend(filters.row)
    params.extend(filters.row_params)
    return where, params


def _ranked(
    conn: sqlite3.Connection,
    match: str,
    filters: _Filters,
    *,
    plan: str,
    window: tuple[int, int] | None,
    now: datetime,
    limit: int,
    offset: int,
) -> list[HeadlineRow]:
    where, params = _match_conditions(match, filters, plan=plan, window=window)
    sql = f"""SELECT {HEADLINE_COLUMNS},
                  bm25(articles_fts, {_TITLE_WEIGHT}, {_BODY_WEIGHT}) * (1.0 + CASE
                      WHEN a.published_ts IS NULL THEN 0.0
                      ELSE 1.0 / (1.0 + max(0, ? - a.published_ts) / ?) END) AS rank
              FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
              JOIN sources s ON s.id = a.source_id
              {_where(where)}
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
        filters = _filters(conn, cache, query, bookmarked_keys, _now(now), include_hidden=True)
    except _NoMatch:
        return []
    if within is not None:
        ids = sorted({int(i) for i in within})
        if not ids:
            return []
        filters.sets.append(_IdSet("SELECT value FROM json_each(?)", [json.dumps(ids)]))
    match = match_expression(query)
    if match is None:
        where, params = filters.all_on("a.id")
        sql = f"SELECT a.id FROM articles a {_where(where)} ORDER BY a.id"
    else:
        where, params = _match_conditions(match, filters, plan=_EXACT, window=None)
        sql = (
            f"SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid {_where(where)} ORDER BY a.id"
        )
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
