"""The SQL of stories: signing articles, finding candidates, grouping, reading.

Every function takes a ``sqlite3.Connection`` from :class:`~.cache.Cache`;
writers must be called inside ``Cache.write()`` (``assign_stories`` runs in
``Cache.import_document``'s own transaction). The decisions themselves are
made by :mod:`newsreader.clustering`.

Cost per new article, whatever the size of the cache: its share of one
document-frequency lookup per import, one statement of
:data:`~newsreader.clustering.INDEX_TERMS` + 2 posting-list range reads of
at most :data:`POSTINGS_PER_TERM` rows each, one read of at most
:data:`MAX_CANDIDATES` signatures by key, and the writes of its own
signature. Assignment never scans a table (``tests/test_stories_store.py``
checks the query plans); only :func:`rebuild_stories`, an explicit
maintenance step, reads every article.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .. import clustering
from ..clustering import Member, Signature, StoryState
from ..textnorm import normalize_name

#: Most recent articles read from each posting list. A feature shared by more
#: recent articles than this is common, and the rarer features find the story.
POSTINGS_PER_TERM = 32
#: Candidates compared in full: those sharing the most weight of posted
#: features. Reading their signatures is most of the cost. On the labelled
#: set 4 already find every match; on 30,000 generated articles 8 rather than
#: 16 costs no recall, saves ~10 % of the time and a third of the false pairs
#: (a candidate ranked that low matches by chance, not by the event).
MAX_CANDIDATES = 8

_STATS_KEY = ""  # story_term_df row holding the number of signed articles


# -- records -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryMember:
    id: int
    title: str
    source: str
    url: str | None
    published: str | None
    precision: str
    published_text: str | None
    is_read: bool
    when: int  # published_ts, else added_at: the order of the coverage


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    title: str
    first_ts: int
    last_ts: int
    article_count: int
    source_count: int
    seen_source_count: int
    muted: bool
    followed: bool
    members: list[StoryMember] = field(default_factory=list)

    @property
    def new_sources(self) -> int:
        """Outlets that joined since the story was last marked seen."""
        return max(0, self.source_count - self.seen_source_count)


# -- assignment ------------------------------------------------------------------


def assign_stories(conn: sqlite3.Connection, article_ids: Iterable[int], *, now: int | None = None) -> list[int]:
    """Sign the given articles and place each in a story if one fits.

    Called with the ids of one import, inside its write transaction. An
    article already signed from its current text is skipped, so importing a
    document again costs one indexed read. Articles already in a story stay
    there (a story does not lose members because a page got a longer body).
    Returns the ids of the stories that were created or grew.
    """
    now = int(time.time()) if now is None else now
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    touched: list[int] = []
    # Document frequencies counted in this call, written once at the end:
    # one upsert per distinct term of the batch instead of one per article.
    new_df: Counter[str] = Counter()
    for chunk in _chunks(ids, 400):
        rows = conn.execute(
            f"""SELECT a.id, a.title, substr(a.body, 1, {int(clustering.LEDE_CHARS)}) AS lede, a.url,
                       a.published_ts, a.added_at, s.name AS source, g.text_hash, m.story_id
                FROM articles a JOIN sources s ON s.id = a.source_id
                LEFT JOIN story_signatures g ON g.article_id = a.id
                LEFT JOIN story_articles m ON m.article_id = a.id
                WHERE a.id IN ({",".join("?" * len(chunk))})""",
            chunk,
        ).fetchall()
        by_id = {int(r["id"]): r for r in rows}
        todo: list[tuple[sqlite3.Row, int, clustering.Features]] = []
        for article_id in chunk:
            row = by_id.get(article_id)
            if row is None:
                continue
            text_hash = _text_hash(row)
            if row["text_hash"] == text_hash:
                continue  # signed from this very text already
            feats = clustering.article_features(row["title"] or "", row["lede"] or "", row["url"])
            todo.append((row, text_hash, feats))
        # One frequency lookup for the whole batch.
        total, df = _frequencies(conn, {t for _, _, feats in todo for t in feats.counts})
        for row, text_hash, feats in todo:
            member = _sign(conn, row, text_hash, feats, total, df, new_df)
            if row["story_id"] is not None or member is None:
                continue
            story_id = _place(conn, member, now)
            if story_id is not None:
                touched.append(story_id)
    if new_df:
        conn.executemany(
            "INSERT INTO story_term_df(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            new_df.items(),
        )
    return list(dict.fromkeys(touched))


def _text_hash(row: sqlite3.Row) -> int:
    """What a signature depends on, hashed to a signed 64-bit integer."""
    text = "\x1f".join(str(row[k] if row[k] is not None else "") for k in ("title", "lede", "url", "published_ts", "source"))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest(), "big", signed=True)


def _sign(
    conn: sqlite3.Connection, row: sqlite3.Row, text_hash: int, feats: clustering.Features,
    total: int, df: dict[str, int], new_df: Counter[str],
) -> Member | None:
    """Store the signature of one article. ``total``/``df`` are the stored
    frequencies, ``new_df`` what this batch counted so far: the article
    counts into it the first time only (a longer body is not a new article)."""
    article_id = int(row["id"])
    first_time = row["text_hash"] is None
    if not first_time:
        conn.execute("DELETE FROM story_signatures WHERE article_id = ?", (article_id,))
    seen = {t: df.get(t, 0) + new_df.get(t, 0) for t in feats.counts}
    sig = clustering.build_signature(feats, total + new_df.get(_STATS_KEY, 0), seen)
    if first_time:
        new_df[_STATS_KEY] += 1
        new_df.update(feats.counts.keys())
    outlet = normalize_name(row["source"] or "")
    conn.execute(
        "INSERT INTO story_signatures(article_id, outlet, published_ts, added_at, text_hash, terms) VALUES (?,?,?,?,?,?)",
        (article_id, outlet, row["published_ts"], row["added_at"], text_hash, sig.encode()),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO story_terms(term, article_id) VALUES (?, ?)",
        [(t, article_id) for t in sig.postings],
    )
    if not sig.vector and not sig.keys:
        return None
    return Member(article_id, outlet, row["published_ts"], int(row["added_at"]), sig, row["story_id"])


def _frequencies(conn: sqlite3.Connection, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
    """(signed articles, term -> articles with it) as stored."""
    df: dict[str, int] = {}
    for chunk in _chunks([_STATS_KEY, *terms], 500):
        for term, count in conn.execute(
            f"SELECT term, df FROM story_term_df WHERE term IN ({','.join('?' * len(chunk))})", chunk
        ):
            df[term] = count
    return df.pop(_STATS_KEY, 0), df


def _candidates(conn: sqlite3.Connection, member: Member) -> list[Member]:
    """Articles sharing the most of ``member``'s posted features, read through the posting lists."""
    sig = member.signature
    terms = sig.postings
    if not terms:
        return []
    # One statement, one newest-first range read per posting list.
    lists = " UNION ALL ".join(
        f"SELECT * FROM (SELECT article_id, {i} FROM story_terms WHERE term = ? AND article_id != ?"
        " ORDER BY article_id DESC LIMIT ?)"
        for i in range(len(terms))
    )
    params: list[object] = []
    for term in terms:
        params += [term, member.article_id, POSTINGS_PER_TERM]
    weight: Counter[int] = Counter()
    for other, i in conn.execute(lists, params):
        term = terms[i]
        # An exact key (same title, same slug) outranks any single feature.
        weight[other] += clustering.WEIGHT_SCALE if term in sig.keys else sig.vector.get(term, 0)
    chosen = [i for i, _ in weight.most_common(MAX_CANDIDATES)]
    if not chosen:
        return []
    rows = conn.execute(
        f"""SELECT g.article_id, g.outlet, g.published_ts, g.added_at, g.terms, m.story_id
            FROM story_signatures g LEFT JOIN story_articles m ON m.article_id = g.article_id
            WHERE g.article_id IN ({','.join('?' * len(chosen))})""",
        chosen,
    )
    return [
        Member(int(r[0]), r[1], r[2], int(r[3]), Signature.decode(r[4]), r[5])
        for r in rows
    ]


def _place(conn: sqlite3.Connection, member: Member, now: int) -> int | None:
    candidates = _candidates(conn, member)
    if not candidates:
        return None
    story_ids = sorted({c.story_id for c in candidates if c.story_id is not None})
    stories: dict[int, StoryState] = {}
    if story_ids:
        for r in conn.execute(
            f"SELECT id, first_ts, last_ts FROM stories WHERE id IN ({','.join('?' * len(story_ids))})", story_ids
        ):
            stories[int(r[0])] = StoryState(int(r[0]), int(r[1]), int(r[2]))
    decision = clustering.decide(member, candidates, stories)
    if decision.action == "none":
        return None
    times = {c.article_id: clustering.when(c) for c in candidates}
    times[member.article_id] = clustering.when(member)
    if decision.action == "create":
        first = min(times[i] for i, _ in decision.members)
        last = max(times[i] for i, _ in decision.members)
        cur = conn.execute(
            "INSERT INTO stories(title, first_ts, last_ts, created_at, updated_at) VALUES ('', ?, ?, ?, ?)",
            (first, last, now, now),
        )
        story_id = int(cur.lastrowid)
    else:
        story_id = int(decision.story_id)  # type: ignore[arg-type]
        t = times[member.article_id]
        conn.execute(
            "UPDATE stories SET first_ts = min(first_ts, ?), last_ts = max(last_ts, ?), updated_at = ? WHERE id = ?",
            (t, t, now, story_id),
        )
    conn.executemany(
        "INSERT OR IGNORE INTO story_articles(article_id, story_id, score, joined_at) VALUES (?, ?, ?, ?)",
        [(i, story_id, round(score, 4), now) for i, score in decision.members],
    )
    _refresh_story(conn, story_id)
    return story_id


def _refresh_story(conn: sqlite3.Connection, story_id: int) -> None:
    """Counts and title (the earliest member's) from the members: a story has few."""
    conn.execute(
        """UPDATE stories SET
               article_count = (SELECT count(*) FROM story_articles WHERE story_id = :id),
               source_count = (SELECT count(DISTINCT g.outlet) FROM story_articles m
                               JOIN story_signatures g ON g.article_id = m.article_id WHERE m.story_id = :id),
               title = coalesce((SELECT a.title FROM story_articles m JOIN articles a ON a.id = m.article_id
                                 WHERE m.story_id = :id
                                 ORDER BY coalesce(a.published_ts, a.added_at), a.id LIMIT 1), title)
           WHERE id = :id""",
        {"id": story_id},
    )


def rebuild_stories(conn: sqlite3.Connection, *, batch: int = 2000) -> int:
    """Forget every signature and story, then assign all articles again in
    publication order (after a threshold change; never part of a refresh).
    Mute and follow flags are lost with the stories. Returns the story count."""
    conn.execute("DELETE FROM story_articles")
    conn.execute("DELETE FROM stories")
    conn.execute("DELETE FROM story_signatures")
    conn.execute("DELETE FROM story_terms")
    conn.execute("DELETE FROM story_term_df")
    last: tuple[int, int] = (-(2**62), -1)
    while True:
        rows = conn.execute(
            """SELECT id, coalesce(published_ts, added_at) AS t FROM articles
               WHERE (coalesce(published_ts, added_at), id) > (?, ?)
               ORDER BY t, id LIMIT ?""",
            (*last, batch),
        ).fetchall()
        if not rows:
            break
        assign_stories(conn, [r[0] for r in rows])
        last = (int(rows[-1][1]), int(rows[-1][0]))
    return int(conn.execute("SELECT count(*) FROM stories WHERE source_count >= 2").fetchone()[0])


# -- reading ---------------------------------------------------------------------

_STORY_COLUMNS = "id, title, first_ts, last_ts, article_count, source_count, seen_source_count, muted, followed"
_MEMBER_SELECT = """SELECT m.story_id, a.id, a.title, s.name AS source, a.url, a.published, a.precision,
           a.published_text, a.is_read, coalesce(a.published_ts, a.added_at) AS t
    FROM story_articles m JOIN articles a ON a.id = m.article_id JOIN sources s ON s.id = a.source_id"""


def _story(r: sqlite3.Row, members: list[StoryMember] | None = None) -> StoryRow:
    return StoryRow(
        id=int(r["id"]), title=r["title"], first_ts=int(r["first_ts"]), last_ts=int(r["last_ts"]),
        article_count=int(r["article_count"]), source_count=int(r["source_count"]),
        seen_source_count=int(r["seen_source_count"]), muted=bool(r["muted"]), followed=bool(r["followed"]),
        members=members or [],
    )


def _members(conn: sqlite3.Connection, story_ids: list[int]) -> dict[int, list[StoryMember]]:
    out: dict[int, list[StoryMember]] = {i: [] for i in story_ids}
    for chunk in _chunks(story_ids, 400):
        for r in conn.execute(
            f"{_MEMBER_SELECT} WHERE m.story_id IN ({','.join('?' * len(chunk))}) ORDER BY t, a.id", chunk
        ):
            out[int(r["story_id"])].append(
                StoryMember(
                    id=int(r["id"]), title=r["title"], source=r["source"], url=r["url"], published=r["published"],
                    precision=r["precision"], published_text=r["published_text"], is_read=bool(r["is_read"]),
                    when=int(r["t"]),
                )
            )
    return out


def story_of_article(conn: sqlite3.Connection, article_id: int, *, min_sources: int = 2) -> StoryRow | None:
    """The story ``article_id`` belongs to, with its members oldest first, or
    None when it has none (or one with fewer than ``min_sources`` outlets)."""
    r = conn.execute(
        f"""SELECT {_STORY_COLUMNS} FROM stories
            WHERE id = (SELECT story_id FROM story_articles WHERE article_id = ?) AND source_count >= ?""",
        (article_id, min_sources),
    ).fetchone()
    if r is None:
        return None
    return _story(r, _members(conn, [int(r["id"])])[int(r["id"])])


def stories_for_articles(
    conn: sqlite3.Connection, article_ids: Iterable[int], *, min_sources: int = 2
) -> dict[int, StoryRow]:
    """article id -> its story (without members) for the ids that are in a
    story of at least ``min_sources`` outlets: for a page of headlines."""
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    out: dict[int, StoryRow] = {}
    stories: dict[int, StoryRow] = {}
    for chunk in _chunks(ids, 400):
        for r in conn.execute(
            f"""SELECT m.article_id, s.id, s.title, s.first_ts, s.last_ts, s.article_count, s.source_count,
                       s.seen_source_count, s.muted, s.followed
                FROM story_articles m JOIN stories s ON s.id = m.story_id
                WHERE m.article_id IN ({','.join('?' * len(chunk))}) AND s.source_count >= ?""",
            (*chunk, min_sources),
        ):
            story = stories.get(int(r["id"]))
            if story is None:
                story = stories[int(r["id"])] = _story(r)
            out[int(r["article_id"])] = story
    return out


def list_stories(
    conn: sqlite3.Connection, *, since_ts: int | None = None, min_sources: int = 2,
    limit: int | None = None, include_muted: bool = True,
) -> list[StoryRow]:
    """Stories with at least ``min_sources`` outlets, most recently active
    first, each with its members oldest first."""
    clauses = ["source_count >= ?"]
    params: list[object] = [min_sources]
    if since_ts is not None:
        clauses.append("last_ts >= ?")
        params.append(since_ts)
    if not include_muted:
        clauses.append("muted = 0")
    sql = f"SELECT {_STORY_COLUMNS} FROM stories WHERE {' AND '.join(clauses)} ORDER BY last_ts DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = conn.execute(sql, params).fetchall()
    members = _members(conn, [int(r["id"]) for r in rows])
    return [_story(r, members[int(r["id"])]) for r in rows]


def followed_with_new_sources(conn: sqlite3.Connection) -> list[StoryRow]:
    """Followed stories that gained an outlet since they were last marked seen."""
    rows = conn.execute(
        f"SELECT {_STORY_COLUMNS} FROM stories WHERE followed = 1 AND source_count > seen_source_count"
        " ORDER BY last_ts DESC"
    ).fetchall()
    return [_story(r) for r in rows]


# -- flags (call inside Cache.write()) -----------------------------------------------


def set_story_flags(
    conn: sqlite3.Connection, story_id: int, *, muted: bool | None = None, followed: bool | None = None
) -> bool:
    """Mute or follow a story; following marks its current outlets as seen.
    Returns False when there is no such story."""
    changes: dict[str, int] = {}
    if muted is not None:
        changes["muted"] = int(muted)
    if followed is not None:
        changes["followed"] = int(followed)
    if not changes:
        return conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None
    assignments = ", ".join(f"{column} = ?" for column in changes)
    if followed:
        assignments += ", seen_source_count = source_count"
    cur = conn.execute(f"UPDATE stories SET {assignments} WHERE id = ?", (*changes.values(), story_id))
    return cur.rowcount > 0


def mark_story_seen(conn: sqlite3.Connection, story_id: int) -> None:
    """The user has looked at the story: its current outlets are no longer new."""
    conn.execute("UPDATE stories SET seen_source_count = source_count WHERE id = ?", (story_id,))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
