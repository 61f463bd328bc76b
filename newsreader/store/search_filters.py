"""What a parsed search asks of the cache, as SQL: the FTS5 MATCH text for
its words and the conditions for its filters (:mod:`newsreader.store.searching`
runs them).

Every word and phrase becomes a quoted FTS5 string, so nothing the user
typed is FTS5 syntax; ``author:`` and ``title:`` become column filters.
Filters are SQL conditions on ``articles a``, sorted by what answers them:
an index, an id set (a subquery on an index, tested without reading the
row), or the row itself. Hidden articles are left out here, by an id set
from a partial index, unless the query asks for them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from newsreader.core.textnorm import normalize_name
from newsreader.search.language import Query, Term

if TYPE_CHECKING:
    from newsreader.store.cache import Cache

__all__ = [
    "FULL_INDEX",
    "TITLES_INDEX",
    "Filters",
    "IdSet",
    "NoMatch",
    "build_filters",
    "fts_string",
    "has_tag_table",
    "index_of",
    "local_now",
    "match_expression",
    "match_table",
    "resolve_sources",
    "where_clause",
]


# -- the MATCH expression ----------------------------------------------------


def fts_string(term: Term) -> str:
    """One term as an FTS5 string. Words hold only letters and digits, so the
    doubling of quotes is belt and braces: a ``"`` never reaches here."""
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
    column = f"{term.column} : " if term.column else ""  # author: and title: are FTS5 column filters
    return column + quoted + ("*" if term.prefix else "")


#: The full-text index, and the small one of titles, authors and captions
#: that has an index of three-letter prefixes (store/schema.py).
FULL_INDEX, TITLES_INDEX = "articles_fts", "articles_titles_fts"
#: A prefix this long or shorter is looked for in titles, authors and
#: captions only (bodies have no prefix index: their words are many).
SHORT_PREFIX = 3


def index_of(term: Term) -> str:
    """The full-text index that answers ``term``."""
    return TITLES_INDEX if term.prefix and len(term.words[-1]) <= SHORT_PREFIX else FULL_INDEX


def match_table(query: Query) -> str:
    """The index the query's MATCH runs on (and ranks with): the full one,
    unless every word it must have is a short prefix."""
    positive = query.positive_terms
    return TITLES_INDEX if positive and all(index_of(t) == TITLES_INDEX for t in positive) else FULL_INDEX


def match_expression(query: Query) -> str | None:
    """The FTS5 MATCH text for the query's words on :func:`match_table`,
    or None when it has none.

    ``("a" AND "b c"*) NOT ("d" OR "e")``. With only negated words there is
    nothing to match (FTS5 has no bare NOT): those become an excluded id set,
    as do the words the other index answers (:func:`build_filters`).
    """
    table = match_table(query)
    positive = [fts_string(t) for t in query.positive_terms if index_of(t) == table]
    if not positive:
        return None
    expression = " AND ".join(positive)
    negative = [fts_string(t) for t in query.negative_terms if index_of(t) == table]
    if negative:
        expression = f"({expression}) NOT ({' OR '.join(negative)})"
    return expression


def _word_sets(query: Query) -> list[IdSet]:
    """Id sets for the words :func:`match_expression` leaves out: those of
    the other index, or all of them when only negated words are given."""
    table = match_table(query) if query.positive_terms else None
    sets: list[IdSet] = []
    for index in (FULL_INDEX, TITLES_INDEX):
        if index == table:
            continue
        found = f"SELECT rowid FROM {index} WHERE {index} MATCH ?"
        positive = [fts_string(t) for t in query.positive_terms if index_of(t) == index]
        if positive:
            sets.append(IdSet(found, [" AND ".join(positive)]))
        negative = [fts_string(t) for t in query.negative_terms if index_of(t) == index]
        if negative:
            sets.append(IdSet(found, [" OR ".join(negative)], negated=True))
    return sets


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


def has_tag_table(conn: sqlite3.Connection) -> bool:
    """Whether the cache keeps ``article_tags(tag, article_id)`` (proposed in
    ``benchmarks/search_bench.py``): then a tag is an index lookup."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_tags'").fetchone()
    return row is not None


def _any_hidden(conn: sqlite3.Connection) -> bool:
    """Whether any article is hidden (one probe of a partial index): with none,
    a search need not test every match against an empty set."""
    return conn.execute("SELECT 1 FROM articles WHERE hidden = 1 LIMIT 1").fetchone() is not None


class NoMatch(Exception):
    """A filter nothing can satisfy (an unknown source, no bookmarks)."""


@dataclass(slots=True)
class IdSet:
    """``[NOT] IN (subquery)`` on an article id; the subquery reads an index."""

    sql: str
    params: list[object]
    negated: bool = False

    def on(self, column: str) -> str:
        # The "+" keeps SQLite from handing an IN on the FTS5 rowid to FTS5,
        # which would then run the whole MATCH once per id.
        return f"+{column} {'NOT IN' if self.negated else 'IN'} ({self.sql})"


@dataclass(slots=True)
class Filters:
    """What a query asks of ``articles a`` besides its words.

    ``indexed``: conditions an index answers (usable alone in ``SELECT a.id
    FROM articles a WHERE ...``); ``sets``: id sets to test membership in,
    which needs no row; ``row``: conditions that read the row itself.
    """

    indexed: list[str] = field(default_factory=list)
    indexed_params: list[object] = field(default_factory=list)
    sets: list[IdSet] = field(default_factory=list)
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


def build_filters(
    conn: sqlite3.Connection,
    cache: Cache,
    query: Query,
    bookmarked_keys: Iterable[str],
    now: datetime,
    *,
    include_hidden: bool = False,
) -> Filters:
    out = Filters()
    # Hidden and flagged articles are few: their partial indexes give small
    # id sets, so leaving the hidden out costs no row read.
    if query.hidden:
        out.sets.append(IdSet("SELECT id FROM articles WHERE hidden = 1", []))
    elif (query.hidden is False or not include_hidden) and _any_hidden(conn):
        out.sets.append(IdSet("SELECT id FROM articles WHERE hidden = 1", [], negated=True))
    if query.flagged is not None:
        out.sets.append(IdSet("SELECT id FROM articles WHERE flagged = 1", [], negated=not query.flagged))
    if query.updated is not None:
        # Few articles were ever revised: their table is the small side.
        revised = (
            "SELECT r.article_id FROM revised_articles r JOIN articles u ON u.id = r.article_id WHERE u.revised = 1"
        )
        out.sets.append(IdSet(revised, [], negated=not query.updated))
    if query.sources:
        ids = resolve_sources(cache, query.sources)
        if not ids:
            raise NoMatch
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
            raise NoMatch
        if keys:
            negation = "" if query.bookmarked else "NOT "
            out.index(f"a.key {negation}IN (SELECT value FROM json_each(?))", json.dumps(keys))
    low, high = query.time_range(now)
    if low is not None:
        out.index("a.published_ts >= ?", low)
    if high is not None:
        out.index("a.published_ts < ?", high)
        out.before = high
    tag_table = (query.tags or query.not_tags) and has_tag_table(conn)
    for negated, tags in ((False, query.tags), (True, query.not_tags)):
        for tag in tags:
            if tag_table:
                out.sets.append(
                    IdSet("SELECT article_id FROM article_tags WHERE tag = ? COLLATE NOCASE", [tag], negated)
                )
            else:
                sql, params = _tag_in_extras(tag)
                out.check(("NOT " if negated else "") + sql, *params)
    out.sets.extend(_word_sets(query))
    return out


def where_clause(conditions: list[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def local_now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now().astimezone()
