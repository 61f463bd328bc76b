"""Article text stored compressed (store/textpack.py): round trips, search,
updates and deletes through the FTS triggers, rows and caches from before."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime

import zstandard
from hypothesis import given
from hypothesis import strategies as st

from newsreader.core.models import Article, ParsedDocument
from newsreader.store import textpack
from newsreader.store.cache import Cache
from newsreader.store.fulltext_queue import store_full_text
from newsreader.store.schema import SCHEMA_VERSION

LONG_BODY = (
    "The harbour board met on Tuesday to weigh the dredging plan. " * 6
    + "Councillors asked about the quillwort beds near the north pier."
)


def feed(*articles: Article) -> ParsedDocument:
    return ParsedDocument(format="rss", articles=list(articles), feed_title="Harbour Gazette")


def article(n: int, body: str = LONG_BODY, summary: str | None = None) -> Article:
    return Article(
        title=f"Dredging plan, part {n}",
        body=body,
        summary=summary,
        url=f"https://gazette.example/{n}",
        published=datetime(2026, 11, 20, 9, n, tzinfo=UTC),
        precision="minute",
    )


@given(st.text(max_size=3000))
def test_pack_round_trips_any_text(text):
    packed = textpack.pack(text)
    assert textpack.unpack(packed) == text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def test_short_text_stays_text_and_long_prose_shrinks():
    assert textpack.pack("A short line.") == "A short line."
    packed = textpack.pack(LONG_BODY)
    assert isinstance(packed, bytes) and len(packed) < len(LONG_BODY.encode()) // 2
    assert packed[0] == textpack.ZSTD
    assert textpack.pack(None) is None


def deflated(text: str) -> bytes:
    """A value as schema 2 to 6 stored it: format byte, raw deflate."""
    squeezer = zlib.compressobj(3, zlib.DEFLATED, -15)
    return bytes([textpack.DEFLATE]) + squeezer.compress(text.encode()) + squeezer.flush()


def zstd_frame(raw: bytes, *, content_size: bool, window_log: int = 16) -> bytes:
    """A value with the zstd format byte, made by some other writer."""
    params = zstandard.ZstdCompressionParameters.from_level(
        3, format=zstandard.FORMAT_ZSTD1_MAGICLESS, write_content_size=content_size, window_log=window_log
    )
    maker = zstandard.ZstdCompressor(compression_params=params).compressobj()
    return bytes([textpack.ZSTD]) + maker.compress(raw) + maker.flush()


def test_deflated_values_from_before_still_read():
    old = deflated(LONG_BODY)
    assert textpack.unpack(old) == LONG_BODY
    assert textpack.unpack_prefix(old, 40) == LONG_BODY[:40]
    conn = sqlite3.connect(":memory:")
    textpack.register(conn)
    assert conn.execute("SELECT nr_text(?)", (old,)).fetchone()[0] == LONG_BODY


def test_a_zstd_frame_without_its_size_reads_too():
    frame = zstd_frame(LONG_BODY.encode(), content_size=False)
    assert textpack.unpack(frame) == LONG_BODY
    assert textpack.unpack_prefix(frame, 40) == LONG_BODY[:40]


def test_a_damaged_blob_reads_as_empty_text_never_raises():
    assert textpack.unpack(b"\x01not deflate at all") == ""
    assert textpack.unpack(b"\x02not zstd at all") == ""
    assert textpack.unpack(b"\x02") == textpack.unpack(b"") == ""
    truncated = textpack.pack(LONG_BODY)
    assert isinstance(truncated, bytes) and textpack.unpack(truncated[:-8]) == ""
    # A frame that asks for more memory than ours ever need is refused.
    assert textpack.unpack(zstd_frame(b"b" * 3_000_000, content_size=False, window_log=23)) == ""
    assert textpack.unpack(b"\x07unknown format") == ""
    conn = sqlite3.connect(":memory:")
    textpack.register(conn)
    assert conn.execute("SELECT nr_text(?)", (b"\x01\xff\xfe",)).fetchone()[0] == ""
    assert conn.execute("SELECT nr_text(?)", (textpack.pack(LONG_BODY),)).fetchone()[0] == LONG_BODY


def test_long_bodies_are_stored_compressed_and_read_back_as_text(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite3")
    cache.import_document(
        feed(article(1, summary="The harbour board met on Tuesday.")), feed_url="https://gazette.example/rss"
    )
    raw = cache.connection().execute("SELECT body, summary FROM articles").fetchone()
    assert isinstance(raw["body"], bytes) and isinstance(raw["summary"], str)
    shown = cache.article(cache.connection().execute("SELECT id FROM articles").fetchone()[0])
    assert shown.body == LONG_BODY and shown.summary == "The harbour board met on Tuesday."


def search_ids(cache: Cache, word: str) -> list[int]:
    return [i for i, _score in cache.fts_match(f'"{word}"')]


def test_search_sees_the_text_through_insert_update_and_delete(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite3")
    cache.import_document(
        feed(article(1, body="", summary="A short summary only.")), feed_url="https://gazette.example/rss"
    )
    (article_id,) = cache.connection().execute("SELECT id FROM articles").fetchone()
    assert search_ids(cache, "quillwort") == []
    assert store_full_text(cache, article_id, body=LONG_BODY, page_url="https://gazette.example/1")
    assert search_ids(cache, "quillwort") == [article_id]
    assert search_ids(cache, "summary") == []  # the old body left the index
    assert cache.article(article_id).summary == "A short summary only."
    with cache.write() as conn:
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    assert search_ids(cache, "quillwort") == []
    vocab = cache.connection().execute("SELECT count(*) FROM articles_vocab WHERE term = 'quillwort'").fetchone()[0]
    assert vocab == 0  # the delete was given the indexed text, not the bytes


# The FTS triggers of schema 1, word for word.
OLD_TRIGGERS = """
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
"""


def test_a_cache_from_schema_1_is_upgraded_and_its_text_rows_still_work(tmp_path):
    path = tmp_path / "cache.sqlite3"
    Cache(path).close()
    # Turn it back into schema 1 and write a row the way schema 1 did (plain text).
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        "DROP TRIGGER articles_au; DROP TRIGGER articles_ad; DROP INDEX articles_read_time;"
        # Schema 5 keeps a hash of the normalised title where the title was.
        "DROP INDEX articles_title; ALTER TABLE articles DROP COLUMN title_hash;"
        "ALTER TABLE articles ADD COLUMN norm_title TEXT NOT NULL DEFAULT '';"
        + OLD_TRIGGERS
        + "PRAGMA user_version = 1;"
    )
    conn.execute("INSERT INTO sources(id, key, name) VALUES (1, 'name:old', 'Old Times')")
    conn.execute(
        "INSERT INTO articles(id, source_id, key, title, norm_title, body, added_at, updated_at)"
        " VALUES (1, 1, 'k1', 'Old pier', 'old pier', ?, 0, 0)",
        (LONG_BODY,),
    )
    conn.close()

    cache = Cache(path)
    conn = cache.connection()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    triggers = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_a_'")
    }
    assert triggers == {"articles_au", "articles_ad"}  # inserts index their own text
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_read_time'").fetchone()
    assert cache.article(1).body == LONG_BODY
    assert search_ids(cache, "quillwort") == [1]
    cache.import_document(feed(article(2)), feed_url="https://gazette.example/rss")
    assert len(search_ids(cache, "quillwort")) == 2
    with cache.write() as conn:
        conn.execute("DELETE FROM articles WHERE id = 1")
    assert len(search_ids(cache, "quillwort")) == 1


def test_a_summary_cut_from_the_body_is_not_stored_twice(tmp_path):
    from newsreader.parser.htmltext import clean_short
    from newsreader.store.articlerows import is_cut_of

    derived = clean_short(LONG_BODY.replace(". ", ".\n\n"), 120)  # what the parser makes of content
    assert derived.endswith("…") and is_cut_of(derived, LONG_BODY.replace(". ", ".\n\n"))
    assert not is_cut_of("Councillors asked about the quillwort beds.", LONG_BODY)
    cache = Cache(tmp_path / "cache.sqlite3")
    cache.import_document(
        feed(article(1, summary=derived), article(2, summary="Councillors asked about the beds.")),
        feed_url="https://gazette.example/rss",
    )
    rows = cache.connection().execute("SELECT id, summary FROM articles ORDER BY id").fetchall()
    assert [r["summary"] for r in rows] == [None, "Councillors asked about the beds."]
    assert cache.article(rows[0]["id"]).summary is None and cache.article(rows[0]["id"]).body == LONG_BODY


def test_a_blob_that_inflates_without_end_is_cut_at_the_budget():
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = bytes([textpack.DEFLATE]) + squeezer.compress(b"a" * (textpack.MAX_TEXT_BYTES + 4096)) + squeezer.flush()
    assert len(bomb) < 64 * 1024
    assert len(textpack.unpack(bomb)) == textpack.MAX_TEXT_BYTES
    assert textpack.unpack_prefix(bomb, 600) == "a" * 600


def test_a_zstd_blob_that_unpacks_without_end_is_cut_at_the_budget():
    endless = b"a" * (textpack.MAX_TEXT_BYTES + 4096)
    for bomb in (zstd_frame(endless, content_size=False), zstd_frame(endless, content_size=True)):
        assert len(bomb) < 64 * 1024
        assert len(textpack.unpack(bomb)) == textpack.MAX_TEXT_BYTES
        assert textpack.unpack_prefix(bomb, 600) == "a" * 600
