"""The cache: round-trips, deduplication, related links, read state, search."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from newsreader.core.models import Article, Caption, ParsedDocument
from newsreader.store.cache import Cache
from newsreader.store.schema import SCHEMA_VERSION, SchemaError

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)


def page(main_title="Harbour pilots agree new contract", source="Harbour Gazette", related=True) -> ParsedDocument:
    articles = [
        Article(
            title=main_title,
            source=source,
            body="Harbour pilots in Port Calder agreed a four-year contract on Tuesday.\nThe deal ends a month of talks.",
            published=datetime(2026, 11, 25, 20, tzinfo=UTC),
            precision="day",
            published_text="a day ago",
            captions=[Caption("Pilot boats at the quay", "Harbour Gazette")],
            related=[1, 2] if related else [],
        ),
        Article(
            title="Ferry timetable changes for winter",
            source="Harbour Gazette",
            summary="The winter ferry timetable starts on Monday with fewer late sailings.",
            published=datetime(2026, 11, 26, 19, 26, tzinfo=UTC),
            precision="minute",
            published_text="34 minutes ago",
        ),
        Article(
            title="Lighthouse restoration wins heritage grant",
            source="Northern Ledger",
            summary="The old lighthouse at Skerry Point will be restored with a heritage grant.",
            published=date(2026, 11, 20),
            precision="day",
            published_text="20-11-2026",
        ),
    ]
    return ParsedDocument(format="page-dump", main=0, articles=articles)


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "cache" / "cache.sqlite3", tmp_path / "data" / "state.sqlite3")
    yield c
    c.close()


def test_import_round_trip(cache):
    stats = cache.import_document(page(), now=1000)
    assert (stats.new, stats.updated, stats.unchanged) == (3, 0, 0)
    main = cache.article(stats.article_ids[0])
    assert main.title == "Harbour pilots agree new contract"
    assert main.source == "Harbour Gazette"
    assert main.published == "2026-11-25T20:00:00+00:00"
    assert main.precision == "day"
    assert main.published_text == "a day ago"
    assert main.captions == [("Pilot boats at the quay", "Harbour Gazette")]
    assert not main.summary_only
    related = cache.article(stats.article_ids[2])
    assert related.published == "2026-11-20" and related.summary_only
    assert related.body == "The old lighthouse at Skerry Point will be restored with a heritage grant."
    names = [(s.name, s.total, s.unread) for s in cache.sources()]
    assert names == [("Harbour Gazette", 2, 2), ("Northern Ledger", 1, 1)]


def test_import_twice_changes_nothing(cache):
    first = cache.import_document(page())
    second = cache.import_document(page())
    assert (second.new, second.updated, second.unchanged) == (0, 0, 3)
    assert second.article_ids == first.article_ids
    assert cache.totals() == (3, 3)
    assert len(cache.page_related(first.article_ids[0])) == 2


def test_same_article_from_two_documents_is_one(cache):
    cache.import_document(page())
    # The related story's own page arrives, with a full body and the title
    # spelled with other case and quotes.
    full = ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(
                title="Ferry Timetable Changes For Winter",
                source="harbour  gazette",
                body="The winter ferry timetable starts on Monday.\nLate sailings drop from four to two.",
                published=datetime(2026, 11, 26, 19, 26, tzinfo=UTC),
                precision="minute",
                published_text="34 minutes ago",
            )
        ],
    )
    stats = cache.import_document(full)
    assert (stats.new, stats.updated) == (0, 1)
    row = cache.article(stats.article_ids[0])
    assert not row.summary_only
    assert row.body.startswith("The winter ferry timetable starts on Monday.")
    assert cache.totals()[0] == 3


def test_same_url_is_one_article(cache):
    a = ParsedDocument(
        format="rss",
        feed_title="Tideline Wire",
        feed_url="https://tideline.example/feed",
        articles=[Article(title="Rates held", url="https://tideline.example/a/1?utm_source=x", body="Body.")],
    )
    b = ParsedDocument(
        format="rss",
        feed_title="Tideline Wire",
        feed_url="https://tideline.example/feed",
        articles=[Article(title="Rates held at 4%", url="https://tideline.example/a/1", body="Body, longer now.")],
    )
    cache.import_document(a)
    stats = cache.import_document(b)
    assert (stats.new, stats.updated) == (0, 1)
    assert cache.totals()[0] == 1


def test_two_urls_with_one_title_are_two_articles(cache):
    doc = ParsedDocument(
        format="rss",
        feed_title="Meridian Post",
        feed_url="https://meridian.example/rss",
        articles=[
            Article(title="Morning briefing", url="https://meridian.example/briefing/1", body="Monday."),
            Article(title="Morning briefing", url="https://meridian.example/briefing/2", body="Tuesday."),
        ],
    )
    assert cache.import_document(doc).new == 2


def test_layout_without_source_joins_known_article(cache):
    ids = cache.import_document(page()).article_ids
    unnamed = ParsedDocument(
        format="page-dump",
        main=0,
        articles=[Article(title="Harbour pilots agree new contract", source=None, body="Shorter copy.")],
    )
    stats = cache.import_document(unnamed)
    assert stats.article_ids == [ids[0]]
    assert stats.new == 0


def test_page_related_links_both_ways(cache):
    ids = cache.import_document(page()).article_ids
    forward = cache.page_related(ids[0])
    assert [r.id for r in forward] == [ids[1], ids[2]]
    assert all(r.reason == "page" for r in forward)
    back = cache.page_related(ids[1])
    assert [r.id for r in back] == [ids[0]]


def test_headlines_newest_first_and_filters(cache):
    ids = cache.import_document(page()).article_ids
    assert [h.id for h in cache.headlines()] == [ids[1], ids[0], ids[2]]
    source_id = cache.article(ids[2]).source_id
    assert [h.id for h in cache.headlines(source_id)] == [ids[2]]
    cache.set_read([ids[1]])
    assert [h.id for h in cache.headlines(unread_only=True)] == [ids[0], ids[2]]
    key = cache.article(ids[2]).key
    assert [h.id for h in cache.headlines(keys=[key])] == [ids[2]]
    assert cache.headlines(keys=[]) == []


def test_read_state_and_undo(cache):
    ids = cache.import_document(page()).article_ids
    previous = cache.set_read(ids, True)
    assert sorted(previous) == sorted((i, False) for i in ids)
    assert cache.totals() == (3, 0)
    assert cache.set_read(ids, True) == []  # nothing changed, nothing to undo
    cache.restore_read(previous)
    assert cache.totals() == (3, 3)


def test_read_state_survives_cache_rebuild(tmp_path):
    state = tmp_path / "data" / "state.sqlite3"
    first = Cache(tmp_path / "one.sqlite3", state)
    ids = first.import_document(page()).article_ids
    first.set_read([ids[0], ids[2]])
    first.close()
    rebuilt = Cache(tmp_path / "two.sqlite3", state)  # a wiped cache, same user data
    new_ids = rebuilt.import_document(page()).article_ids
    assert [rebuilt.article(i).is_read for i in new_ids] == [True, False, True]
    rebuilt.close()


def test_search_ranks_title_matches_and_ignores_syntax(cache):
    ids = cache.import_document(page()).article_ids
    assert [r.id for r in cache.search("lighthouse")][:1] == [ids[2]]
    assert [r.id for r in cache.search("Calder")] == [ids[0]]  # a word of the body
    assert [r.id for r in cache.search('pilot* "(:')] == [ids[0]]  # FTS syntax in user text is just words
    assert cache.search("NEAR( OR") == []
    assert cache.search("") == []


def test_refuses_foreign_and_newer_databases(tmp_path):
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE stuff(x)")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="another application"):
        Cache(foreign, tmp_path / "s.sqlite3")
    newer = tmp_path / "newer.sqlite3"
    Cache(newer, tmp_path / "s2.sqlite3").close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="newer"):
        Cache(newer, tmp_path / "s2.sqlite3")


def test_wal_and_schema_version(cache):
    conn = cache.connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_core_never_imports_textual():
    code = (
        "import sys\n"
        "import newsreader.parser, newsreader.store.cache, newsreader.store.bookmarks\n"
        "import newsreader.core.models, newsreader.exchange.files, newsreader.store.related, newsreader.config.settings\n"
        "from newsreader.parser import parse\n"
        "parse(b'logo\\nA title\\n\\nA title\\n\\nHarbour Gazette2 hours ago\\nA body line that is long enough to read.\\n')\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if m.startswith('textual'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
