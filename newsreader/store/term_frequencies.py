"""Document frequencies of story features, remembered between calls.

How often each feature of a signature is seen weighs it (a rare one tells an
event); the counts live in ``story_term_df`` and, between calls on one
connection, in memory (:class:`TermCounts`). Common features are counted in
steps (:func:`stepped`), so most of a call's features cost no write."""

from __future__ import annotations

import itertools
import operator
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable
from typing import ClassVar

from newsreader.stories import signature

#: A feature found in more than this share of the articles (of at least
#: ``IDF_MIN_DOCUMENTS``) is neither posted nor searched: its posting list
#: would be long and every article on it a chance match; rarer features
#: find the story. (Labelled set: 0.5 % to 5 % score the same; 0.2 % loses
#: recall, 0.687.)
SEARCH_MAX_SHARE = 0.02
#: Document frequencies up to this are stored exactly, higher ones in steps
#: (see :meth:`TermCounts.store`). Labelled set: 32 and above score as
#: exact counting does; at 16 one borderline pair of the warm-cache run
#: (0.200) crosses the threshold.
EXACT_DF = 32

_STATS_KEY = ""  # story_term_df row holding the number of signed articles


class TermCounts:
    """Document frequencies, remembered between calls on one connection:
    most of an import's features were looked up by an earlier one.

    ``call`` and ``total`` are what the articles signed so far have seen:
    the stored counts of the call's features plus the call's articles,
    which ``pending`` holds until :meth:`store` writes them, once per call
    (one upsert per distinct feature, not per article), and remembers them
    in ``df`` for the calls after. (Two dicts: the call's is small, and the
    per-article look-ups stay in the processor's cache; the memory is
    touched once per distinct feature.) The memory is valid while nobody else wrote
    the table: at the start of a call the stored article count must be the
    one this connection last wrote (a rolled-back import changes it back)
    and ``PRAGMA data_version`` unchanged (another connection committed);
    else it starts over.
    """

    #: Connections remembered (one per thread that imports, in practice).
    KEEP = 4
    #: Terms remembered (about 160 bytes each); past this the older half goes.
    MAX_TERMS = 40_000
    _by_connection: ClassVar[dict[int, tuple[sqlite3.Connection, TermCounts]]] = {}

    def __init__(self) -> None:
        self.df: dict[str, int] = {}
        self.call: dict[str, int] = {}
        self.total = -1
        self.data_version = -1
        self.pending: Counter[str] = Counter()
        self.pending_articles = 0

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> TermCounts:
        entry = cls._by_connection.get(id(conn))
        if entry is None or entry[0] is not conn:
            # The connection is held, so its id is not reused while it is
            # here; closed ones make room first.
            for key, (other, _) in list(cls._by_connection.items()):
                try:
                    other.total_changes  # noqa: B018 - raises once it is closed
                except sqlite3.ProgrammingError:
                    del cls._by_connection[key]
            while len(cls._by_connection) >= cls.KEEP:
                del cls._by_connection[next(iter(cls._by_connection))]
            entry = cls._by_connection[id(conn)] = (conn, cls())
        counts = entry[1]
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        row = conn.execute("SELECT df FROM story_term_df WHERE term = ?", (_STATS_KEY,)).fetchone()
        total = int(row[0]) if row else 0
        if version != counts.data_version or total != counts.total or counts.pending:
            counts.reset()
        elif len(counts.df) > cls.MAX_TERMS:
            for term in list(itertools.islice(counts.df, len(counts.df) // 2)):
                del counts.df[term]
        counts.data_version, counts.total = version, total
        counts.call.clear()
        return counts

    @classmethod
    def forget(cls, conn: sqlite3.Connection) -> None:
        cls._by_connection.pop(id(conn), None)

    def reset(self) -> None:
        """Forget what is remembered: the stored counts changed under it, or
        a call failed half-way and what it counted was not stored."""
        self.df.clear()
        self.call.clear()
        self.pending.clear()
        self.pending_articles = 0
        self.total = -1

    def load(self, conn: sqlite3.Connection, term_lists: Iterable[list[str]]) -> None:
        """The frequencies of the call's terms not looked up yet: remembered,
        else stored."""
        call = self.call
        remembered = self.df.get
        missing: list[str] = []
        for term in set(itertools.chain.from_iterable(term_lists)).difference(call):
            n = remembered(term)
            if n is None:
                missing.append(term)
            else:
                call[term] = n
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            call.update(dict.fromkeys(chunk, 0))  # absent: nobody had it
            call.update(
                conn.execute(f"SELECT term, df FROM story_term_df WHERE term IN ({','.join('?' * len(chunk))})", chunk)
            )

    def count(self, terms: list[str], seen: Iterable[int]) -> None:
        """A new article with ``terms`` (whose frequencies were ``seen``)."""
        self.call.update(zip(terms, map(operator.add, seen, itertools.repeat(1))))
        self.pending.update(terms)
        self.pending_articles += 1
        self.total += 1

    def store(self, conn: sqlite3.Connection) -> None:
        """Write what this call counted (see :func:`stepped`) and remember it."""
        df, call = self.df, self.call
        # Differs between calls, so a feature is not always rounded the same way.
        salt = zlib.crc32(str(self.total).encode())
        writes: list[tuple[str, int]] = [(_STATS_KEY, self.pending_articles)] if self.pending_articles else []
        for term, n in self.pending.items():
            stored = call[term] - n
            if stored >= 2 * EXACT_DF:
                n = stepped(stored, n, zlib.crc32(term.encode("utf-8", "replace")) ^ salt)
                call[term] = stored + n
                if not n:
                    continue
            elif stored + n == 1:
                # Most features seen once are never seen again (a number, an
                # id in a link): not worth remembering, looked up if they are.
                del call[term]
                df.pop(term, None)
            writes.append((term, n))
        writes.sort()  # in key order: each upsert lands near the one before
        conn.executemany(
            "INSERT INTO story_term_df(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            writes,
        )
        df.update(call)
        call.clear()
        self.pending.clear()
        self.pending_articles = 0

    @staticmethod
    def most_searched(total: int) -> float:
        """The highest frequency of a feature that is posted and searched."""
        return SEARCH_MAX_SHARE * max(total, signature.IDF_MIN_DOCUMENTS)


def stepped(stored: int, n: int, draw: int) -> int:
    """What a call's ``n`` new articles add to a stored frequency.

    Up to :data:`EXACT_DF`, ``n``. Above it, frequencies move in steps of a
    power of two, ``stored / 64 < step <= stored / 32``: ``n`` rounded to a
    whole number of steps, up with the odds that keep the expected count
    exact (``draw``, any integer that varies between features and calls,
    picks the way). Rare features, the ones that tell an event, keep exact
    counts; a common one's count moves by at most 1/32 a step (its IDF by
    0.031), and most of a call's features, the common ones, cost no write:
    at 100,000 generated articles, two upserts in three.
    """
    if stored < 2 * EXACT_DF:
        return n
    step = 1 << ((stored // EXACT_DF).bit_length() - 1)
    whole, part = divmod(n, step)
    return (whole + (draw % step < part)) * step
