"""The SQL of full text: which summary-only articles to fetch, and what came of it.

:mod:`newsreader.feeds.fulltext` decides and fetches; these functions only read
and write the three ``articles`` columns it owns (``full_text_url``,
``full_text_at``, ``full_text_error``) and the body.

Storing a page's text replaces the body (the feed's summary stays in
``summary``), clears ``summary_only`` and bumps ``updated_at``: the FTS
trigger re-indexes title and body, and the article is signed again for
story clustering, so search and related stories see the new text.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsreader.core.textnorm import normalize_name
from newsreader.store import textpack
from newsreader.store.articlerows import dump_extras, load_extras
from newsreader.store.cache import Cache
from newsreader.store.records import ArticleRow
from newsreader.store.story_rows import assign_stories


@dataclass(frozen=True, slots=True)
class FullTextCandidate:
    """A summary-only article with a link to fetch."""

    id: int
    url: str
    title: str
    source: str
    summary: str  # the text the reader has now: what a fetched page must beat


def page_host(url: str | None) -> str | None:
    """The host name of ``url`` (no port, no credentials), or None."""
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


def find_sources(cache: Cache, name_or_url: str) -> list[tuple[int, str]]:
    """Sources whose name (compared folded) or feed/site address is ``name_or_url``.

    Returns ``(id, name)`` pairs; more than one means the name is ambiguous.
    """
    wanted = name_or_url.strip()
    rows = (
        cache.connection()
        .execute(
            """SELECT id, name FROM sources
           WHERE feed_url = ? OR fetch_url = ? OR site_url = ? OR key = ?""",
            (wanted, wanted, wanted, "feed:" + wanted),
        )
        .fetchall()
    )
    if rows:
        return [(int(r["id"]), r["name"]) for r in rows]
    folded = normalize_name(wanted)
    # Names are few (one per feed or site): folding them in Python is cheaper
    # than teaching SQLite Unicode case folding.
    return [
        (int(r["id"]), r["name"])
        for r in cache.connection().execute("SELECT id, name FROM sources")
        if normalize_name(r["name"]) == folded
    ]


def candidates(
    cache: Cache,
    *,
    ids: Sequence[int] | None = None,
    source_ids: Sequence[int] | None = None,
    include_tried: bool = False,
    limit: int | None = None,
) -> list[FullTextCandidate]:
    """Summary-only articles with a link, newest first (in ``ids`` order when given).

    Articles whose full text was tried before (and failed: a success clears
    ``summary_only``) are left out unless ``include_tried``, so an index
    page or a paywall is not fetched again at every refresh.
    """
    where = ["a.summary_only = 1", "a.url IS NOT NULL", "a.url != ''"]
    params: list[object] = []
    if not include_tried:
        where.append("a.full_text_at IS NULL")
    if source_ids is not None:
        if not source_ids:
            return []
        where.append(f"a.source_id IN ({','.join('?' * len(source_ids))})")
        params.extend(source_ids)
    query = f"""SELECT a.id, a.url, a.title, s.name AS source, nr_text(coalesce(a.summary, a.body)) AS summary
                FROM articles a JOIN sources s ON s.id = a.source_id
                WHERE {" AND ".join(where)}"""
    conn = cache.connection()
    if ids is None:
        rows = conn.execute(
            query + " ORDER BY a.published_ts DESC, a.id DESC LIMIT ?", (*params, -1 if limit is None else limit)
        ).fetchall()
        return [_candidate(r) for r in rows]
    found: dict[int, FullTextCandidate] = {}
    id_list = list(dict.fromkeys(int(i) for i in ids))
    for start in range(0, len(id_list), 500):
        chunk = id_list[start : start + 500]
        for r in conn.execute(query + f" AND a.id IN ({','.join('?' * len(chunk))})", (*params, *chunk)):
            found[int(r["id"])] = _candidate(r)
    ordered = [found[i] for i in id_list if i in found]
    return ordered if limit is None else ordered[:limit]


def _candidate(r) -> FullTextCandidate:
    return FullTextCandidate(
        id=int(r["id"]), url=r["url"], title=r["title"], source=r["source"], summary=r["summary"] or ""
    )


def store_full_text(
    cache: Cache,
    article_id: int,
    *,
    body: str,
    page_url: str,
    author: str | None = None,
    captions: Iterable[tuple[str, str | None]] = (),
    images: Iterable[str] = (),
    now: int | None = None,
) -> bool:
    """Put the page's text in place of the summary; False when there was nothing to replace.

    Only a row that is still summary-only is changed: if a refresh brought
    the whole story in the meantime, that text wins. The summary is kept
    (moved to ``summary`` if the feed had put it in the body only); the
    feed's author, captions and pictures are kept, the page's fill in when missing.
    """
    now = int(time.time()) if now is None else now
    with cache.write() as conn:
        row = conn.execute("SELECT summary_only, extras FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None or not row["summary_only"]:
            return False
        extras_text = row["extras"]
        page_captions = [[text, credit] for text, credit in captions if text]
        extras = load_extras(extras_text)
        if page_captions and not extras.get("captions"):
            extras["captions"] = page_captions
            extras_text = dump_extras(extras)
        page_images = [u for u in images if u]
        if page_images and not extras.get("images"):
            extras["images"] = page_images
            extras_text = dump_extras(extras)
        # updated_at must move for the story signature to be recomputed, even
        # when the feed stored the row earlier in this same second.
        conn.execute(
            """UPDATE articles SET
                   summary = coalesce(summary, nullif(body, '')),
                   body = ?, summary_only = 0, author = coalesce(author, ?), extras = ?,
                   full_text_url = ?, full_text_at = ?, full_text_error = NULL,
                   updated_at = max(updated_at + 1, ?)
               WHERE id = ?""",
            (textpack.pack(body), author, extras_text, page_url, now, now, article_id),
        )
        assign_stories(conn, [article_id], now=now)
    return True


def record_full_text_failure(cache: Cache, article_id: int, reason: str, *, now: int | None = None) -> None:
    """Remember why the summary was kept (shown to the reader, one line)."""
    now = int(time.time()) if now is None else now
    with cache.write() as conn:
        conn.execute(
            "UPDATE articles SET full_text_at = ?, full_text_error = ? WHERE id = ? AND summary_only = 1",
            (now, reason, article_id),
        )


def full_text_state(cache: Cache, article_id: int) -> tuple[str | None, str | None] | None:
    """``(full_text_url, full_text_error)`` of an article, or None when it is gone."""
    row = (
        cache.connection()
        .execute("SELECT full_text_url, full_text_error FROM articles WHERE id = ?", (article_id,))
        .fetchone()
    )
    return None if row is None else (row["full_text_url"], row["full_text_error"])


def read_article(cache: Cache, article_id: int) -> ArticleRow | None:
    """:meth:`Cache.article` (which says where a fetched text came from)."""
    return cache.article(article_id)
