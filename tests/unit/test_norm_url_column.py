"""articles.norm_url is computed: a row stores '' for a normalised URL that is its URL (schema 6)."""

from __future__ import annotations

import sqlite3

from newsreader.core.models import Article, ParsedDocument
from newsreader.store import schema
from newsreader.store.cache import Cache

PLAIN = "https://harbour.example/2026/ferry-timetable"
TRACKED = "https://Harbour.Example/2026/pier-repairs?utm_source=rss"
FEED = "https://harbour.example/rss"


def _import(cache: Cache, *articles: Article) -> list[int]:
    doc = ParsedDocument(format="rss", articles=list(articles), feed_title="Harbour Gazette")
    return cache.import_document(doc, feed_url=FEED).article_ids


def _stored(cache: Cache) -> dict[str, tuple[str | None, str | None]]:
    rows = cache.connection().execute("SELECT title, own_norm_url, norm_url FROM articles")
    return {title: (own, norm) for title, own, norm in rows}


def _cache_with_three(tmp_path) -> tuple[Cache, list[int]]:
    cache = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    ids = _import(
        cache,
        Article(title="Ferry timetable changes", url=PLAIN, body="Boats leave earlier."),
        Article(title="Pier repairs begin", url=TRACKED, body="Scaffolding went up."),
        Article(title="Harbour notes", body="No address for this one."),
    )
    return cache, ids


def test_a_url_that_is_its_own_normal_form_is_not_stored_twice(tmp_path):
    cache, (ferry, pier, _notes) = _cache_with_three(tmp_path)
    assert _stored(cache) == {
        "Ferry timetable changes": ("", PLAIN),
        "Pier repairs begin": (
            "https://harbour.example/2026/pier-repairs",
            "https://harbour.example/2026/pier-repairs",
        ),
        "Harbour notes": (None, None),
    }
    assert cache.article_id_for_url(PLAIN) == ferry
    assert cache.article_id_for_url("https://harbour.example/2026/pier-repairs") == pier
    # The same articles again, one at a new spelling of its address: found, not added.
    again = _import(
        cache,
        Article(title="Ferry timetable changes", url=PLAIN + "?utm_medium=feed", body="Boats leave earlier."),
        Article(title="Pier repairs begin", url=TRACKED, body="Scaffolding went up."),
    )
    assert again == [ferry, pier]
    plan = cache.connection().execute("EXPLAIN QUERY PLAN SELECT id FROM articles WHERE norm_url = ?", (PLAIN,))
    assert "articles_norm_url" in " ".join(str(row[3]) for row in plan)
    cache.close()


def test_an_address_learnt_later_is_stored_the_same_way(tmp_path):
    cache, (_ferry, _pier, notes) = _cache_with_three(tmp_path)
    later = "https://harbour.example/2026/harbour-notes"
    assert _import(cache, Article(title="Harbour notes", url=later, body="No address for this one.")) == [notes]
    assert _stored(cache)["Harbour notes"] == ("", later)
    cache.close()


def _as_schema_5(path) -> None:
    """A schema 5 cache: norm_url stored in every row that has a URL."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        """
        DROP INDEX articles_norm_url;
        ALTER TABLE articles DROP COLUMN norm_url;
        ALTER TABLE articles RENAME COLUMN own_norm_url TO norm_url;
        UPDATE articles SET norm_url = url WHERE norm_url = '';
        CREATE UNIQUE INDEX articles_norm_url ON articles(norm_url) WHERE norm_url IS NOT NULL;
        PRAGMA user_version = 5;
        """
    )
    conn.close()


def test_a_schema_5_cache_is_upgraded_to_the_fresh_schema(tmp_path):
    cache, ids = _cache_with_three(tmp_path)
    fresh = _stored(cache)
    conn = cache.connection()
    fresh_schema = list(conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name"))
    fresh_columns = list(conn.execute("PRAGMA table_xinfo(articles)"))
    cache.close()
    path = tmp_path / "cache.sqlite3"
    _as_schema_5(path)
    old = sqlite3.connect(path)
    assert old.execute("SELECT count(*) FROM articles WHERE norm_url = url").fetchone()[0] == 1
    old.close()
    cache = Cache(path, tmp_path / "state.sqlite3")
    conn = cache.connection()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert _stored(cache) == fresh
    assert list(conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name")) == fresh_schema
    assert list(conn.execute("PRAGMA table_xinfo(articles)")) == fresh_columns
    assert cache.article_id_for_url(PLAIN) == ids[0]
    cache.close()
