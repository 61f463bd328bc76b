"""Issue 13 in the store: rules, hidden and flagged articles, author/title/caption
search, the schema 3 upgrade, change detection, leases and read by story."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.config.actions import read_rules
from newsreader.core.models import Article, Caption, ParsedDocument
from newsreader.search.language import parse_query
from newsreader.store import (
    LeaseOwner,
    apply_rules,
    change_marks,
    changed_since_last_check,
    list_articles,
    mark_read_by_story,
    matching_ids,
    release_leases,
    search_articles,
    take_leases,
    unread_by_story,
)
from newsreader.store.cache import Cache
from newsreader.store.schema import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[2]


def art(n: int, title: str, body: str = "", **extra) -> Article:
    return Article(
        title=title,
        body=body or f"Body of article {n} about the harbour.",
        url=f"https://news.example/{n}",
        published=datetime(2026, 11, 20 + n % 5, 10, n % 60, tzinfo=UTC),
        precision="exact",
        **extra,
    )


def feed_doc(*articles: Article) -> ParsedDocument:
    return ParsedDocument("rss", list(articles), feed_title="Harbour Gazette")


def rules(*tables: dict) -> list:
    warnings: list[str] = []
    out = read_rules(list(tables), lambda where, message: warnings.append(f"{where}: {message}"))
    assert not warnings, warnings
    return out


def ids(rows) -> list[int]:
    return [r.id for r in rows]


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "cache.sqlite3")
    yield c
    c.close()


def test_author_title_and_caption_words_are_found(cache):
    cache.import_document(
        feed_doc(
            art(1, "Pilots agree contract", author="Ana Ruiz", captions=[Caption("A cormorant on the quay", "Jo Lee")]),
            art(2, "Ferry timetable", body="Ana wrote nothing here about contract talks."),
        ),
        feed_url="https://news.example/rss",
    )
    q = lambda text: ids(search_articles(cache, parse_query(text)))  # noqa: E731
    assert q("cormorant") == [1]
    assert q("jo lee") == [1]  # the credit too
    assert q('author:"Ana Ruiz"') == [1]
    assert q("author:ruiz contract") == [1]
    assert q("title:contract") == [1]
    assert sorted(q("contract")) == [1, 2]
    assert q("-author:ruiz contract") == [2]
    assert q("cormo*") == [1]  # the prefix index covers the new columns


def test_rules_hide_tag_flag_on_arrival_and_is_hidden(cache):
    cache.rules = rules(
        {"match": "title:horoscope", "actions": ["hide"]},
        {"match": "strike", "actions": ["flag", "notify"], "tag": "strike"},
        {"match": "horoscope", "tag": "stars"},
    )
    stats = cache.import_document(
        feed_doc(
            art(1, "Your horoscope for Tuesday"),
            art(2, "Port strike ends", body="The strike at the port ended."),
            art(3, "Lighthouse grant"),
        ),
        feed_url="https://news.example/rss",
    )
    assert stats.new == 3
    assert stats.notify_ids == [2]
    assert [o.matched for o in stats.rules] == [1, 1, 1]
    visible = ids(cache.headlines())
    assert sorted(visible) == [2, 3]
    assert cache.totals() == (2, 2)
    assert [s.total for s in cache.sources()] == [2]
    assert sorted(cache.unread_ids()) == [2, 3]
    assert ids(search_articles(cache, parse_query("horoscope"))) == []
    assert ids(search_articles(cache, parse_query("is:hidden"))) == [1]
    assert ids(search_articles(cache, parse_query("horoscope is:hidden"))) == [1]
    assert ids(search_articles(cache, parse_query("is:flagged"))) == [2]
    assert ids(search_articles(cache, parse_query("tag:strike"))) == [2]
    assert ids(search_articles(cache, parse_query("tag:stars is:hidden"))) == [1]
    assert cache.article(1).hidden and cache.article(2).flagged and cache.article(2).tags == ["strike"]
    assert ids(list_articles(cache, parse_query("-tag:nothing"))) == [3, 2]  # newest first, hidden left out
    assert ids(list_articles(cache, parse_query("is:hidden"))) == [1]
    # The same document again: nothing new, no rule runs again.
    again = cache.import_document(feed_doc(art(1, "Your horoscope for Tuesday")), feed_url="https://news.example/rss")
    assert again.new == 0 and again.rules == []


def test_rules_apply_to_the_whole_cache_dry_run_first(cache):
    cache.import_document(
        feed_doc(art(1, "Strike one"), art(2, "Strike two"), art(3, "Calm")), feed_url="https://news.example/rss"
    )
    wanted = rules({"match": "strike", "actions": ["read", "hide"]})
    dry = apply_rules(cache, wanted, dry_run=True)
    assert [(o.matched, o.changed) for o in dry] == [(2, 0)]
    assert sorted(cache.unread_ids()) == [1, 2, 3]
    done = apply_rules(cache, wanted)
    assert [(o.matched, o.changed) for o in done] == [(2, 2)]
    assert cache.unread_ids() == [3]
    assert ids(cache.headlines()) == [3]
    assert [(o.matched, o.changed) for o in apply_rules(cache, wanted)] == [(2, 0)]


def test_a_bad_rule_is_one_line_with_its_place_and_the_others_still_read():
    warnings: list[str] = []
    got = read_rules(
        [
            {"match": "strike", "actions": ["flag"]},
            {"match": "is:sideways", "actions": ["hide"]},
            {"match": "x", "actions": ["explode"]},
            {"match": "y", "actions": ["tag"]},
            {"match": "z", "action": "read"},
        ],
        lambda where, message: warnings.append(f"{where}: {message}"),
    )
    assert [r.number for r in got] == [1, 5]
    assert warnings[0].startswith("rule 2: match: is: unknown state")
    assert warnings[1].startswith("rule 3: unknown action 'explode'")
    assert warnings[2].startswith("rule 4: the tag action needs")
    assert all("\n" not in w for w in warnings)


def test_matching_ids_within_new_articles_only(cache):
    cache.import_document(feed_doc(art(1, "Strike"), art(2, "Strike again")), feed_url="https://news.example/rss")
    assert matching_ids(cache, parse_query("strike"), within=[2]) == [2]
    assert matching_ids(cache, parse_query("strike"), within=[]) == []
    assert matching_ids(cache, parse_query("-strike")) == []


# -- schema 3 upgrade -------------------------------------------------------


def _as_schema_2(path: Path) -> None:
    """Turn a fresh cache back into schema 2: no hidden/flagged, no leases,
    a title+body search index."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        """
        DROP TRIGGER articles_au; DROP TRIGGER articles_ad;
        DROP TABLE articles_vocab; DROP TABLE articles_fts; DROP VIEW articles_fts_content;
        DROP INDEX articles_flagged; DROP INDEX articles_hidden; DROP TABLE feed_leases;
        ALTER TABLE articles DROP COLUMN hidden; ALTER TABLE articles DROP COLUMN flagged;
        DROP INDEX articles_title; ALTER TABLE articles DROP COLUMN title_hash;
        ALTER TABLE articles ADD COLUMN norm_title TEXT NOT NULL DEFAULT '';
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='3');
        CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');
        INSERT INTO sources(id, key, name) VALUES (1, 'name:old', 'Old Times');
        INSERT INTO articles(id, source_id, key, title, norm_title, body, author, extras, added_at, updated_at)
            VALUES (1, 1, 'k1', 'Old pier', 'old pier', 'Pier text.', 'Mo Fenwick',
                    '{"captions":[["A heron at dawn",null]],"tags":[],"enclosures":[]}', 0, 0);
        INSERT INTO articles_fts(rowid, title, body) VALUES (1, 'Old pier', 'Pier text.');
        PRAGMA user_version = 2;
        """
    )
    conn.close()


def test_a_schema_2_cache_upgrades_in_place(tmp_path):
    path = tmp_path / "cache.sqlite3"
    Cache(path).close()
    _as_schema_2(path)
    cache = Cache(path)
    try:
        conn = cache.connection()
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        assert cache.article(1).title == "Old pier" and not cache.article(1).hidden
        assert ids(search_articles(cache, parse_query("heron"))) == [1]
        assert ids(search_articles(cache, parse_query("author:fenwick"))) == [1]
        assert ids(search_articles(cache, parse_query("pier"))) == [1]
        assert ids(search_articles(cache, parse_query("her*"))) == [1]  # the titles index has its captions
        with cache.write() as w:
            w.execute("DELETE FROM articles WHERE id = 1")
        assert conn.execute("SELECT count(*) FROM articles_vocab WHERE term = 'heron'").fetchone()[0] == 0
    finally:
        cache.close()


# -- change detection --------------------------------------------------------


def test_changes_by_another_connection_are_noticed(tmp_path):
    path = tmp_path / "cache.sqlite3"
    reader, writer = Cache(path), Cache(path)
    try:
        assert changed_since_last_check(reader) is False  # the first call takes the mark
        assert reader.changed_since_last_check() is False
        before = change_marks(reader)
        writer.import_document(feed_doc(art(1, "News")), feed_url="https://news.example/rss")
        assert reader.changed_since_last_check() is True
        assert reader.changed_since_last_check() is False
        after = change_marks(reader)
        assert after.max_article_id > before.max_article_id and after.unread == 1
        writer.set_read([1])
        assert reader.changed_since_last_check() is True
        assert change_marks(reader).unread == 0
    finally:
        reader.close()
        writer.close()


def test_the_readers_own_writes_from_other_threads_are_not_changes(tmp_path):
    """Opening an article marks it read on a worker thread: another
    connection of the same Cache. That must not reload the reader's lists,
    while another process's new article still must."""
    import threading

    path = tmp_path / "cache.sqlite3"
    reader, other = Cache(path), Cache(path)
    try:
        reader.import_document(feed_doc(art(1, "News")), feed_url="https://news.example/rss")
        assert reader.changed_since_last_check() is False
        worker = threading.Thread(target=reader.set_read, args=([1],))
        worker.start()
        worker.join()
        assert reader.changed_since_last_check() is False
        other.import_document(feed_doc(art(2, "More news")), feed_url="https://news.example/rss")
        worker = threading.Thread(target=reader.set_read, args=([1], False))
        worker.start()
        worker.join()
        assert reader.changed_since_last_check() is True
    finally:
        reader.close()
        other.close()


def test_a_subprocess_write_is_noticed(tmp_path):
    path = tmp_path / "cache.sqlite3"
    cache = Cache(path)
    try:
        cache.changed_since_last_check()
        script = textwrap.dedent(
            f"""
            from newsreader.core.models import Article, ParsedDocument
            from newsreader.store.cache import Cache
            c = Cache({str(path)!r})
            c.import_document(ParsedDocument("rss", [Article(title="From cron", url="https://x.example/1")]),
                              feed_url="https://x.example/rss")
            c.close()
            """
        )
        subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO, timeout=60)
        assert cache.changed_since_last_check() is True
        assert [h.title for h in cache.headlines()] == ["From cron"]
    finally:
        cache.close()


# -- leases ------------------------------------------------------------------


def test_a_lease_is_held_until_released_or_its_owner_dies(cache):
    url = "https://news.example/rss"
    first, second = LeaseOwner.current(), LeaseOwner.current()
    assert take_leases(cache, [url], first, now=1000, seconds=60) == ([url], [])
    assert take_leases(cache, [url], second, now=1010, seconds=60) == ([], [url])
    assert take_leases(cache, [url], second, now=1061, seconds=60) == ([url], [])  # expired
    release_leases(cache, [url], first)  # not first's any more: left alone
    assert take_leases(cache, [url], first, now=1070, seconds=60) == ([], [url])
    release_leases(cache, [url], second)
    assert take_leases(cache, [url], first, now=1080, seconds=60) == ([url], [])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ghost = LeaseOwner(first.host, dead.pid, "gone")
    release_leases(cache, [url], first)
    assert take_leases(cache, [url], ghost, now=2000, seconds=600) == ([url], [])
    assert take_leases(cache, [url], first, now=2001, seconds=60) == ([url], [])  # its owner is not running
    assert LeaseOwner.parse(str(first)) == first


# -- read by story -----------------------------------------------------------


def test_read_by_story_marks_every_version_and_undoes_as_one(cache):
    cache.import_document(feed_doc(art(1, "A"), art(2, "B"), art(3, "C")), feed_url="https://news.example/rss")
    conn = cache.connection()
    with cache.write():
        conn.execute(
            "INSERT INTO stories(id, title, first_ts, last_ts, created_at, updated_at) VALUES (77, 'A', 0, 0, 0, 0)"
        )
        conn.executemany(
            "INSERT OR REPLACE INTO story_articles(article_id, story_id, score, joined_at) VALUES (?, 77, 1, 0)",
            [(1,), (2,)],
        )
    assert unread_by_story(cache)[77] == 2
    changed = mark_read_by_story(cache, 1)
    assert sorted(changed) == [(1, False), (2, False)]
    assert cache.unread_ids() == [3]
    assert 77 not in unread_by_story(cache, [77])
    cache.restore_read(changed)
    assert sorted(cache.unread_ids()) == [1, 2, 3]
    assert mark_read_by_story(cache, 3) == [(3, False)]  # in no story: itself


def test_images_are_stored_and_listed(cache):
    from newsreader.exchange.article_out import article_links

    cache.import_document(
        feed_doc(art(1, "Quay", images=["https://img.example/q.jpg"])), feed_url="https://n.example/r"
    )
    row = cache.article(1)
    assert row.images == ["https://img.example/q.jpg"]
    assert [(link.kind, link.url) for link in article_links(row)][-1] == ("image", "https://img.example/q.jpg")


def test_hidden_articles_leave_story_members_and_page_links(cache):
    from newsreader.store import story_for_article as story_of

    doc = ParsedDocument(
        "page-dump",
        [
            Article(title="Main story", source="Gazette", body="Text.", related=[1, 2]),
            Article(title="Your horoscope", source="Gazette"),
            Article(title="Ferry news", source="Gazette"),
        ],
    )
    cache.import_document(doc)
    assert [r.title for r in cache.page_related(1)] == ["Your horoscope", "Ferry news"]
    apply_rules(cache, rules({"match": "horoscope", "actions": ["hide"]}))
    assert [r.title for r in cache.page_related(1)] == ["Ferry news"]
    conn = cache.connection()
    with cache.write():
        conn.execute(
            "INSERT INTO stories(id, title, first_ts, last_ts, source_count, created_at, updated_at)"
            " VALUES (5, 'x', 0, 0, 2, 0, 0)"
        )
        conn.executemany(
            "INSERT OR REPLACE INTO story_articles(article_id, story_id, score, joined_at) VALUES (?, 5, 1, 0)",
            [(2,), (3,)],
        )
    story = story_of(cache, 3)
    assert story is not None and [m.title for m in story.members] == ["Ferry news"]


def test_title_prefix_in_quotes(cache):
    cache.import_document(feed_doc(art(1, "Port Calder pilots"), art(2, "Port news")), feed_url="https://n.example/r")
    assert ids(search_articles(cache, parse_query('title:"port cal"*'))) == [1]
