"""Storing parsed documents in the cache: sources, articles (new ones in
bulk, store/articlerows.py), merges of an article seen again, explicit
related links, and story assignment.

Mixed into :class:`~.cache.Cache`, which provides ``write()``.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, cast

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.textnorm import normalize_name, normalize_title
from newsreader.store import textpack
from newsreader.store.articlerows import (
    INSERT_ARTICLE,
    ArticleFields,
    article_fields,
    dump_extras,
    guid_as_url,
    import_feed_articles,
    index_text,
    inserted_id,
    load_extras,
    own_norm_url,
    published_timestamp,
    title_hash,
)
from newsreader.store.records import ImportStats
from newsreader.store.revisions import DEFAULT_KEEP, revise
from newsreader.store.story_rows import DeferredStories, assign_stories
from newsreader.stories.signature import Prepared

if TYPE_CHECKING:
    from newsreader.config.actions import Rule
    from newsreader.store.cache import Cache

FEED_FORMATS = frozenset({"rss", "atom", "rdf", "json-feed"})
UNKNOWN_SOURCE = "Unknown source"
_PRECISION_RANK = {"exact": 0, "minute": 1, "hour": 2, "day": 3, "unknown": 4}


class DocumentImport:
    """``import_document`` and what it takes; see the module doc."""

    #: ``[[rule]]`` tables applied to every new article as it is stored.
    rules: Sequence[Rule] = ()
    #: Earlier versions kept of an article whose title or body changed (``[ui] keep_revisions``).
    keep_revisions: int = DEFAULT_KEEP

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction on the cache: :class:`~.cache.Cache` provides it."""
        raise NotImplementedError

    def import_document(
        self,
        doc: ParsedDocument,
        *,
        feed_url: str | None = None,
        feed_title: str | None = None,
        kind: str | None = None,
        now: int | None = None,
        stories: DeferredStories | None = None,
    ) -> ImportStats:
        """Store every article of ``doc`` and its explicit related links.

        Importing the same document again changes nothing; the same article
        from another document (same URL, or same source and normalised
        title) is merged into the one row. Its articles are placed in
        stories here, or, given ``stories``, added to it for the caller to
        assign with the rest of its transaction.
        """
        now = now if now is not None else int(time.time())
        stats = ImportStats()
        is_feed = doc.format in FEED_FORMATS or feed_url is not None
        with self.write() as conn:
            feed_source: tuple[int, str] | None = None
            if is_feed:
                url = feed_url or doc.feed_url or ""
                name = feed_title or doc.feed_title or (doc.articles[0].source if doc.articles else None) or url
                # A feed file imported from disk has no URL: it is known by its
                # name, like a page's outlet, not lumped with every other such feed.
                key = "feed:" + url if url else "name:" + normalize_name(name or UNKNOWN_SOURCE)
                feed_source = self._upsert_source(
                    conn, key, name or UNKNOWN_SOURCE, kind or "feed", feed_url=url or None, site_url=doc.site_url
                )
            ids: list[int] = []
            if feed_source is not None:
                # One source for all: new articles go in together (store/articlerows.py).
                source_id, source_key = feed_source
                fields = [article_fields(source_key, art) for art in doc.articles]
                # An item a feed lists twice is no revision of itself.
                listed = Counter(f.key for f in fields)
                placed = import_feed_articles(
                    conn,
                    source_id,
                    doc.articles,
                    fields,
                    now,
                    lambda i: self._upsert_article(
                        conn, source_id, source_key, doc.articles[i], now, fields[i], listed[fields[i].key] == 1
                    ),
                )
            else:
                placed = []
                for index, art in enumerate(doc.articles):
                    source_id, source_key = self._source_for_article(conn, art, kind or "page")
                    # A page's main article can be revised; its related links are teasers.
                    placed.append(self._upsert_article(conn, source_id, source_key, art, now, None, index == doc.main))
            for article_id, outcome in placed:
                ids.append(article_id)
                setattr(stats, outcome, getattr(stats, outcome) + 1)
            for index, art in enumerate(doc.articles):
                for position, other in enumerate(art.related):
                    if 0 <= other < len(ids) and ids[other] != ids[index]:
                        conn.execute(
                            "INSERT OR IGNORE INTO related(article_id, other_id, reason, position) VALUES (?, ?, 'page', ?)",
                            (ids[index], ids[other], position),
                        )
            stats.article_ids = ids
            # Features a parse worker computed (refresh.parse_feed_body) save
            # the writer most of the clustering work; ids follow doc.articles.
            prepared = {
                i: art.cluster_features
                for i, art in zip(ids, doc.articles)
                if isinstance(art.cluster_features, Prepared)
            }
            # Rows stored from exactly one article of this document, and new:
            # their text is the one the worker prepared the features from.
            times = Counter(ids)
            inserted = {i for i, (_, outcome) in zip(ids, placed) if outcome == "new" and times[i] == 1}
            if stories is None:
                assign_stories(conn, ids, now=now, features=prepared, stored_from_features=inserted)
            if self.rules:
                from newsreader.store.rules import apply_rules

                new_ids = [i for i, (_, outcome) in zip(ids, placed) if outcome == "new"]
                stats.rules = [o for o in apply_rules(cast("Cache", self), self.rules, new_ids) if o.article_ids]
            if stories is not None:  # last: nothing of this import is rolled back now
                stories.add(ids, now=now, features=prepared, stored_from_features=inserted)
        return stats

    def _upsert_source(
        self,
        conn: sqlite3.Connection,
        key: str,
        name: str,
        kind: str,
        *,
        feed_url: str | None = None,
        site_url: str | None = None,
    ) -> tuple[int, str]:
        row = conn.execute("SELECT id, name, kind, site_url FROM sources WHERE key = ?", (key,)).fetchone()
        if row is None:
            cur = conn.execute(
                "INSERT INTO sources(key, name, kind, feed_url, site_url) VALUES (?, ?, ?, ?, ?)",
                (key, name, kind, feed_url, site_url),
            )
            return inserted_id(cur), key
        if (name and name != row["name"] and kind == "feed") or (site_url and site_url != row["site_url"]):
            conn.execute(
                "UPDATE sources SET name = ?, site_url = coalesce(?, site_url) WHERE id = ?",
                (name or row["name"], site_url, row["id"]),
            )
        if row["kind"] == "sample" and kind != "sample":
            conn.execute("UPDATE sources SET kind = ? WHERE id = ?", (kind, row["id"]))
        return int(row["id"]), key

    def _source_for_article(self, conn: sqlite3.Connection, art: Article, kind: str) -> tuple[int, str]:
        name = art.source
        if not name:
            # A page that does not name its source (layout B): if exactly one
            # article with this title is known, it is that one.
            rows = conn.execute(
                "SELECT s.id, s.key FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.title_hash = ? LIMIT 2",
                (title_hash(normalize_title(art.title)),),
            ).fetchall()
            if len(rows) == 1:
                return int(rows[0]["id"]), rows[0]["key"]
            name = UNKNOWN_SOURCE
        return self._upsert_source(conn, "name:" + normalize_name(name), name, kind)

    def _find_existing(
        self, conn: sqlite3.Connection, source_id: int, art: Article, norm_url: str | None, title_key: int
    ) -> sqlite3.Row | None:
        if norm_url:
            row = conn.execute("SELECT * FROM articles WHERE norm_url = ?", (norm_url,)).fetchone()
            if row is not None:
                return row
        if art.guid:
            row = conn.execute(
                "SELECT * FROM articles WHERE source_id = ? AND guid = ?", (source_id, art.guid)
            ).fetchone()
            if row is not None:
                return row
            as_url = guid_as_url(art.guid)  # a guid that was its row's URL is kept as that URL
            if as_url:
                row = conn.execute(
                    "SELECT * FROM articles WHERE norm_url = ? AND source_id = ? AND guid IS NULL AND url = ?",
                    (as_url, source_id, art.guid),
                ).fetchone()
                if row is not None:
                    return row
        for row in conn.execute(
            "SELECT * FROM articles WHERE title_hash = ? AND source_id = ?", (title_key, source_id)
        ):
            # Two different URLs with one title are two articles (a daily
            # "Morning briefing"); without a URL on one side they are one.
            if row["norm_url"] is None or norm_url is None:
                return row
        return None

    def _upsert_article(
        self,
        conn: sqlite3.Connection,
        source_id: int,
        source_key: str,
        art: Article,
        now: int,
        fields: ArticleFields | None = None,
        revisable: bool = False,
    ) -> tuple[int, str]:
        f = fields or article_fields(source_key, art)
        existing = self._find_existing(conn, source_id, art, f.norm_url, f.title_hash)
        if existing is None:
            clash = conn.execute("SELECT id FROM articles WHERE key = ?", (f.key,)).fetchone()
            if clash is not None:
                return int(clash["id"]), "unchanged"
            state = conn.execute("SELECT is_read FROM state.read_state WHERE article_key = ?", (f.key,)).fetchone()
            cur = conn.execute(INSERT_ARTICLE, f.row(source_id, art, int(state["is_read"]) if state else 0, now))
            article_id = inserted_id(cur)
            index_text(conn, [(article_id, art, f)])
            return article_id, "new"
        revised_at = now if revisable and existing["source_id"] == source_id else None
        return int(existing["id"]), self._merge(conn, existing, art, f, revised_at)

    def _merge(
        self, conn: sqlite3.Connection, row: sqlite3.Row, art: Article, f: ArticleFields, revised_at: int | None = None
    ) -> str:
        # The same source sends it again (``revised_at``): a new title or body is a revision.
        changes = revise(conn, row, art, f, self.keep_revisions, revised_at) if revised_at is not None else {}
        norm_url, summary, extras, published, precision = f.norm_url, f.summary, f.extras, f.published, f.precision
        old_extras = load_extras(row["extras"])
        better_body = "body" not in changes and (
            (row["summary_only"] and not f.summary_only)
            or (bool(row["summary_only"]) == f.summary_only and f.body_chars > len(textpack.unpack(row["body"]) or ""))
        )
        if better_body:
            changes.update(body=f.body, summary_only=int(f.summary_only))
            if extras["captions"]:
                old_extras["captions"] = extras["captions"]
        if summary and not row["summary"]:
            changes["summary"] = summary
        if art.url and not row["url"] and norm_url:
            taken = conn.execute("SELECT 1 FROM articles WHERE norm_url = ?", (norm_url,)).fetchone()
            if taken is None:
                changes.update(url=art.url, own_norm_url=own_norm_url(art.url, norm_url))
        if art.author and not row["author"]:
            changes["author"] = art.author
        if art.guid and not row["guid"] and art.guid != (changes.get("url") or row["url"]):  # see stored_guid
            changes["guid"] = art.guid
        if published and _PRECISION_RANK.get(precision, 4) < _PRECISION_RANK.get(row["precision"], 4):
            changes.update(
                published=published,
                published_ts=published_timestamp(art.published),
                published_text=art.published_text,
                precision=precision,
            )
        tags = list(dict.fromkeys([*old_extras.get("tags", []), *extras["tags"]]))
        if tags != old_extras.get("tags", []):
            old_extras["tags"] = tags
        if not old_extras.get("enclosures") and extras["enclosures"]:
            old_extras["enclosures"] = extras["enclosures"]
        if not old_extras.get("images") and extras.get("images"):
            old_extras["images"] = extras["images"]
        new_extras = dump_extras(old_extras)
        # Compared as stored now: a row written before empty lists were left
        # out is not changed by that alone.
        if new_extras != dump_extras(load_extras(row["extras"])):
            changes["extras"] = new_extras
        if not changes:
            return "unchanged"
        changes["updated_at"] = int(time.time())
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", (*changes.values(), row["id"]))
        return "updated"
