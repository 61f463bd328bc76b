"""Schema 7: the full search index merges its segments 16 at a time, and a
new row's tags are written by the code that inserts it, not by a trigger;
new caches and upgraded ones, which find what they found before."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from newsreader.core.models import Article, ParsedDocument
from newsreader.search.language import parse_query
from newsreader.store import schema
from newsreader.store.cache import Cache
from newsreader.store.searching import search_articles

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TABLES = ("articles_fts", "articles_titles_fts")


def _automerge(conn: sqlite3.Connection) -> list[int | None]:
    values = []
    for table in TABLES:
        row = conn.execute(f"SELECT v FROM {table}_config WHERE k = 'automerge'").fetchone()
        values.append(row[0] if row else None)
    return values


def _found(cache: Cache, text: str) -> list[int]:
    return sorted(r.id for r in search_articles(cache, parse_query(text), now=NOW))


def _tags(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    return [tuple(r) for r in conn.execute("SELECT tag, article_id FROM article_tags ORDER BY article_id, tag")]


def _filled(tmp_path) -> Cache:
    cache = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    # One feed document at a time, as a refresh stores them: a segment each.
    for n in range(40):
        doc = ParsedDocument(
            format="rss",
            feed_title="Estuary Courier",
            articles=[
                Article(
                    title=f"Ferry timetable {n}",
                    body=f"The pilot boat {n} waits at the bar; crews rest{' and herons nest' * (n % 3)}.",
                    url=f"https://estuary.example/{n}",
                    published=NOW,
                    precision="minute",
                    tags=["Pilots", "Tides"] if n % 2 else ["Tides"],
                )
            ],
        )
        cache.import_document(doc, feed_url="https://estuary.example/rss")
    return cache


def test_a_new_cache_merges_segments_sixteen_at_a_time(tmp_path):
    cache = _filled(tmp_path)
    conn = cache.connection()
    # The titles' index (three-letter prefixes) keeps FTS5's default.
    assert _automerge(conn) == [schema.FTS_AUTOMERGE, None] == [16, None]
    assert len(_found(cache, "pilot")) == 40
    assert len(_found(cache, "herons")) == 26
    assert len(_found(cache, "fer*")) == 40
    cache.close()


def test_a_schema_6_cache_is_upgraded_and_finds_the_same(tmp_path):
    cache = _filled(tmp_path)
    before = {text: _found(cache, text) for text in ("pilot", "herons", "fer*", '"pilot boat"', "timetable -herons")}
    conn = cache.connection()
    fresh_schema = list(conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name"))
    cache.close()
    old = sqlite3.connect(tmp_path / "cache.sqlite3", isolation_level=None)
    for table in TABLES:  # FTS5's default, as schema 6 left it
        old.execute(f"DELETE FROM {table}_config WHERE k = 'automerge'")
    old.execute("PRAGMA user_version = 6")
    assert _automerge(old) == [None, None]
    old.close()
    cache = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    conn = cache.connection()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == 7
    assert _automerge(conn) == [16, None]
    assert list(conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name")) == fresh_schema
    assert {text: _found(cache, text) for text in before} == before
    for table in TABLES:  # raises if an index does not match its rows
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    cache.close()


def test_new_rows_keep_each_text_tag_once_in_either_path(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    tags = ["Weather", "Storms", "weather", "STORMS", "Coast"]
    feed = ParsedDocument(
        format="rss",
        feed_title="Estuary Courier",
        articles=[Article(title="Gale warning", url="https://estuary.example/gale", body="Wind.", tags=tags)],
    )
    (in_bulk,) = cache.import_document(feed, feed_url="https://estuary.example/rss").article_ids
    # A page is stored one article at a time (the other insert).
    page = ParsedDocument(
        format="html",
        articles=[
            Article(
                title="Sea wall", url="https://estuary.example/wall", body="Stone.", source="Estuary Courier", tags=tags
            )
        ],
    )
    (alone,) = cache.import_document(page).article_ids
    conn = cache.connection()
    # Of two spellings of a tag (NOCASE), the first stays, as the update trigger keeps it.
    assert _tags(conn) == sorted(
        [
            ("Coast", in_bulk),
            ("Storms", in_bulk),
            ("Weather", in_bulk),
            ("Coast", alone),
            ("Storms", alone),
            ("Weather", alone),
        ],
        key=lambda pair: (pair[1], pair[0]),
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_tags_ai'"
        ).fetchone()[0]
        == 0
    )
    cache.close()


def test_a_cache_from_before_the_tag_table_gets_it_filled(tmp_path):
    cache = _filled(tmp_path)
    conn = cache.connection()
    tags = _tags(conn)
    assert len(tags) == 60
    before = _found(cache, "tag:pilots")
    assert len(before) == 20
    fresh_schema = list(conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name"))
    cache.close()
    old = sqlite3.connect(tmp_path / "cache.sqlite3", isolation_level=None)
    old.executescript(
        """
        DROP TRIGGER articles_tags_au;
        DROP TABLE article_tags;
        CREATE TRIGGER articles_tags_ai AFTER INSERT ON articles BEGIN SELECT 1; END;
        PRAGMA user_version = 6;
        """
    )
    old.close()
    cache = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    conn = cache.connection()
    assert _tags(conn) == tags
    assert list(conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name")) == fresh_schema
    assert _found(cache, "tag:pilots") == before
    cache.close()
