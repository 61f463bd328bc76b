"""The story index: signatures, posting lists and document frequencies.

What :func:`~newsreader.store.story_rows.assign_stories` does for each new
article, in SQL: :func:`sign` stores its signature, weighed by the document
frequencies the articles before it left, and posts its heaviest features;
:func:`matches` reads the posting lists of those features over the days
around it and compares the few candidates that share the most. Document
frequencies are remembered between imports (:class:`TermCounts`) and
written once per import, the common ones in steps (:func:`stepped`).

Every statement here reads through an index (``tests/test_stories_store.py``
checks the query plans).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import ClassVar

from newsreader.stories import clustering, signature
from newsreader.stories.clustering import Member, StoryState
from newsreader.stories.signature import Prepared, Signature

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
#: Candidates compared in full: those sharing the most weight of posted
#: features over the days around the article. A candidate ranked lower
#: matches by chance, not by the event (benchmarks/clustering_eval.py).
MAX_CANDIDATES = 5

_STATS_KEY = ""  # story_term_df row holding the number of signed articles
_UNREAD = Signature({})  # a candidate's signature before it is decoded
_BY_WEIGHT_THEN_NEWEST = operator.itemgetter(1, 0)  # of (article id, weight)


def signed_text_hash(digest: int, row: sqlite3.Row) -> int:
    """What a signature depends on (its text's digest, the time, the
    outlet), hashed to a signed 64-bit integer."""
    text = f"{digest}\x1f{row['published_ts']}\x1f{row['source'] or ''}"
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest(), "big", signed=True)


class TermCounts:
    """Document frequencies, remembered between calls on one connection:
    most of an import's features were looked up by an earlier one.

    ``df`` and ``total`` are what the articles signed so far have seen: the
    stored counts plus this call's articles, which ``pending`` holds until
    :meth:`store` writes them, once per call (one upsert per distinct
    feature, not per article). The memory is valid while nobody else wrote
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
        return counts

    @classmethod
    def forget(cls, conn: sqlite3.Connection) -> None:
        cls._by_connection.pop(id(conn), None)

    def reset(self) -> None:
        """Forget what is remembered: the stored counts changed under it, or
        a call failed half-way and what it counted was not stored."""
        self.df.clear()
        self.pending.clear()
        self.pending_articles = 0
        self.total = -1

    def load(self, conn: sqlite3.Connection, term_lists: Iterable[list[str]]) -> None:
        """Look up the stored frequencies of the terms not remembered yet."""
        df = self.df
        missing = list({t for terms in term_lists for t in terms if t not in df})
        for chunk in _chunks(missing, 500):
            df.update(dict.fromkeys(chunk, 0))  # absent: nobody had it
            df.update(
                conn.execute(f"SELECT term, df FROM story_term_df WHERE term IN ({','.join('?' * len(chunk))})", chunk)
            )

    def count(self, terms: list[str], seen: Iterable[int]) -> None:
        """A new article with ``terms`` (whose frequencies were ``seen``)."""
        self.df.update(zip(terms, map(operator.add, seen, itertools.repeat(1))))
        self.pending.update(terms)
        self.pending_articles += 1
        self.total += 1

    def store(self, conn: sqlite3.Connection) -> None:
        """Write what this call counted (see :func:`stepped`)."""
        df = self.df
        # Differs between calls, so a feature is not always rounded the same way.
        salt = zlib.crc32(str(self.total).encode())
        writes: list[tuple[str, int]] = [(_STATS_KEY, self.pending_articles)] if self.pending_articles else []
        for term, n in self.pending.items():
            stored = df[term] - n
            if stored >= 2 * EXACT_DF:
                n = stepped(stored, n, zlib.crc32(term.encode("utf-8", "replace")) ^ salt)
                df[term] = stored + n
                if not n:
                    continue
            elif stored + n == 1:
                # Most features seen once are never seen again (a number, an
                # id in a link): not worth remembering, looked up if they are.
                del df[term]
            writes.append((term, n))
        conn.executemany(
            "INSERT INTO story_term_df(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            writes,
        )
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


def sign(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    outlet: str,
    text_hash: int,
    prep: Prepared,
    terms: list[str],
    counts: TermCounts,
) -> Member:
    """Store the signature of one article, weighed by the frequencies the
    articles before it left, and post its keys and heaviest features (those
    not too common to search). It counts into the frequencies the first
    time only: a longer body is not a new article."""
    article_id = int(row["id"])
    first_time = row["text_hash"] is None
    if not first_time:
        conn.execute("DELETE FROM story_signatures WHERE article_id = ?", (article_id,))
    df = counts.df
    seen = operator.itemgetter(*terms)(df) if len(terms) > 1 else tuple(df[t] for t in terms)
    total = counts.total
    sig = signature.weigh(prep, total, seen, terms)
    most = counts.most_searched(total)
    posted = [*sig.keys, *(t for t in sig.heaviest or () if df[t] <= most)]
    if first_time:
        counts.count(terms, seen)
    member = Member(article_id, outlet, row["published_ts"], int(row["added_at"]), sig, row["story_id"])
    text, weights = sig.encode()
    conn.execute(
        """INSERT INTO story_signatures(article_id, outlet, published_ts, added_at, text_hash, terms, weights, postings)
           VALUES (?,?,?,?,?,?,?,?)""",
        (article_id, outlet, row["published_ts"], row["added_at"], text_hash, text, weights, _json_list(posted)),
    )
    if posted:
        ts = clustering.when(member)
        conn.execute(
            f"INSERT OR IGNORE INTO story_terms(term, ts, article_id) VALUES {','.join(['(?,?,?)'] * len(posted))}",
            [v for term in posted for v in (term, ts, article_id)],
        )
    return member


def _json_list(items: list[str]) -> str:
    """A JSON array of strings; without the encoder when nothing needs
    escaping (features never do: they are words and names)."""
    probe = "".join(items)
    if '"' not in probe and "\\" not in probe and probe.isprintable():
        return '["' + '","'.join(items) + '"]' if items else "[]"
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def matches(
    conn: sqlite3.Connection,
    member: Member,
    counts: TermCounts,
    signed: dict[int, Signature],
) -> tuple[list[Member], dict[int, StoryState]]:
    """The candidates that tell ``member``'s event: found through its posted
    features' lists over the days around it, the :data:`MAX_CANDIDATES`
    sharing the most weight compared in full; those that score below the
    join score but are similar enough to count towards a story as a whole
    (``clustering.STORY_MEMBER_FLOOR``) come too. Returns them and their
    stories."""
    sig = member.signature
    df = counts.df
    # Frequencies now count the article itself (when new: re-signing is off
    # by one, no matter): 1 is nobody else's.
    most = counts.most_searched(counts.total - 1) + 1
    search: dict[str, int] = dict.fromkeys(sig.keys, signature.WEIGHT_SCALE)
    for term in sig.heaviest or ():
        if 1 < df[term] <= most:
            search[term] = sig.vector[term]
    if not search:
        return [], {}
    window = clustering.TIME_WINDOW
    t = clustering.when(member)
    spans = [(t - window, t + window)]
    if abs(t - member.added_at) > window:
        # An undated article is judged against this one by arrival (close_in_time).
        a = member.added_at
        spans = [(a - window, a + window)] + spans if a < t else spans + [(a - window, a + window)]
        if spans[0][1] >= spans[1][0]:
            spans = [(spans[0][0], spans[1][1])]
    weight: dict[int, int] = {}
    marks = ",".join("?" * len(search))
    for start, end in spans:  # disjoint: a posting is read once
        for term, other in conn.execute(
            f"SELECT term, article_id FROM story_terms WHERE term IN ({marks}) AND ts BETWEEN ? AND ?",
            (*search, start, end),
        ):
            # An exact key (same title, same slug) outranks any single feature.
            weight[other] = weight.get(other, 0) + search[term]
    weight.pop(member.article_id, None)
    chosen = [i for i, _ in sorted(weight.items(), key=_BY_WEIGHT_THEN_NEWEST, reverse=True)[:MAX_CANDIDATES]]
    if not chosen:
        return [], {}
    found: list[Member] = []
    # An outlet's own articles never make a story (decide() passes them
    # over): they are not even read.
    for r in conn.execute(
        f"""SELECT article_id, outlet, published_ts, added_at, terms, weights FROM story_signatures
            WHERE article_id IN ({",".join("?" * len(chosen))}) AND outlet != ?""",
        (*chosen, member.outlet),
    ):
        cand = Member(int(r[0]), r[1], r[2], int(r[3]), _UNREAD)
        if not clustering.close_in_time(member, cand):
            continue  # decided before decoding
        known = signed.get(cand.article_id)
        if known is not None:
            score, plain = clustering.event_scores(sig, known)
        else:
            score, plain = clustering.stored_scores(sig, r[4], r[5])
        # Those below the join score may still be part of a story the
        # article joins as a whole (clustering.story_match).
        if score >= clustering.JOIN_SCORE or plain >= clustering.STORY_MEMBER_FLOOR:
            cand.signature = known or Signature.decode(r[4], r[5])
            found.append(cand)
    stories: dict[int, StoryState] = {}
    if found:
        by_id = {m.article_id: m for m in found}
        for article_id, story_id, first_ts, last_ts in conn.execute(
            f"""SELECT m.article_id, s.id, s.first_ts, s.last_ts FROM story_articles m JOIN stories s ON s.id = m.story_id
                WHERE m.article_id IN ({",".join("?" * len(by_id))})""",
            list(by_id),
        ):
            by_id[article_id].story_id = int(story_id)
            stories[int(story_id)] = StoryState(int(story_id), int(first_ts), int(last_ts))
    return found, stories


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
