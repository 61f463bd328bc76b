"""The SQL of stories: assigning articles, grouping, reading.

Every function takes a ``sqlite3.Connection`` from :class:`~.cache.Cache`;
writers must be called inside ``Cache.write()`` (``assign_stories`` runs in
``Cache.import_document``'s own transaction). The decisions themselves are
made by :mod:`newsreader.stories.clustering`; signatures, posting lists and
document frequencies are kept by :mod:`.storyindex`.

Cost per new article, whatever the size of the cache: its share of its
call's statements (a call of a feed's articles runs about ten: the rows,
frequency look-ups and upserts, one index read of every posting list the
call searches over the days around its articles, one read by key of the
candidates that share the most, the signatures and posting rows written),
and the writes of a story it makes or joins.
Features are computed from the article's own text before it gets here when
a refresh's parse workers did it (``features=``), else here. Assignment
never scans a table (``tests/test_stories_store.py`` checks the query
plans); only :func:`rebuild_stories`, an explicit maintenance step, reads
every article.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from newsreader.core.textnorm import normalize_name
from newsreader.store import outbox, textpack
from newsreader.store.articlerows import inserted_id
from newsreader.store.storyindex import matches, memberships, sign, signed_text_hash, write_signatures
from newsreader.store.term_frequencies import TermCounts
from newsreader.stories import clustering, signature
from newsreader.stories.clustering import Member, StoryState
from newsreader.stories.signature import Prepared, Signature

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

#: Articles of a call signed, matched and written together: a feed's worth.
#: A transaction's stories come in one call (DeferredStories), and larger
#: steps held more signatures at once for no gain: 200 x 50 with 10 feeds a
#: transaction, 400 a step, +2.2 MiB peak RSS against 50.
SIGNED_TOGETHER = 50


def assign_stories(
    conn: sqlite3.Connection,
    article_ids: Iterable[int],
    *,
    now: int | None = None,
    features: Mapping[int, Prepared] | None = None,
    stored_from_features: Collection[int] = (),
) -> list[int]:
    """Sign the given articles and place each in a story if one fits.

    Called with the ids of one import, inside its write transaction.
    ``features`` maps ids to :func:`~newsreader.stories.signature.prepare` results
    computed in advance (a refresh's parse workers); one that does not match
    the stored text is computed again; for ``stored_from_features`` (rows
    this import just inserted from the very article the features were
    prepared from) the stored text is not even read. An article already signed from its
    current text is skipped, so importing a document again costs one
    indexed read. Articles already in a story stay there (a story does not
    lose members because a page got a longer body). Returns the ids of the
    stories that were created or grew.
    """
    now = int(time.time()) if now is None else now
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    features = features or {}
    touched: list[int] = []
    counts: TermCounts | None = None
    # The call's signatures so far: a later article compares with an
    # earlier one without decoding it.
    signed: dict[int, Signature] = {}
    outlets: dict[str, str] = {}  # source name -> outlet, for the call
    try:
        for chunk in _chunks(ids, SIGNED_TOGETHER):
            todo = _to_sign(conn, chunk, features, stored_from_features)
            if not todo:
                continue
            if counts is None:
                counts = TermCounts.of(conn)
            counts.load(conn, (terms for *_, terms in todo))
            batch = []
            for row, text_hash, prep, terms in todo:
                source = row["source"] or ""
                outlet = outlets.get(source)
                if outlet is None:
                    outlet = outlets[source] = normalize_name(source)
                batch.append(sign(row, outlet, text_hash, prep, terms, counts))
            # Read what the batch is compared with, then write it: the
            # decisions below see each article as if it came alone.
            matches(conn, batch, signed)
            story_of, stories = memberships(conn, batch)
            write_signatures(conn, batch)
            for s in batch:
                signed[s.member.article_id] = s.member.signature
                if s.found:
                    story_id = _place(conn, s.member, s.found, story_of, stories, now)
                    if story_id is not None:
                        touched.append(story_id)
        if counts is not None:
            counts.store(conn)
    except BaseException:
        if counts is not None:
            counts.reset()
        raise
    return list(dict.fromkeys(touched))


class DeferredStories:
    """The story assignments of several imports of one transaction, made
    at once (:meth:`assign`) after their savepoints, in the order they came.

    Each article is placed as if it came alone, as in separate calls; one
    call reads and writes the story index once for all of them (frequencies
    once per feature, not per feed), and outside the imports' savepoints,
    where SQLite copies every page a posting or frequency first changes:
    a refresh's writer passes one to each
    :meth:`~newsreader.store.ingest.DocumentImport.import_document` of a
    transaction and assigns before it commits (nothing is visible before
    that). An import adds its articles last, once nothing of it can be
    rolled back any more.
    """

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.features: dict[int, Prepared] = {}
        self.stored_from_features: set[int] = set()
        self.now: int | None = None
        self._added: set[int] = set()

    def add(
        self,
        article_ids: Iterable[int],
        *,
        now: int | None = None,
        features: Mapping[int, Prepared] | None = None,
        stored_from_features: Collection[int] = (),
    ) -> None:
        """What :func:`assign_stories` would have been called with. An
        article an earlier import added too (one story told by two feeds of
        the transaction) is signed from its text as stored in the end."""
        ids = list(article_ids)
        again = self._added.intersection(ids)
        self._added.update(ids)
        self.ids += ids
        self.features.update(features or {})
        self.stored_from_features.update(stored_from_features)
        self.stored_from_features.difference_update(again)
        if now is not None:
            self.now = now

    def assign(self, conn: sqlite3.Connection) -> list[int]:
        """Assign every article added (see :func:`assign_stories`), then
        start over; returns the stories created or grown."""
        ids, features, inserted, now = self.ids, self.features, self.stored_from_features, self.now
        self.ids, self.features, self.stored_from_features, self._added = [], {}, set(), set()
        if not ids:
            return []
        return assign_stories(conn, ids, now=now, features=features, stored_from_features=inserted)


def _to_sign(
    conn: sqlite3.Connection, chunk: list[int], features: Mapping[int, Prepared], stored_from_features: Collection[int]
) -> list[tuple[sqlite3.Row, int, Prepared, list[str]]]:
    """The articles of ``chunk`` not signed from their current text yet,
    with what their signatures depend on and their features."""
    rows = conn.execute(
        f"""SELECT a.id, a.title, a.body, a.url,
                   a.published_ts, a.added_at, s.name AS source, g.text_hash, m.story_id
            FROM articles a JOIN sources s ON s.id = a.source_id
            LEFT JOIN story_signatures g ON g.article_id = a.id
            LEFT JOIN story_articles m ON m.article_id = a.id
            WHERE a.id IN ({",".join("?" * len(chunk))})""",
        chunk,
    ).fetchall()
    by_id = {int(r["id"]): r for r in rows}
    todo: list[tuple[sqlite3.Row, int, Prepared, list[str]]] = []
    for article_id in chunk:
        row = by_id.get(article_id)
        if row is None:
            continue
        prep = features.get(article_id)
        lede = None
        if prep is not None and article_id in stored_from_features:
            digest = prep.digest
        else:
            lede = textpack.unpack_prefix(row["body"], max(signature.LEDE_CHARS, signature.READ_CHARS))
            digest = signature.source_digest(row["title"], lede, row["url"])
        text_hash = signed_text_hash(digest, row)
        if row["text_hash"] == text_hash:
            continue  # signed from this very text already
        if prep is None or prep.digest != digest:
            prep = signature.prepare(row["title"], lede, row["url"])
        todo.append((row, text_hash, prep, prep.term_list()))
    return todo


def _place(
    conn: sqlite3.Connection,
    member: Member,
    candidates: list[Member],
    story_of: dict[int, int],
    stories: dict[int, StoryState],
    now: int,
) -> int | None:
    """Decide where ``member`` goes among its candidates and write it down;
    ``story_of`` and ``stories`` (the candidates' stories, as read when the
    call began) follow what is written."""
    for c in candidates:
        c.story_id = story_of.get(c.article_id)
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
        story_id = inserted_id(cur)
        stories[story_id] = StoryState(story_id, first, last)
    else:
        if decision.story_id is None:
            raise ValueError(f"a {decision.action!r} decision without a story")
        story_id = decision.story_id
        t = times[member.article_id]
        conn.execute(
            "UPDATE stories SET first_ts = min(first_ts, ?), last_ts = max(last_ts, ?), updated_at = ? WHERE id = ?",
            (t, t, now, story_id),
        )
        story = stories[story_id]
        story.first_ts, story.last_ts = min(story.first_ts, t), max(story.last_ts, t)
    conn.executemany(
        "INSERT OR IGNORE INTO story_articles(article_id, story_id, score, joined_at) VALUES (?, ?, ?, ?)",
        [(i, story_id, round(score, 4), now) for i, score in decision.members],
    )
    for i, _ in decision.members:
        story_of.setdefault(i, story_id)  # an article already in a story stays there
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
    TermCounts.forget(conn)
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
        id=int(r["id"]),
        title=r["title"],
        first_ts=int(r["first_ts"]),
        last_ts=int(r["last_ts"]),
        article_count=int(r["article_count"]),
        source_count=int(r["source_count"]),
        seen_source_count=int(r["seen_source_count"]),
        muted=bool(r["muted"]),
        followed=bool(r["followed"]),
        members=members or [],
    )


def _members(conn: sqlite3.Connection, story_ids: list[int]) -> dict[int, list[StoryMember]]:
    out: dict[int, list[StoryMember]] = {i: [] for i in story_ids}
    for chunk in _chunks(story_ids, 400):
        for r in conn.execute(
            # Articles hidden by a rule are left out of a story's outlets too.
            f"{_MEMBER_SELECT} WHERE m.story_id IN ({','.join('?' * len(chunk))}) AND a.hidden = 0 ORDER BY t, a.id",
            chunk,
        ):
            out[int(r["story_id"])].append(
                StoryMember(
                    id=int(r["id"]),
                    title=r["title"],
                    source=r["source"],
                    url=r["url"],
                    published=r["published"],
                    precision=r["precision"],
                    published_text=r["published_text"],
                    is_read=bool(r["is_read"]),
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
                WHERE m.article_id IN ({",".join("?" * len(chunk))}) AND s.source_count >= ?""",
            (*chunk, min_sources),
        ):
            story = stories.get(int(r["id"]))
            if story is None:
                story = stories[int(r["id"])] = _story(r)
            out[int(r["article_id"])] = story
    return out


def list_stories(
    conn: sqlite3.Connection,
    *,
    since_ts: int | None = None,
    min_sources: int = 2,
    limit: int | None = None,
    include_muted: bool = True,
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


def stories_by_ids(conn: sqlite3.Connection, story_ids: list[int]) -> list[StoryRow]:
    """The stories ``story_ids`` in that order (gone ones left out), each with its members oldest first."""
    rows: dict[int, sqlite3.Row] = {}
    for chunk in _chunks(story_ids, 400):
        sql = f"SELECT {_STORY_COLUMNS} FROM stories WHERE id IN ({','.join('?' * len(chunk))})"
        rows.update((int(r["id"]), r) for r in conn.execute(sql, chunk))
    members = _members(conn, list(rows))
    return [_story(rows[i], members[i]) for i in story_ids if i in rows]


def followed_with_new_sources(conn: sqlite3.Connection) -> list[StoryRow]:
    """Followed stories that gained an outlet since they were last marked seen."""
    rows = conn.execute(
        f"SELECT {_STORY_COLUMNS} FROM stories WHERE followed = 1 AND source_count > seen_source_count"
        " ORDER BY last_ts DESC"
    ).fetchall()
    return [_story(r) for r in rows]


# -- flags (call inside Cache.write()) -----------------------------------------------


def set_story_flags(
    conn: sqlite3.Connection,
    story_id: int,
    *,
    muted: bool | None = None,
    followed: bool | None = None,
    record: bool = True,
) -> bool:
    """Mute or follow a story; following marks its current outlets as seen.
    Returns False when there is no such story. The flags go to the sync
    outbox under each member article's key (``record=False``: from sync)."""
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
    if cur.rowcount and record:
        flags = conn.execute("SELECT muted, followed FROM stories WHERE id = ?", (story_id,)).fetchone()
        value = {"muted": bool(flags[0]), "followed": bool(flags[1])}
        members = conn.execute(
            "SELECT a.key FROM story_articles m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?",
            (story_id,),
        )
        for (key,) in members.fetchall():
            outbox.record(conn, "story", key, value)
    return cur.rowcount > 0


def mark_story_seen(conn: sqlite3.Connection, story_id: int) -> None:
    """The user has looked at the story: its current outlets are no longer new."""
    conn.execute("UPDATE stories SET seen_source_count = source_count WHERE id = ?", (story_id,))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
