"""Changes that came from sync, applied to the cache without going back out.

Read state is kept by article key in ``state.read_state`` too, so a mark for
an article this device has not fetched yet is applied when it arrives. A
read mark is seeing the article's current version, as marking it read here
is: it no longer says "updated" (store/revisions.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from newsreader.core.models import Article
from newsreader.store import story_rows
from newsreader.store.articlerows import article_fields, chunks
from newsreader.store.cache import Cache
from newsreader.store.revisions import note_seen_keys


def apply_read(cache: Cache, states: Mapping[str, bool]) -> int:
    """Set the read state of articles by key; how many cached articles changed."""
    if not states:
        return 0
    now = int(time.time())
    changed = 0
    with cache.write() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO state.read_state(article_key, is_read, changed_at) VALUES (?, ?, ?)",
            [(key, int(read), now) for key, read in states.items()],
        )
        for read in (True, False):
            keys = [k for k, v in states.items() if v is read]
            for chunk in chunks(keys, 500):
                cur = conn.execute(
                    f"UPDATE articles SET is_read = ? WHERE is_read != ? AND key IN ({','.join('?' * len(chunk))})",
                    (int(read), int(read), *chunk),
                )
                changed += cur.rowcount
        note_seen_keys(conn, [k for k, v in states.items() if v])
    return changed


def read_states(cache: Cache, keys: list[str]) -> dict[str, bool]:
    """The cache's read state of these articles (keys it does not hold are left out)."""
    out: dict[str, bool] = {}
    for chunk in chunks(keys, 500):
        rows = cache.connection().execute(
            f"SELECT key, is_read FROM articles WHERE key IN ({','.join('?' * len(chunk))})", chunk
        )
        out.update((r[0], bool(r[1])) for r in rows)
    return out


def apply_story_flags(cache: Cache, flags: Mapping[str, tuple[bool, bool]]) -> int:
    """Mute/follow the stories of these articles (key -> (muted, followed)); how many stories."""
    done: set[int] = set()
    with cache.write() as conn:
        for key, (muted, followed) in flags.items():
            row = conn.execute(
                "SELECT m.story_id FROM story_articles m JOIN articles a ON a.id = m.article_id WHERE a.key = ?",
                (key,),
            ).fetchone()
            if row is None or row[0] in done:
                continue
            done.add(int(row[0]))
            story_rows.set_story_flags(conn, int(row[0]), muted=muted, followed=followed, record=False)
    return len(done)


def article_key_for(feed_url: str, article: Article) -> str:
    """The key the cache gives ``article`` when it comes from the feed at ``feed_url``."""
    return article_fields("feed:" + feed_url, article).key


def feed_articles(cache: Cache) -> dict[str, tuple[int, list[str]]]:
    """Feed URL -> (unread articles, every article key) for each feed in the cache."""
    out: dict[str, tuple[int, list[str]]] = {}
    rows = cache.connection().execute(
        "SELECT s.feed_url, a.key, a.is_read FROM articles a JOIN sources s ON s.id = a.source_id "
        "WHERE s.feed_url IS NOT NULL"
    )
    for url, key, is_read in rows:
        unread, keys = out.get(url, (0, []))
        keys.append(key)
        out[url] = (unread + (not is_read), keys)
    return out
