"""The local SQLite cache: the only module that speaks SQL.

One connection per thread (the app reads from worker threads), WAL so
readers never wait for the writer, and every write transaction starts with
``BEGIN IMMEDIATE`` so two writers queue on ``busy_timeout`` instead of one
failing on a read-to-write upgrade (SECURITY.md, trap 9).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from newsreader.store import outbox, textpack
from newsreader.store.articlerows import chunks, load_extras
from newsreader.store.headlines import HEADLINE_COLUMNS, headline_from_row
from newsreader.store.ingest import DocumentImport
from newsreader.store.records import ArticleRow, HeadlineRow, RelatedRow, SourceRow
from newsreader.store.revisions import UpdatedWhenRead, remember_updated, restore_updated
from newsreader.store.schema import ensure_schema, ensure_state_schema
from newsreader.store.transaction import immediate

#: Page size of a new cache file.
PAGE_SIZE = 16384


class Cache(DocumentImport):
    """The article cache at ``db_path``, with read state mirrored in ``state_path``."""

    def __init__(self, db_path: Path | str, state_path: Path | str | None = None, *, busy_timeout: float = 5.0):
        self.db_path = Path(db_path)
        self.state_path = Path(state_path) if state_path else self.db_path.with_name("state.sqlite3")
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        #: ``PRAGMA data_version`` last seen, by connection (store/changes.py).
        self.data_versions: dict[int, tuple[tuple[int, int], int, tuple[int, int, int]]] = {}
        #: Transactions this object committed: the change check tells them
        #: from other processes' writes.
        self.own_commits = 0
        #: Articles this handle marked read while they said "updated", with
        #: their revision marks then: undo makes them "updated" again
        #: (store/revisions.py).
        self.updated_when_read: dict[int, UpdatedWhenRead] = {}
        self.connection()  # create or check the schema now, not in the middle of a read

    # -- connections -------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(self.db_path), timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            textpack.register(conn)  # before any trigger can fire
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            # A new cache gets 16 KiB pages (an existing one keeps its own:
            # this only counts before the first write). An article row is
            # 2-3 KB, so a 4 KiB page holds one and wastes the rest: 15 %
            # of the file at 100,000 articles (benchmarks/gen_cache.py).
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            # The page cache stays at SQLite's default: a larger one speeds up
            # story assignment a little but breaks a refresh's memory budget.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            ensure_schema(conn)
            conn.execute("ATTACH DATABASE ? AS state", (str(self.state_path),))
            conn.execute("PRAGMA state.journal_mode = WAL")
            ensure_state_schema(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def close_thread_connection(self) -> None:
        """Close this thread's connection (call it before a worker thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        self.data_versions.pop(id(conn), None)
        with self._lock:
            if conn in self._connections:
                self._connections.remove(conn)
        conn.close()

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self.data_versions.clear()
        self._local = threading.local()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), rolled back on any error.

        Inside another ``write()`` on the same thread it is a savepoint of
        that transaction: rolled back alone on an error, committed with it.
        A refresh stores many feeds in one transaction this way.
        """
        conn = self.connection()
        if conn.in_transaction:
            depth = getattr(self._local, "depth", 0) + 1
            self._local.depth = depth
            name = f"nr_write_{depth}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            finally:
                self._local.depth = depth - 1
            return
        with immediate(conn):
            yield conn
        self.own_commits += 1

    def changed_since_last_check(self) -> bool:
        """Whether another connection committed since this thread last asked
        (:func:`newsreader.store.changes.changed_since_last_check`)."""
        from newsreader.store.changes import changed_since_last_check

        return changed_since_last_check(self)

    # -- reading state -----------------------------------------------------

    def set_read(self, article_ids: Iterable[int], read: bool = True, *, record: bool = True) -> list[tuple[int, bool]]:
        """Mark articles read or unread; returns ``(id, previous)`` for undo.

        Each change goes to the sync outbox too (``record=False``: a change
        that came from sync)."""
        ids = list(article_ids)
        if not ids:
            return []
        now = int(time.time())
        changed: list[tuple[int, bool]] = []
        marked_read: list[tuple[int, bool]] = []  # (id, said "updated")
        with self.write() as conn:
            for chunk in chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT id, key, is_read, revised FROM articles WHERE id IN ({marks})", chunk
                ).fetchall()
                for row in rows:
                    if bool(row["is_read"]) != read:
                        changed.append((int(row["id"]), bool(row["is_read"])))
                        if read:
                            marked_read.append((int(row["id"]), bool(row["revised"])))
                        conn.execute("UPDATE articles SET is_read = ? WHERE id = ?", (int(read), row["id"]))
                        conn.execute(
                            "INSERT OR REPLACE INTO state.read_state(article_key, is_read, changed_at) VALUES (?, ?, ?)",
                            (row["key"], int(read), now),
                        )
                        if record:
                            outbox.record(conn, "read", row["key"], {"read": read})
            remember_updated(conn, self.updated_when_read, marked_read)
        return changed

    def restore_read(self, previous: Iterable[tuple[int, bool]]) -> None:
        """Undo: put each article back to the read state it had, and "updated"
        where the marking cleared that: those put back to unread, and those
        ``(id, True)`` found read already (a marking that only cleared it)."""
        by_state: dict[bool, list[int]] = {True: [], False: []}
        for article_id, was_read in previous:
            by_state[was_read].append(article_id)
        made_read = {article_id for article_id, _ in self.set_read(by_state[True], True)}
        self.set_read(by_state[False], False)
        restore_updated(self, by_state[False] + [i for i in by_state[True] if i not in made_read])

    def unread_ids(self, source_id: int | None = None) -> list[int]:
        if source_id is None:
            rows = self.connection().execute("SELECT id FROM articles WHERE is_read = 0 AND hidden = 0")
        else:
            rows = self.connection().execute(
                "SELECT id FROM articles WHERE source_id = ? AND is_read = 0 AND hidden = 0", (source_id,)
            )
        return [int(r[0]) for r in rows]

    # -- reading -----------------------------------------------------------

    def is_empty(self) -> bool:
        return self.connection().execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None

    def totals(self) -> tuple[int, int]:
        """(all articles, unread articles), hidden ones left out."""
        row = self.connection().execute("SELECT count(*), coalesce(sum(is_read = 0), 0) FROM articles").fetchone()
        hidden = (
            self.connection()
            .execute("SELECT count(*), coalesce(sum(is_read = 0), 0) FROM articles WHERE hidden = 1")
            .fetchone()
        )
        return int(row[0]) - int(hidden[0]), int(row[1]) - int(hidden[1])

    def sources(self) -> list[SourceRow]:
        # The counts come from one pass over the (source_id, is_read) index,
        # never from the rows: joined the other way round, SQLite builds a
        # temporary index of all articles first. Hidden articles (few, in a
        # partial index) are counted apart and taken off.
        rows = self.connection().execute(
            """SELECT s.id, s.name, s.kind, s.feed_url, s.last_error, s.last_success, s.gone,
                      coalesce(c.total, 0) - coalesce(h.total, 0) AS total,
                      coalesce(c.unread, 0) - coalesce(h.unread, 0) AS unread
               FROM sources s LEFT JOIN (
                   SELECT source_id, count(*) AS total, sum(is_read = 0) AS unread
                   FROM articles GROUP BY source_id
               ) c ON c.source_id = s.id LEFT JOIN (
                   SELECT source_id, count(*) AS total, sum(is_read = 0) AS unread
                   FROM articles WHERE hidden = 1 GROUP BY source_id
               ) h ON h.source_id = s.id
               WHERE c.total > 0 OR s.kind = 'feed'
               ORDER BY s.name COLLATE NOCASE"""
        )
        return [
            SourceRow(
                id=r["id"],
                name=r["name"],
                kind=r["kind"],
                total=r["total"],
                unread=r["unread"],
                feed_url=r["feed_url"],
                last_error=r["last_error"],
                last_success=r["last_success"],
                gone=bool(r["gone"]),
            )
            for r in rows
        ]

    def headlines(
        self,
        source_id: int | None = None,
        *,
        unread_only: bool = False,
        keys: Iterable[str] | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[HeadlineRow]:
        """Newest first; ``keys`` restricts to those article keys (bookmarks).
        Hidden articles are left out (search ``is:hidden`` finds them)."""
        where: list[str] = ["a.id NOT IN (SELECT id FROM articles WHERE hidden = 1)"]
        params: list[object] = []
        if source_id is not None:
            where.append("a.source_id = ?")
            params.append(source_id)
        if unread_only:
            where.append("a.is_read = 0")
        if keys is not None:
            key_list = list(keys)
            if not key_list:
                return []
            where.append(f"a.key IN ({','.join('?' * len(key_list))})")
            params.extend(key_list)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        rows = self.connection().execute(
            f"""SELECT {HEADLINE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
                {clause} ORDER BY a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?""",
            (*params, limit, offset),
        )
        return [headline_from_row(r) for r in rows]

    def headlines_by_ids(self, ids: list[int]) -> list[HeadlineRow]:
        """Headlines for ``ids``, in the order given."""
        if not ids:
            return []
        rows = {
            r["id"]: headline_from_row(r)
            for chunk in chunks(ids, 500)
            for r in self.connection().execute(
                f"SELECT {HEADLINE_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        }
        return [rows[i] for i in ids if i in rows]

    def article(self, article_id: int) -> ArticleRow | None:
        r = (
            self.connection()
            .execute(
                """SELECT a.*, s.name AS source, s.kind AS source_kind FROM articles a
               JOIN sources s ON s.id = a.source_id WHERE a.id = ?""",
                (article_id,),
            )
            .fetchone()
        )
        if r is None:
            return None
        extras = load_extras(r["extras"])
        return ArticleRow(
            id=r["id"],
            key=r["key"],
            title=r["title"],
            source=r["source"],
            source_id=r["source_id"],
            source_kind=r["source_kind"],
            url=r["url"],
            author=r["author"],
            published=r["published"],
            precision=r["precision"],
            published_text=r["published_text"],
            summary=textpack.unpack(r["summary"]),
            body=textpack.unpack(r["body"]) or "",
            summary_only=bool(r["summary_only"]),
            is_read=bool(r["is_read"]),
            hidden=bool(r["hidden"]),
            flagged=bool(r["flagged"]),
            revised=bool(r["revised"]),
            captions=[(c[0], c[1]) for c in extras.get("captions", []) if c],
            tags=list(extras.get("tags", [])),
            enclosures=list(extras.get("enclosures", [])),
            images=[u for u in extras.get("images", []) if isinstance(u, str)],
            added_at=r["added_at"],
            full_text_url=r["full_text_url"],
            full_text_error=r["full_text_error"],
        )

    def article_id_for_key(self, key: str) -> int | None:
        row = self.connection().execute("SELECT id FROM articles WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else None

    def article_id_for_url(self, url: str) -> int | None:
        """The article at ``url`` (compared as normalised addresses)."""
        from newsreader.core.urls import normalize_url

        norm = normalize_url(url)
        if not norm:
            return None
        row = self.connection().execute("SELECT id FROM articles WHERE norm_url = ?", (norm,)).fetchone()
        return int(row[0]) if row else None

    def page_related(self, article_id: int) -> list[RelatedRow]:
        """Explicit links: the article's own related block first, then pages that link to it."""
        rows = self.connection().execute(
            """SELECT a.id, a.title, s.name AS source, a.published, a.precision, a.published_text,
                      r.reason, r.detail, a.summary_only, a.is_read, 0 AS back, r.position
               FROM related r JOIN articles a ON a.id = r.other_id JOIN sources s ON s.id = a.source_id
               WHERE r.article_id = ? AND a.hidden = 0
               UNION ALL
               SELECT a.id, a.title, s.name, a.published, a.precision, a.published_text,
                      r.reason, r.detail, a.summary_only, a.is_read, 1 AS back, r.position
               FROM related r JOIN articles a ON a.id = r.article_id JOIN sources s ON s.id = a.source_id
               WHERE r.other_id = ? AND r.reason = 'page' AND a.hidden = 0
               ORDER BY back, position""",
            (article_id, article_id),
        )
        seen: set[int] = set()
        out: list[RelatedRow] = []
        for r in rows:
            if r["id"] in seen:
                continue
            seen.add(r["id"])
            out.append(
                RelatedRow(
                    id=r["id"],
                    title=r["title"],
                    source=r["source"],
                    published=r["published"],
                    precision=r["precision"],
                    published_text=r["published_text"],
                    reason=r["reason"],
                    detail=r["detail"],
                    summary_only=bool(r["summary_only"]),
                    is_read=bool(r["is_read"]),
                )
            )
        return out

    def fts_match(self, match: str, *, limit: int = 50, exclude: int | None = None) -> list[tuple[int, float]]:
        """Raw FTS5 match (``match`` must already be a safe FTS5 query): (id, bm25) best first."""
        try:
            rows = (
                self.connection()
                .execute(
                    """SELECT rowid, bm25(articles_fts, 1.0, 4.0) AS score FROM articles_fts
                   WHERE articles_fts MATCH ? ORDER BY score LIMIT ?""",
                    (match, limit + (1 if exclude is not None else 0)),
                )
                .fetchall()
            )
        except sqlite3.OperationalError:
            return []
        return [(int(r[0]), float(r[1])) for r in rows if r[0] != exclude][:limit]

    def story_texts(self, ids: list[int]) -> dict[int, tuple[str, str, int, int | None]]:
        """For relatedness: id -> (title, first ~600 chars of body, source id, published_ts)."""
        out: dict[int, tuple[str, str, int, int | None]] = {}
        for chunk in chunks(ids, 500):
            for r in self.connection().execute(
                f"""SELECT id, title, body, source_id, published_ts
                    FROM articles WHERE id IN ({",".join("?" * len(chunk))})""",
                chunk,
            ):
                lede = textpack.unpack_prefix(r["body"], 600)
                out[int(r["id"])] = (r["title"], lede, int(r["source_id"]), r["published_ts"])
        return out

    def document_frequencies(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """(number of articles, term -> number of articles containing it)."""
        conn = self.connection()
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        freq: dict[str, int] = {}
        for chunk in chunks(terms, 500):
            for r in conn.execute(
                f"SELECT term, doc FROM articles_vocab WHERE term IN ({','.join('?' * len(chunk))})", chunk
            ):
                freq[r[0]] = int(r[1])
        return int(total), freq

    def search(
        self, query: str, *, limit: int = 50, offset: int = 0, bookmarked_keys: Iterable[str] = ()
    ) -> list[HeadlineRow]:
        """Search in the query language of :mod:`newsreader.search.language` (words,
        phrases, prefix*, source:, tag:, is:, before:/after:): best match
        first, or newest first for filters alone. A query that does not
        parse, or asks for nothing, finds nothing: call ``parse_query``
        first to show the user why."""
        from newsreader.search.language import QueryError, parse_query
        from newsreader.store.searching import search_articles

        try:
            parsed = parse_query(query)
        except QueryError:
            return []
        if parsed.is_empty():
            return []
        return search_articles(self, parsed, bookmarked_keys=bookmarked_keys, limit=limit, offset=offset)
