"""Keeping the cache bounded: the retention policy (``[retention]`` in config.toml).

Per source, an article may be dropped when it is older than ``keep_days``
or when it is beyond the newest ``keep_items`` of its source. Never dropped:

- a bookmarked article (bookmarks live in ``bookmarks.toml``: the caller
  passes their article keys and URLs);
- an unread article younger than ``keep_days`` (a busy feed does not push
  out what the reader has not seen yet; an unread one past ``keep_days``
  goes, or the cache would grow without end for feeds nobody reads).

An article's age counts from the later of its publication and its arrival:
a feed that still lists an old item would otherwise bring it back at every
refresh only for the next refresh to drop it again. Its read state stays in
the state database, so if it does come back it is still read.

Dropping an article drops its full-text index entry, its story membership,
its signature and its related links with it (the schema's triggers and
cascades). Cost: the candidates are found through indexes (publication
time, and the per-source time index for sources over their quota), so a run
after a refresh reads the cache's indexes, not its rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from newsreader.core.urls import normalize_url
from newsreader.store.cache import Cache

_DAY = 86400
#: Ids per DELETE statement.
_CHUNK = 500


@dataclass(slots=True)
class RetentionReport:
    deleted: int = 0
    sources: int = 0  # sources that lost articles
    protected: int = 0  # candidates kept because they are bookmarked
    seconds: float = 0.0


def apply_retention(
    cache: Cache,
    *,
    keep_days: int,
    keep_items: int,
    protected_keys: Iterable[str] = (),
    protected_urls: Iterable[str] = (),
    now: int | None = None,
) -> RetentionReport:
    """Drop what the policy lets go (see the module doc); one transaction."""
    started = time.perf_counter()
    now = int(time.time()) if now is None else int(now)
    cutoff = now - max(1, int(keep_days)) * _DAY
    keep_items = max(1, int(keep_items))
    keys = {k for k in protected_keys if k}
    urls = {u for u in (normalize_url(u) for u in protected_urls if u) if u}
    report = RetentionReport()
    with cache.write() as conn:
        candidates: dict[int, tuple[int, str, str | None]] = {}  # id -> (source, key, norm_url)
        # Old: published before the cutoff (the time index) and arrived
        # before it too; undated ones by their arrival alone. Read or not.
        for article_id, source_id, key, norm_url in conn.execute(
            """SELECT id, source_id, key, norm_url FROM articles
               WHERE published_ts < ? AND added_at < ?
               UNION ALL
               SELECT id, source_id, key, norm_url FROM articles
               WHERE published_ts IS NULL AND added_at < ?""",
            (cutoff, cutoff, cutoff),
        ):
            candidates[int(article_id)] = (int(source_id), key, norm_url)
        # Over quota: beyond the newest keep_items of a source, unless unread
        # and young.
        crowded = [
            int(r[0])
            for r in conn.execute(
                "SELECT source_id FROM articles GROUP BY source_id HAVING count(*) > ?", (keep_items,)
            )
        ]
        for source_id in crowded:
            for article_id, key, norm_url, is_read, published_ts, added_at in conn.execute(
                """SELECT id, key, norm_url, is_read, published_ts, added_at FROM articles
                   WHERE source_id = ? ORDER BY published_ts DESC, id DESC LIMIT -1 OFFSET ?""",
                (source_id, keep_items),
            ):
                age_from = max(published_ts if published_ts is not None else added_at, added_at)
                if is_read or age_from < cutoff:
                    candidates[int(article_id)] = (source_id, key, norm_url)
        doomed: list[int] = []
        sources: set[int] = set()
        for article_id, (source_id, key, norm_url) in candidates.items():
            if key in keys or (norm_url is not None and norm_url in urls):
                report.protected += 1
                continue
            doomed.append(article_id)
            sources.add(source_id)
        doomed.sort()
        for start in range(0, len(doomed), _CHUNK):
            chunk = doomed[start : start + _CHUNK]
            conn.execute(f"DELETE FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        report.deleted = len(doomed)
        report.sources = len(sources)
    report.seconds = time.perf_counter() - started
    return report


def retention_for_paths(cache: Cache, paths, config) -> RetentionReport | None:
    """Apply ``config.retention``, protecting every bookmark in the user's
    bookmarks file. None (nothing dropped) when the bookmarks cannot be read:
    without them there is no telling what must be kept."""
    from newsreader.store.bookmarks import BookmarkStore

    store = BookmarkStore(paths.bookmarks_file).load()
    if store.error:
        return None
    keys = [b.article_key for b in store.all() if b.article_key]
    urls = [b.url for b in store.all() if b.url]
    # Entries the store could not read are written back as they were: what
    # they point at is kept too.
    for entry in getattr(store, "_entries", []):
        table = getattr(entry, "table", None)
        if isinstance(table, dict):
            keys += [v for v in (table.get("article_key"),) if isinstance(v, str)]
            urls += [v for v in (table.get("url"),) if isinstance(v, str)]
    return apply_retention(
        cache,
        keep_days=config.retention.keep_days,
        keep_items=config.retention.keep_items,
        protected_keys=keys,
        protected_urls=urls,
    )
