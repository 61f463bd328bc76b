"""The story index: signatures, posting lists and document frequencies.

What :func:`~newsreader.store.story_rows.assign_stories` does for the
articles of a call, in SQL: :func:`sign` weighs each one's signature by the
document frequencies the articles before it left (in memory);
:func:`matches` reads the posting lists of all their searched features over
the days around each one with one query, and compares the few candidates
that share the most; :func:`write_signatures` stores the signatures and
posts their keys and heaviest features, one statement each. Each article
sees the stored articles and those before it in the call, exactly as if it
had come alone. Document frequencies are remembered between imports
(:class:`~newsreader.store.term_frequencies.TermCounts`) and written once
per call, the common ones in steps.

Every statement here reads through an index (``tests/test_stories_store.py``
checks the query plans)."""

from __future__ import annotations

import hashlib
import json
import operator
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from newsreader.store.term_frequencies import TermCounts
from newsreader.stories import clustering, signature
from newsreader.stories.clustering import Member, StoryState
from newsreader.stories.signature import Prepared, Signature

#: Candidates compared in full: those sharing the most weight of posted
#: features over the days around the article. A candidate ranked lower
#: matches by chance, not by the event (benchmarks/clustering_eval.py).
MAX_CANDIDATES = 5

_UNREAD = Signature({})  # a candidate's signature before it is decoded
_BY_WEIGHT_THEN_NEWEST = operator.itemgetter(1, 0)  # of (article id, weight)


def signed_text_hash(digest: int, row: sqlite3.Row) -> int:
    """What a signature depends on (its text's digest, the time, the
    outlet), hashed to a signed 64-bit integer."""
    text = f"{digest}\x1f{row['published_ts']}\x1f{row['source'] or ''}"
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest(), "big", signed=True)


@dataclass(slots=True)
class Signed:
    """One article of a call, signed in memory (:func:`sign`): what is
    written for it (:func:`write_signatures`) and what it searches
    (:func:`matches`)."""

    member: Member
    text_hash: int
    first_time: bool
    #: Its keys and heaviest features not too common to search, as posted.
    posted: list[str]
    #: Feature -> weight it adds to a candidate that has it; empty when the
    #: article is not placed (already in a story, or nothing to compare).
    search: dict[str, int]
    #: Candidates that tell its event, filled by :func:`matches`.
    found: list[Member] = field(default_factory=list)


def sign(row: sqlite3.Row, outlet: str, text_hash: int, prep: Prepared, terms: list[str], counts: TermCounts) -> Signed:
    """The signature of one article, weighed by the frequencies the articles
    before it left, and what it posts and searches. It counts into the
    frequencies the first time only: a longer body is not a new article.
    Nothing is written here (:func:`write_signatures` does, per call)."""
    first_time = row["text_hash"] is None
    df = counts.call
    seen = operator.itemgetter(*terms)(df) if len(terms) > 1 else tuple(df[t] for t in terms)
    total = counts.total
    sig = signature.weigh(prep, total, seen, terms)
    most = counts.most_searched(total)
    heaviest = sig.heaviest or ()
    posted = [*sig.keys, *(t for t in heaviest if df[t] <= most)]
    if first_time:
        counts.count(terms, seen)
    member = Member(int(row["id"]), outlet, row["published_ts"], int(row["added_at"]), sig, row["story_id"])
    search: dict[str, int] = {}
    if row["story_id"] is None and (sig.vector or sig.keys):
        # Frequencies now count the article itself (when new: re-signing is
        # off by one, no matter): 1 is nobody else's.
        most = counts.most_searched(counts.total - 1) + 1
        search = dict.fromkeys(sig.keys, signature.WEIGHT_SCALE)
        vector = sig.vector
        for term in heaviest:
            if 1 < df[term] <= most:
                search[term] = vector[term]
    return Signed(member, text_hash, first_time, posted, search)


def write_signatures(conn: sqlite3.Connection, batch: list[Signed]) -> None:
    """Store the signatures of a call's articles and post them (those signed
    before replace their old rows), in one statement each."""
    again = [(s.member.article_id,) for s in batch if not s.first_time]
    if again:
        conn.executemany("DELETE FROM story_signatures WHERE article_id = ?", again)
    rows = []
    postings = []
    for s in batch:
        m = s.member
        # Each posted term once: an empty line in the terms, the term in the postings.
        text, weights, in_terms = m.signature.encode_posted(s.posted)
        rows.append(
            (m.article_id, m.outlet, m.published_ts, m.added_at, s.text_hash, text, weights, _json_list(in_terms))
        )
        ts = clustering.when(m)
        postings += [(term, ts, m.article_id) for term in s.posted]
    conn.executemany(
        """INSERT INTO story_signatures(article_id, outlet, published_ts, added_at, text_hash, terms, weights, postings)
           VALUES (?,?,?,?,?,?,?,?)""",
        rows,
    )
    # In key order: each insert lands near the one before it in the index.
    postings.sort()
    conn.executemany("INSERT OR IGNORE INTO story_terms(term, ts, article_id) VALUES (?,?,?)", postings)


def _json_list(items: list[str]) -> str:
    """A JSON array of strings; without the encoder when nothing needs
    escaping (features never do: they are words and names)."""
    probe = "".join(items)
    if '"' not in probe and "\\" not in probe and probe.isprintable():
        return '["' + '","'.join(items) + '"]' if items else "[]"
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def spans(member: Member) -> list[tuple[int, int]]:
    """The times whose posting lists hold ``member``'s candidates: the days
    around it, and around its arrival when that is far from its date (an
    undated article is judged against it by arrival: close_in_time).
    Disjoint, so a posting is read once."""
    window = clustering.TIME_WINDOW
    t = clustering.when(member)
    around = [(t - window, t + window)]
    if abs(t - member.added_at) > window:
        a = member.added_at
        around = [(a - window, a + window), *around] if a < t else [*around, (a - window, a + window)]
        if around[0][1] >= around[1][0]:
            around = [(around[0][0], around[1][1])]
    return around


#: A call's posting lists, read at once: one range of each list per
#: distinct stretch of days its articles search.
_POSTINGS = """WITH q(term, lo, hi) AS (VALUES {})
SELECT q.term, t.ts, t.article_id FROM q CROSS JOIN story_terms t ON t.term = q.term AND t.ts BETWEEN q.lo AND q.hi"""
_RANGES_PER_QUERY = 300  # three parameters each: under SQLite's oldest limit of 999


def matches(conn: sqlite3.Connection, batch: list[Signed], signed: Mapping[int, Signature]) -> None:
    """Fill each article's ``found``: the candidates that tell its event.

    As if the articles had come one by one: each sees the articles stored
    before the call and those before it in ``batch`` (``signed`` holds the
    signatures of earlier calls' articles, already decoded). Candidates are
    found through its searched features' lists over the days around it;
    the :data:`MAX_CANDIDATES` sharing the most weight are compared in full;
    those that score below the join score but are similar enough to count
    towards a story as a whole (``clustering.STORY_MEMBER_FLOOR``) come too.
    Reads the posting lists once for the call and the candidates'
    signatures once (before :func:`write_signatures`).
    """
    weights = _shared_weights(conn, batch)
    if not weights:
        return
    position = {s.member.article_id: i for i, s in enumerate(batch)}
    chosen: dict[int, list[int]] = {}
    stored: set[int] = set()
    for i, w in weights.items():
        w.pop(batch[i].member.article_id, None)
        best = [a for a, _ in sorted(w.items(), key=_BY_WEIGHT_THEN_NEWEST, reverse=True)[:MAX_CANDIDATES]]
        chosen[i] = best
        # Those not signed earlier in the call are read as stored.
        stored.update(a for a in best if position.get(a, len(batch)) >= i)
    rows = _stored_signatures(conn, stored)
    for i, best in chosen.items():
        batch[i].found = _compared(batch, i, best, position, rows, signed)


def _shared_weights(conn: sqlite3.Connection, batch: list[Signed]) -> dict[int, dict[int, int]]:
    """Index in ``batch`` of each article placed -> article id -> the weight
    of its searched features that article posted (within the days around
    it), from the stored lists and the batch's earlier articles."""
    place = [i for i, s in enumerate(batch) if s.search]
    if not place:
        return {}
    # Articles signed again: their stored postings are seen by the articles
    # before them in the batch only (after that, their new ones).
    replaced = {s.member.article_id: i for i, s in enumerate(batch) if not s.first_time}
    # term -> (from, to) -> [(article index, weight)]: most of a call's
    # articles search the same days (they arrived together), so a posting
    # is checked against each stretch of days once, not once per article.
    looks: dict[str, dict[tuple[int, int], list[tuple[int, int]]]] = {}
    around_of: dict[int, list[tuple[int, int]]] = {}
    for i in place:
        s = batch[i]
        around = around_of[i] = spans(s.member)
        for span in around:
            for term, weight in s.search.items():
                by_span = looks.get(term)
                if by_span is None:
                    looks[term] = {span: [(i, weight)]}
                else:
                    by_span.setdefault(span, []).append((i, weight))
    weights: dict[int, dict[int, int]] = {i: {} for i in place}
    ranges: list[tuple[str, int, int]] = []
    for term, by_span in looks.items():
        if len(by_span) == 1:
            ranges += [(term, lo, hi) for lo, hi in by_span]
        else:
            ranges += [(term, lo, hi) for lo, hi in _merged(by_span)]
    last = len(batch)
    for chunk in _chunks(ranges, _RANGES_PER_QUERY):
        sql = _POSTINGS.format(",".join(["(?,?,?)"] * len(chunk)))
        for term, ts, other in conn.execute(sql, [v for r in chunk for v in r]):
            for (lo, hi), readers in looks[term].items():
                if lo <= ts <= hi:
                    # Seen by every reader, unless signed again in this call.
                    before = replaced.get(other, last) if replaced else last
                    for i, weight in readers:
                        if before > i:
                            w = weights[i]
                            w[other] = w.get(other, 0) + weight
    # The batch's own postings, each seen by the articles after it.
    posted: dict[str, list[tuple[int, int]]] = {}
    for i, s in enumerate(batch):
        tally = weights.get(i)
        if tally is not None and posted:
            (lo, hi), *far = around_of[i]
            for term, weight in s.search.items():
                for ts, other in posted.get(term, ()):
                    if lo <= ts <= hi or (far and far[0][0] <= ts <= far[0][1]):
                        tally[other] = tally.get(other, 0) + weight
        ts = clustering.when(s.member)
        for term in s.posted:
            posted.setdefault(term, []).append((ts, s.member.article_id))
    return weights


def _compared(
    batch: list[Signed],
    i: int,
    best: list[int],
    position: Mapping[int, int],
    rows: Mapping[int, tuple[Any, ...]],
    signed: Mapping[int, Signature],
) -> list[Member]:
    """The candidates ``best`` of ``batch[i]`` that come close enough (see
    :func:`_near`): those signed earlier in the batch from memory, the
    others from their ``rows`` as stored."""
    member = batch[i].member
    sig = member.signature
    found: list[Member] = []
    # In key order, as the candidates' story tie-breaks always saw them.
    for article_id in sorted(best):
        j = position.get(article_id, len(batch))
        # An outlet's own articles never make a story (decide() passes
        # them over): they are not even compared.
        if j < i:  # signed earlier in this call
            m = batch[j].member
            if m.outlet == member.outlet or not clustering.close_in_time(member, m):
                continue
            cand = Member(article_id, m.outlet, m.published_ts, m.added_at, m.signature)
            score, plain = clustering.event_scores(sig, m.signature)
        else:
            r = rows.get(article_id)
            if r is None or r[1] == member.outlet:
                continue
            cand = Member(article_id, r[1], r[2], int(r[3]), _UNREAD)
            if not clustering.close_in_time(member, cand):
                continue  # decided before decoding
            known = signed.get(article_id)
            if known is not None:
                score, plain = clustering.event_scores(sig, known)
            else:
                score, plain = clustering.stored_scores(sig, r[4], r[5], r[6])
            if _near(score, plain):
                cand.signature = known or Signature.decode(r[4], r[5], r[6])
        if _near(score, plain):
            found.append(cand)
    return found


def _near(score: float, plain: float) -> bool:
    """Whether a candidate's scores make it part of what an article is
    compared with: those below the join score may still be part of a story
    it joins as a whole (clustering.story_match)."""
    return score >= clustering.JOIN_SCORE or plain >= clustering.STORY_MEMBER_FLOOR


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping ranges joined (sorted)."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _stored_signatures(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    """article id -> (id, outlet, published_ts, added_at, terms, weights, postings) as stored."""
    out: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(sorted(ids), 500):
        out.update(
            (r[0], tuple(r))
            for r in conn.execute(
                f"""SELECT article_id, outlet, published_ts, added_at, terms, weights, postings FROM story_signatures
                    WHERE article_id IN ({",".join("?" * len(chunk))})""",
                chunk,
            )
        )
    return out


def memberships(conn: sqlite3.Connection, batch: list[Signed]) -> tuple[dict[int, int], dict[int, StoryState]]:
    """The stories of a call's candidates as stored: article id -> story id,
    and story id -> its span."""
    story_of: dict[int, int] = {}
    stories: dict[int, StoryState] = {}
    ids = sorted({c.article_id for s in batch for c in s.found})
    for chunk in _chunks(ids, 500):
        for article_id, story_id, first_ts, last_ts in conn.execute(
            f"""SELECT m.article_id, s.id, s.first_ts, s.last_ts FROM story_articles m JOIN stories s ON s.id = m.story_id
                WHERE m.article_id IN ({",".join("?" * len(chunk))})""",
            chunk,
        ):
            story_of[int(article_id)] = int(story_id)
            stories[int(story_id)] = StoryState(int(story_id), int(first_ts), int(last_ts))
    return story_of, stories


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
