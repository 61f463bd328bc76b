"""What the cache remembers about each subscribed feed between refreshes:
validators (ETag, Last-Modified, stored verbatim), the last success and error,
a pending permanent redirect, Retry-After and whether the feed is gone."""

from __future__ import annotations

import time
from dataclasses import dataclass

from newsreader.core.urls import normalize_url
from newsreader.store import outbox
from newsreader.store.articlerows import inserted_id
from newsreader.store.cache import Cache


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    source_id: int | None = None
    title: str | None = None
    fetch_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: int | None = None
    last_success: int | None = None
    last_error: str | None = None
    redirect_candidate: str | None = None
    redirect_count: int = 0
    retry_after: int | None = None
    gone: bool = False
    articles: int = 0

    @property
    def effective_url(self) -> str:
        """Where to fetch: the moved-to address after a repeated 301/308."""
        return self.fetch_url or self.url


def _key(url: str) -> str:
    return "feed:" + url


def feed_states(cache: Cache, urls: list[str] | None = None) -> dict[str, FeedState]:
    """State of the feeds (all of them when ``urls`` is None), by feed URL."""
    rows = cache.connection().execute(
        """SELECT s.*, (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS n
           FROM sources s WHERE s.kind = 'feed'"""
    )
    wanted = set(urls) if urls is not None else None
    out: dict[str, FeedState] = {}
    for r in rows:
        url = r["feed_url"] or r["key"][5:]
        if wanted is not None and url not in wanted:
            continue
        out[url] = FeedState(
            url=url,
            source_id=r["id"],
            title=r["name"],
            fetch_url=r["fetch_url"],
            etag=r["etag"],
            last_modified=r["last_modified"],
            last_attempt=r["last_attempt"],
            last_success=r["last_success"],
            last_error=r["last_error"],
            redirect_candidate=r["redirect_candidate"],
            redirect_count=r["redirect_count"],
            retry_after=r["retry_after"],
            gone=bool(r["gone"]),
            articles=r["n"],
        )
    return out


def ensure_feed(cache: Cache, url: str, title: str | None) -> int:
    """The source row of a subscribed feed, created when first seen."""
    with cache.write() as conn:
        row = conn.execute("SELECT id, name FROM sources WHERE key = ?", (_key(url),)).fetchone()
        if row is not None:
            if title and title != row["name"]:
                conn.execute("UPDATE sources SET name = ? WHERE id = ?", (title, row["id"]))
            return int(row["id"])
        cur = conn.execute(
            "INSERT INTO sources(key, name, kind, feed_url) VALUES (?, ?, 'feed', ?)",
            (_key(url), title or url, url),
        )
        return inserted_id(cur)


def record_fetch(
    cache: Cache,
    url: str,
    *,
    error: str | None,
    etag: str | None = None,
    last_modified: str | None = None,
    not_modified: bool = False,
    retry_after: int | None = None,
    gone: bool = False,
    redirect: tuple[str | None, int] = (None, 0),
    moved_to: str | None = None,
    now: int | None = None,
) -> None:
    """Remember how a fetch went. Validators change only after a success, so
    a failure never turns the next fetch into a false 304."""
    now = now if now is not None else int(time.time())
    with cache.write() as conn:
        if error is None:
            conn.execute(
                """UPDATE sources SET last_attempt = ?, last_success = ?, last_error = NULL,
                       etag = CASE WHEN ? THEN etag ELSE ? END,
                       last_modified = CASE WHEN ? THEN last_modified ELSE ? END,
                       retry_after = NULL, gone = 0, redirect_candidate = ?, redirect_count = ?,
                       fetch_url = coalesce(?, fetch_url)
                   WHERE key = ?""",
                (
                    now,
                    now,
                    not_modified,
                    etag,
                    not_modified,
                    last_modified,
                    redirect[0],
                    redirect[1],
                    moved_to,
                    _key(url),
                ),
            )
        else:
            conn.execute(
                """UPDATE sources SET last_attempt = ?, last_error = ?, retry_after = ?, gone = ?
                   WHERE key = ?""",
                (now, error, retry_after, int(gone), _key(url)),
            )


def remove_feed(cache: Cache, url: str, *, record: bool = True) -> int:
    """Forget a feed and its articles; returns how many articles went.

    The unsubscription goes to the sync outbox (``record=False``: from sync)."""
    with cache.write() as conn:
        if record:
            outbox.record(conn, "feed", normalize_url(url.strip()), {"subscribed": False, "url": url.strip()})
        row = conn.execute("SELECT id FROM sources WHERE key = ?", (_key(url),)).fetchone()
        if row is None:
            return 0
        count = conn.execute("SELECT count(*) FROM articles WHERE source_id = ?", (row["id"],)).fetchone()[0]
        conn.execute("DELETE FROM articles WHERE source_id = ?", (row["id"],))
        conn.execute("DELETE FROM sources WHERE id = ?", (row["id"],))
        return int(count)


def remove_sample(cache: Cache) -> int:
    """Drop the bundled sample once the reader has news of their own."""
    with cache.write() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM sources WHERE kind = 'sample'")]
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        count = conn.execute(f"SELECT count(*) FROM articles WHERE source_id IN ({marks})", ids).fetchone()[0]
        conn.execute(f"DELETE FROM articles WHERE source_id IN ({marks})", ids)
        conn.execute(f"DELETE FROM sources WHERE id IN ({marks})", ids)
        return int(count)
