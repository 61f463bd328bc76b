"""Storing many feeds fast: one INSERT per feed document, nested writes as savepoints.

The fast path (store/articlerows.py) must give exactly the rows, ids, stats
and search index that storing the articles one at a time gives, whatever
the document repeats or shares with what is already stored.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

import newsreader.store.ingest as cache_module
from newsreader.core.models import Article, Enclosure, ParsedDocument
from newsreader.store.articlerows import import_feed_articles
from newsreader.store.cache import Cache

START = datetime(2026, 11, 20, 6, tzinfo=UTC)


def make_cache(path) -> Cache:
    return Cache(path / "cache.sqlite3", path / "state.sqlite3")


def one_by_one(conn, source_id, articles, fields, now, upsert_one):
    """What import_document did before the fast path: every article on its own."""
    return [upsert_one(i) for i in range(len(articles))]


def tricky_feeds(seed: int) -> list[tuple[str, ParsedDocument]]:
    """Feeds whose items repeat titles, links and ids, within a document and across them."""
    rng = random.Random(seed)

    def item(n: int) -> Article:
        url = rng.choice(
            [
                None,
                f"https://harbour.example/{n % 40}",
                f"https://harbour.example/{n}?utm_source=feed",
                f"HTTPS://Harbour.example/{n % 13}#comments",
            ]
        )
        body = rng.choice(["", "Ferries run late.", "The pilots met the council again today. " * rng.randint(1, 4)])
        return Article(
            title=rng.choice(["Morning briefing", f"Quay works, part {n}", f"Tide table {n % 7}", "x"]),
            body=body,
            url=url,
            guid=rng.choice([None, f"id-{n % 30}", f"id-{n}", url]),
            summary=rng.choice([None, "Ferries run late.", body]),
            published=rng.choice([None, START + timedelta(hours=n % 50)]),
            precision=rng.choice(["exact", "day"]),
            tags=rng.sample(["port", "weather", "council"], rng.randint(0, 2)),
            enclosures=[Enclosure(f"https://harbour.example/audio/{n % 5}.mp3")] if n % 9 == 0 else [],
        )

    feeds = []
    for number in range(40):
        first = rng.randint(0, 150)
        articles = [item(first + k) for k in range(rng.randint(0, 25))]
        feeds.append((f"https://feed{number % 9}.example/rss.xml", ParsedDocument("rss", articles)))
    return feeds


def store_all(tmp_path, feeds, *, fast: bool, monkeypatch) -> dict:
    monkeypatch.setattr(cache_module, "import_feed_articles", import_feed_articles if fast else one_by_one)
    cache = make_cache(tmp_path / ("fast" if fast else "slow"))
    conn = cache.connection()
    stats = []
    for number, (url, doc) in enumerate(feeds):
        result = cache.import_document(doc, feed_url=url, now=1_000 + number)
        stats.append((result.new, result.updated, result.unchanged, result.article_ids))
        if number == 12:
            # Read state kept for articles that then leave the cache and come back.
            keys = [row[0] for row in conn.execute("SELECT key FROM articles ORDER BY id LIMIT 10")]
            with cache.write():
                conn.executemany("DELETE FROM articles WHERE key = ?", [(k,) for k in keys])
                conn.executemany("INSERT OR REPLACE INTO state.read_state VALUES (?, 1, 0)", [(k,) for k in keys])
    columns = [
        c[1] for c in conn.execute("PRAGMA table_info(articles)") if c[1] != "updated_at"
    ]  # merge uses the clock
    out = {
        "stats": stats,
        "rows": conn.execute(f"SELECT {', '.join(columns)} FROM articles ORDER BY id").fetchall(),
        "index": conn.execute("SELECT rowid, title, body FROM articles_fts ORDER BY rowid").fetchall(),
        "matches": conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'pilots' ORDER BY rowid"
        ).fetchall(),
    }
    cache.close()
    return {k: [tuple(r) if isinstance(r, sqlite3.Row) else r for r in v] for k, v in out.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_path_stores_exactly_what_one_by_one_does(tmp_path, monkeypatch, seed):
    feeds = tricky_feeds(seed)
    slow = store_all(tmp_path, feeds, fast=False, monkeypatch=monkeypatch)
    fast = store_all(tmp_path, feeds, fast=True, monkeypatch=monkeypatch)
    assert fast["stats"] == slow["stats"]
    assert fast["rows"] == slow["rows"]
    assert fast["index"] == slow["index"] and fast["matches"] == slow["matches"]
    assert any(s[0] for s in slow["stats"]) and any(s[1] or s[2] for s in slow["stats"])  # both paths exercised


def index_segments(tmp_path, monkeypatch, *, fast: bool) -> tuple[int, list[int]]:
    """Segments of the FTS index after storing one new 30-article feed, and the ids."""
    monkeypatch.setattr(cache_module, "import_feed_articles", import_feed_articles if fast else one_by_one)
    cache = make_cache(tmp_path / ("fast" if fast else "slow"))
    doc = ParsedDocument(
        "rss",
        [Article(title=f"Harbour note {n}", url=f"https://harbour.example/n/{n}", body="Tide.") for n in range(30)],
    )
    stats = cache.import_document(doc, feed_url="https://harbour.example/rss", now=1_000)
    assert stats.new == 30
    segments = cache.connection().execute("SELECT count(DISTINCT segid) FROM articles_fts_idx").fetchone()[0]
    again = cache.import_document(doc, feed_url="https://harbour.example/rss", now=2_000)
    assert again.new == 0 and again.unchanged == 30 and again.article_ids == stats.article_ids
    cache.close()
    return segments, stats.article_ids


def test_a_new_feed_document_is_indexed_in_one_go(tmp_path, monkeypatch):
    # FTS5 writes its pending terms out as a segment at every statement
    # savepoint, and an INSERT that fires a trigger opens one: with an
    # insert trigger on articles (tags, before schema 7), one article at a
    # time left a segment per article to merge. Now neither path has one,
    # and the fast path sends FTS5 the document in one statement anyway.
    fast_segments, fast_ids = index_segments(tmp_path, monkeypatch, fast=True)
    slow_segments, slow_ids = index_segments(tmp_path, monkeypatch, fast=False)
    assert fast_ids == slow_ids == list(range(1, 31))
    assert fast_segments == slow_segments == 1


def test_nested_write_is_a_savepoint_that_rolls_back_alone(tmp_path):
    cache = make_cache(tmp_path)
    first = ParsedDocument("rss", [Article(title="Quay reopens", url="https://harbour.example/quay", body="Open.")])
    second = ParsedDocument("rss", [Article(title="Ferry fares rise", url="https://harbour.example/fares", body="Up.")])
    with cache.write() as conn:
        cache.import_document(first, feed_url="https://harbour.example/rss", now=1_000)
        with pytest.raises(RuntimeError), cache.write():
            cache.import_document(second, feed_url="https://harbour.example/rss", now=1_000)
            raise RuntimeError("this feed fails")
        assert conn.in_transaction  # the outer transaction goes on
    titles = [h.title for h in cache.headlines()]
    assert titles == ["Quay reopens"]
    hits = (
        cache.connection().execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'fares'").fetchone()[0]
    )
    assert hits == 0
    assert not cache.connection().in_transaction


def test_the_writer_indexes_the_text_the_worker_sent(tmp_path, monkeypatch):
    """A refresh's parse worker packs each body and sends its text along:
    the writer indexes that text and never unpacks a body to do it."""
    from newsreader.feeds.refresh import parse_feed_body
    from newsreader.store import textpack

    words = "The harbour pilots voted to end the strike after the council met them twice. " * 6
    items = "".join(
        f"<item><title>Pilots vote {n}</title><link>https://harbour.example/v/{n}</link>"
        f"<description>{words}Ballot {n}.</description></item>"
        for n in range(3)
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Port</title>{items}</channel></rss>'
    doc = parse_feed_body(feed.encode(), "https://harbour.example/rss")
    assert not isinstance(doc, str)
    for art in doc.articles:
        fields = art.stored_fields
        assert isinstance(fields.body, bytes) and fields.text == textpack.unpack(fields.body)

    def no_unpacking(value):
        raise AssertionError("the writer unpacked a body the worker sent as text")

    cache = make_cache(tmp_path)
    monkeypatch.setattr(textpack, "unpack", no_unpacking)
    stats = cache.import_document(doc, feed_url="https://harbour.example/rss", now=1_000)
    monkeypatch.undo()
    assert stats.new == 3
    conn = cache.connection()
    found = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'council AND ballot'").fetchall()
    assert sorted(r[0] for r in found) == stats.article_ids
    # What the index holds is the stored body's text: the update and delete
    # triggers give it that text (nr_text), and the row leaves no term behind.
    assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'strike'").fetchone()[0] == 3
    with cache.write():
        conn.execute("DELETE FROM articles")
    assert conn.execute("SELECT count(*) FROM articles_vocab").fetchone()[0] == 0
    cache.close()


def test_fields_carry_the_title_hash_and_url_key_the_row_stores(tmp_path):
    """The worker computes the normalised title's hash and, for an article
    with a URL, its key; the row and the identity look-ups use them as sent.
    An article without a URL is keyed by its source, on the writer."""
    from newsreader.core.textnorm import normalize_title
    from newsreader.store.articlerows import article_fields, article_key, text_fields, title_hash

    art = Article(title="  Quay Works: Part ONE ", url="https://harbour.example/q/1", body="Cranes.")
    bare = Article(title="Tide table", guid="tide-1", body="High water at six.")
    fields = text_fields(art)
    assert fields.title_hash == title_hash(normalize_title(art.title))
    assert fields.key == article_key("feed:https://harbour.example/rss", art, fields.norm_url) != ""
    assert text_fields(bare).key == ""
    assert article_fields("feed:a", bare).key != article_fields("feed:b", bare).key
    cache = make_cache(tmp_path)
    stats = cache.import_document(ParsedDocument("rss", [art, bare]), feed_url="https://harbour.example/rss", now=1_000)
    stored = cache.connection().execute("SELECT title_hash, key FROM articles ORDER BY id").fetchall()
    assert [tuple(row) for row in stored] == [
        (fields.title_hash, fields.key),
        (title_hash(normalize_title(bare.title)), article_key("feed:https://harbour.example/rss", bare, None)),
    ]
    assert stats.new == 2
    cache.close()


def test_a_guid_that_was_a_stored_rows_link_finds_that_row(tmp_path):
    """A stored row whose guid was its link keeps no guid (stored_guid): an
    item that names that link as its guid, under another link, is that row.
    When the guids are the items' own links, no such look-up is needed:
    the look-up by link already found every row there is."""
    cache = make_cache(tmp_path)
    feed = "https://harbour.example/rss"
    first = Article(title="Quay reopens", url="https://harbour.example/quay", guid="https://harbour.example/quay")
    stored = cache.import_document(ParsedDocument("rss", [first]), feed_url=feed, now=1_000)
    moved = Article(
        title="Quay open again after the repairs",
        url="https://harbour.example/news/quay",
        guid="https://harbour.example/quay",
        body="Open.",
    )
    fresh = [
        Article(title=f"Tide {n}", url=f"https://harbour.example/t/{n}", guid=f"https://harbour.example/t/{n}")
        for n in range(3)
    ]
    statements: list[str] = []
    cache.connection().set_trace_callback(statements.append)
    again = cache.import_document(ParsedDocument("rss", [*fresh, moved]), feed_url=feed, now=2_000)
    assert again.new == 3 and again.article_ids[3] == stored.article_ids[0]
    by_link = [s for s in statements if "guid IS NULL AND norm_url IN" in s]
    assert len(by_link) == 1 and "/t/" not in by_link[0] and "harbour.example/quay" in by_link[0]
    cache.close()
