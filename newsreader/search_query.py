"""What a typed search means for FTS5 and for highlighting.

The language itself (words, ``"phrases"``, ``prefix*``, ``-word``,
``source:``, ``tag:``, ``is:``, ``before:``/``after:``) is read by
:mod:`newsreader.query`; this module keeps the small string-in,
string-out helpers the app and older callers use. Every term is re-quoted
for FTS5, so user text is never FTS5 syntax.
"""

from __future__ import annotations

from .query import QueryError, parse_query


def terms(query: str) -> list[tuple[str, bool, bool]]:
    """``(text, is_phrase, is_prefix)`` for each word or phrase sought
    (negated ones and filters left out); nothing for a query that does not
    parse."""
    try:
        parsed = parse_query(query)
    except QueryError:
        return []
    return [(t.text, t.phrase, t.prefix) for t in parsed.positive_terms]


def to_fts(query: str) -> str:
    """An FTS5 MATCH expression for the query's words (filters ignored), or
    ``""`` when it has none or does not parse."""
    from .store.query import match_expression

    try:
        parsed = parse_query(query)
    except QueryError:
        return ""
    return match_expression(parsed) or ""


def highlight_terms(query: str) -> list[str]:
    """The words and phrases to highlight in an article shown for
    ``query``: not ``source:`` or other filters, not ``-excluded`` words.
    Never raises: a query that does not parse highlights nothing."""
    try:
        return parse_query(query).highlight_terms()
    except QueryError:
        return []
