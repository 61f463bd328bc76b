"""The search language: what a person types after ``/`` or in a saved search.

```
harbour pilots                words: every one must appear (title, body, author or a caption)
"port calder"                 a phrase: the words next to each other
pilot*                        a prefix (3 letters or more): pilot, pilots, pilotage
-ferry  -"late sailings"      NOT: leave out stories with this word or phrase
source:Ledger                 from a source whose name is (or contains) this
source:"Sky News AU"          quote a name with spaces
tag:world                     carries this tag (exact, any case)
author:"Ana Ruiz"             words (or a phrase) in the byline
title:strike                  words (or a phrase) in the title
is:unread  is:read            read state
is:bookmarked                 among the bookmarks
is:flagged                    flagged by a [[rule]]
is:hidden                     hidden by a [[rule]]: found only when asked for
is:updated                    a feed changed it since it was last opened or marked read
after:2026-11-01              published on or after that day (local time)
before:2026-11-20             published before that day
after:today  after:yesterday  since the start of today / yesterday
after:7d  after:24h  after:2w since that long ago
```

Filters may be negated too (``-source:Gazette``, ``-tag:sport``,
``-is:bookmarked``, ``-author:``), dates not (``-after:`` is ``before:``); several
``source:`` mean any of them, several ``tag:`` all of them. A story with no
date matches no date filter. A query with filters and no words is fine: it
lists what matches, newest first. ``word:text`` with an unknown field is an
error (a typo like ``sorce:`` would otherwise find nothing, silently);
quoted, it is text to search for, and a URL (``https://…``) is text too.
An unclosed quote runs to the end of the query.

This module only reads the text: it knows nothing about SQL, FTS5 or the
screen. :func:`parse_query` returns a :class:`Query` or raises
:class:`QueryError` with one line a person can act on — and never anything
else, whatever the input. Words keep only their letters and digits, so no
character a user types can become FTS5 syntax later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from newsreader.core.sanitize import clean_line

__all__ = [
    "FIELDS",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "MIN_PREFIX",
    "DateBound",
    "Query",
    "QueryError",
    "Term",
    "parse_query",
]

#: Longer queries are refused: nobody types them, and each term costs an FTS5 lookup.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
#: ``a*`` would make FTS5 merge the doclists of thousands of words (see
#: benchmarks/search_bench.py); three letters keep a prefix selective.
MIN_PREFIX = 3
#: ``after:36500d`` is a hundred years; anything further is a typo.
MAX_AGO = timedelta(days=36500)

FIELDS = ("source", "tag", "is", "before", "after", "author", "title")
#: Fields whose value is text to find in one column of the search index.
TEXT_FIELDS = ("author", "title")
_IS_VALUES = ("unread", "read", "bookmarked", "flagged", "hidden", "updated")
_IS_HINT = "use unread, read, bookmarked, flagged, hidden or updated"
_DATE_HINT = "use YYYY-MM-DD, today, yesterday, or an age like 7d, 24h, 2w"

# A word is a run of letters and digits: what FTS5's unicode61 tokenizer
# keeps. Underscore is a word character for ``re`` but a separator for FTS5.
_WORD = re.compile(r"[^\W_]+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_FIELD = re.compile(r"([A-Za-z]+):")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_AGO = re.compile(r"(\d{1,6})([hdw])")
_AGO_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


class QueryError(ValueError):
    """The query cannot be read; ``str(err)`` is one line for the user."""


def _shown(text: str, limit: int = 40) -> str:
    """User text quoted for an error message: one clean line, not too long."""
    text = clean_line(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return '"' + text + '"'


@dataclass(frozen=True, slots=True)
class Term:
    """A word, a phrase or a prefix to find in the text.

    ``words`` are the letter-and-digit runs; several words form a phrase
    (typed in quotes, or one token joined by punctuation, like ``covid-19``,
    which FTS5 also sees as adjacent words). ``prefix`` marks the last word
    as a prefix.
    """

    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    #: The one index column to look in (``author``, ``title``); None: any.
    column: str | None = None
    #: How it appears in text, for highlighting: ``covid-19`` as typed, not ``covid 19``.
    shown: str = field(default="", compare=False, repr=False)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def __str__(self) -> str:
        body = f'"{self.text}"' if len(self.words) > 1 or self.phrase else self.text
        column = f"{self.column}:" if self.column else ""
        return ("-" if self.negated else "") + column + body + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class DateBound:
    """One side of a date range as typed; resolved against a clock when run.

    Exactly one of ``day`` (a calendar day), ``days_back`` (start of today
    = 0, of yesterday = 1) or ``ago`` (a moment that long before now) is set.
    """

    text: str
    day: date | None = None
    days_back: int | None = None
    ago: timedelta | None = None

    def timestamp(self, now: datetime) -> int:
        """The bound as a UNIX time. Days start at midnight in ``now``'s zone."""
        if self.ago is not None:
            return int((now - self.ago).timestamp())
        if self.day is not None:
            start = datetime(self.day.year, self.day.month, self.day.day, tzinfo=now.tzinfo)
        else:
            start = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=self.days_back or 0)
        return int(start.timestamp())


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Empty tuples and None mean "no condition"."""

    terms: tuple[Term, ...] = ()
    sources: tuple[str, ...] = ()  # any of these
    not_sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # all of these
    not_tags: tuple[str, ...] = ()
    read: bool | None = None  # is:read True, is:unread False
    bookmarked: bool | None = None
    after: DateBound | None = None  # published >= this
    before: DateBound | None = None  # published < this
    flagged: bool | None = None
    #: None: hidden articles are left out, as everywhere; True: only they.
    hidden: bool | None = None
    #: Changed by a feed since the reader last saw it (``is:updated``).
    updated: bool | None = None

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative_terms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.sources
            or self.not_sources
            or self.tags
            or self.not_tags
            or self.read is not None
            or self.bookmarked is not None
            or self.after is not None
            or self.before is not None
            or self.flagged is not None
            or self.hidden is not None
            or self.updated is not None
        )

    def is_empty(self) -> bool:
        """True when nothing constrains the result (``""``, ``"(:"``)."""
        return not self.terms and not self.has_filters

    def highlight_terms(self) -> list[str]:
        """What to highlight in a shown article: the words and phrases sought."""
        return list(dict.fromkeys(t.shown or t.text for t in self.positive_terms if t.column != "author"))

    def time_range(self, now: datetime) -> tuple[int | None, int | None]:
        """(published at or after, published before) as UNIX times, or None."""
        low = self.after.timestamp(now) if self.after else None
        high = self.before.timestamp(now) if self.before else None
        return low, high

    def with_filter(self, **changes) -> Query:
        """A copy with some fields changed (e.g. ``read=False`` for a count of unread)."""
        return replace(self, **changes)

    def __str__(self) -> str:
        """The query in its own syntax; ``parse_query(str(q)) == q``."""
        parts = [str(t) for t in self.terms]
        parts += [f"source:{_quote(s)}" for s in self.sources]
        parts += [f"-source:{_quote(s)}" for s in self.not_sources]
        parts += [f"tag:{_quote(t)}" for t in self.tags]
        parts += [f"-tag:{_quote(t)}" for t in self.not_tags]
        if self.read is not None:
            parts.append("is:read" if self.read else "is:unread")
        if self.bookmarked is not None:
            parts.append(("" if self.bookmarked else "-") + "is:bookmarked")
        for name in ("flagged", "hidden", "updated"):
            value = getattr(self, name)
            if value is not None:
                parts.append(("" if value else "-") + f"is:{name}")
        if self.after is not None:
            parts.append(f"after:{self.after.text}")
        if self.before is not None:
            parts.append(f"before:{self.before.text}")
        return " ".join(parts)


def _quote(value: str) -> str:
    return f'"{value}"' if (not value or any(c.isspace() for c in value)) else value


# -- reading ---------------------------------------------------------------


@dataclass(slots=True)
class _Builder:
    """Collects what the scanner finds and checks it for contradictions."""

    terms: list[Term] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    not_sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    not_tags: list[str] = field(default_factory=list)
    read: bool | None = None
    bookmarked: bool | None = None
    after: DateBound | None = None
    before: DateBound | None = None
    flagged: bool | None = None
    hidden: bool | None = None
    updated: bool | None = None

    def add_text(
        self, raw: str, *, quoted: bool, negated: bool, prefix: bool = False, column: str | None = None
    ) -> None:
        words = tuple(_WORD.findall(raw))
        if not words:
            if column:
                raise QueryError(f"{column}: needs words to find (as in {column}:{_EXAMPLES[column]})")
            return  # only punctuation: nothing to look for
        prefix = prefix or (not quoted and raw.endswith("*"))
        if prefix and len(words[-1]) < MIN_PREFIX:
            raise QueryError(f"prefix* needs at least {MIN_PREFIX} letters: {_shown(raw)}")
        shown = "" if quoted or len(words) == 1 else _EDGE_PUNCTUATION.sub("", raw)
        term = Term(words, phrase=quoted or len(words) > 1, prefix=prefix, negated=negated, column=column, shown=shown)
        if term not in self.terms:
            self.terms.append(term)
        if len(self.terms) > MAX_TERMS:
            raise QueryError(f"too many words (at most {MAX_TERMS})")

    def add_filter(self, name: str, value: str, *, negated: bool, quoted: bool = False) -> None:
        if name in TEXT_FIELDS:
            self.add_text(value, quoted=quoted, negated=negated, column=name)
            return
        if name in ("source", "tag"):
            # As the query prints it back: one clean line, no quote marks
            # (none can be written inside a quoted value; 'source:\b"x' was
            # a name that read back as x).
            value = clean_line(value).replace('"', "").strip()
        if not value.strip():
            what = {"source": "a source name", "tag": "a tag", "is": "a state"}.get(name, "a date")
            raise QueryError(f"{name}: needs {what} (as in {name}:{_EXAMPLES[name]})")
        if name == "source":
            self._add_unique(self.not_sources if negated else self.sources, value)
        elif name == "tag":
            self._add_unique(self.not_tags if negated else self.tags, value)
        elif name == "is":
            self.add_state(value.lower(), negated=negated)
        else:
            if negated:
                other = "before" if name == "after" else "after"
                raise QueryError(f"-{name}: cannot be negated (use {other}:)")
            bound = parse_date(name, value)
            if getattr(self, name) is not None and getattr(self, name) != bound:
                raise QueryError(f"{name}: given twice ({_shown(getattr(self, name).text)} and {_shown(value)})")
            setattr(self, name, bound)

    @staticmethod
    def _add_unique(values: list[str], value: str) -> None:
        if value and value not in values:
            values.append(value)

    def add_state(self, value: str, *, negated: bool) -> None:
        if value not in _IS_VALUES:
            raise QueryError(f"is: unknown state {_shown(value)} ({_IS_HINT})")
        if value in ("flagged", "hidden", "updated"):
            wanted = not negated
            if getattr(self, value) is not None and getattr(self, value) != wanted:
                raise QueryError(f"is:{value} and -is:{value} contradict each other")
            setattr(self, value, wanted)
            return
        if value == "bookmarked":
            wanted = not negated
            if self.bookmarked is not None and self.bookmarked != wanted:
                raise QueryError("is:bookmarked and -is:bookmarked contradict each other")
            self.bookmarked = wanted
            return
        wanted = (value == "read") != negated
        if self.read is not None and self.read != wanted:
            raise QueryError("is:read and is:unread contradict each other")
        self.read = wanted

    def build(self) -> Query:
        return Query(
            terms=tuple(self.terms),
            sources=tuple(self.sources),
            not_sources=tuple(self.not_sources),
            tags=tuple(self.tags),
            not_tags=tuple(self.not_tags),
            read=self.read,
            bookmarked=self.bookmarked,
            after=self.after,
            before=self.before,
            flagged=self.flagged,
            hidden=self.hidden,
            updated=self.updated,
        )


_EXAMPLES = {
    "source": '"Sky News AU"',
    "tag": "world",
    "is": "unread",
    "before": "2026-11-20",
    "after": "7d",
    "author": '"Ana Ruiz"',
    "title": "strike",
}


def parse_date(name: str, value: str) -> DateBound:
    """``YYYY-MM-DD``, ``today``, ``yesterday`` or an age (``7d``, ``24h``, ``2w``)."""
    text = value.strip().lower()
    if text == "today":
        return DateBound("today", days_back=0)
    if text == "yesterday":
        return DateBound("yesterday", days_back=1)
    if _ISO_DAY.fullmatch(text):
        try:
            return DateBound(text, day=date.fromisoformat(text))
        except ValueError:
            raise QueryError(f"{name}: not a date: {_shown(value)} (no such day)") from None
    span = parse_duration(text)
    if span is not None:
        if span > MAX_AGO:
            raise QueryError(f"{name}: {_shown(value)} is too far back (at most 100 years)")
        return DateBound(text, ago=span)
    raise QueryError(f"{name}: not a date: {_shown(value)} ({_DATE_HINT})")


def parse_duration(text: str) -> timedelta | None:
    """``12h``, ``3d``, ``2w`` as a span of time; None for anything else.

    The one spelling of a duration for search (``after:3d``) and the
    command line (``--since 3d``)."""
    ago = _AGO.fullmatch(text.strip().lower())
    if not ago:
        return None
    return int(ago.group(1)) * _AGO_UNITS[ago.group(2)]


def parse_query(text: str) -> Query:
    """Read ``text`` into a :class:`Query`; raise :class:`QueryError` if it cannot be."""
    if not isinstance(text, str):
        raise QueryError("a query is text")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long (at most {MAX_QUERY_CHARS} characters)")
    built = _Builder()
    pos, end = 0, len(text)
    while pos < end:
        if text[pos].isspace():
            pos += 1
            continue
        negated = text[pos] == "-" and pos + 1 < end and not text[pos + 1].isspace()
        if negated:
            pos += 1
        if text[pos] == '"':
            value, pos = _read_quoted(text, pos)
            prefix = text.startswith("*", pos)  # "port cal"* : the last word is a prefix
            pos += prefix
            built.add_text(value, quoted=True, negated=negated, prefix=prefix)
            continue
        field_match = _FIELD.match(text, pos)
        if field_match:
            name = field_match.group(1).lower()
            value_start = field_match.end()
            if name in FIELDS:
                quoted = value_start < end and text[value_start] == '"'
                if quoted:
                    value, pos = _read_quoted(text, value_start)
                    if name in TEXT_FIELDS and text.startswith("*", pos):  # title:"port cal"*
                        pos += 1
                        built.add_text(value, quoted=True, negated=negated, prefix=True, column=name)
                        continue
                else:
                    value, pos = _read_bare(text, value_start)
                built.add_filter(name, value, negated=negated, quoted=quoted)
                continue
            rest, _ = _read_bare(text, value_start)
            if rest and not rest.startswith("//"):  # a URL is text to search for
                raise QueryError(
                    f"unknown filter {_shown(name + ':')} (filters: source: tag: author: title: is: before: after:;"
                    " put text in quotes to search for it)"
                )
        value, pos = _read_bare(text, pos)
        built.add_text(value, quoted=False, negated=negated)
    return built.build()


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """The text between the quote at ``pos`` and the next one (or the end:
    an unclosed quote is forgiven, it runs to the end of the query)."""
    close = text.find('"', pos + 1)
    if close < 0:
        return text[pos + 1 :], len(text)
    return text[pos + 1 : close], close + 1


def _read_bare(text: str, pos: int) -> tuple[str, int]:
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[pos:end], end


def highlight_terms(text: str) -> list[str]:
    """The words and phrases to highlight in an article shown for the query
    ``text``: not ``source:`` or other filters, not ``-excluded`` words.
    Never raises: a query that does not parse highlights nothing."""
    try:
        return parse_query(text).highlight_terms()
    except QueryError:
        return []
