"""The retention policy: what a refresh lets go of, and what it never does."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.paths import Paths
from newsreader.store.bookmarks import Bookmark, BookmarkStore
from newsreader.store.cache import Cache
from newsreader.store.retention import apply_retention
from newsreader.store.story_rows import list_stories
from tests.support.feedserver import FeedServer

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "c.sqlite3", tmp_path / "s.sqlite3")
    yield c
    c.close()


def add(
    cache: Cache,
    outlet: str,
    title: str,
    *,
    published_days: float | None,
    added_days: float | None = None,
    read: bool = False,
    slug: str | None = None,
) -> int:
    """One article of ``outlet``'s feed, published and stored that many days before NOW."""
    published = NOW - timedelta(days=published_days) if published_days is not None else None
    added = NOW - timedelta(days=added_days if added_days is not None else (published_days or 0))
    url = f"https://{outlet.lower().replace(' ', '-')}.example/{slug or title.lower().replace(' ', '-')}"
    art = Article(
        title=title,
        source=outlet,
        url=url,
        guid=url,
        body=f"{title}. A report from {outlet}.",
        published=published,
        precision="exact" if published else "unknown",
    )
    feed = f"https://{outlet.lower().replace(' ', '-')}.example/feed"
    stats = cache.import_document(
        ParsedDocument(format="rss", articles=[art], feed_title=outlet), feed_url=feed, now=int(added.timestamp())
    )
    article_id = stats.article_ids[0]
    if read:
        cache.set_read([article_id], True)
    return article_id


def titles(cache: Cache) -> set[str]:
    return {r[0] for r in cache.connection().execute("SELECT title FROM articles")}


def test_old_articles_go_and_young_ones_stay(cache):
    add(cache, "Harbour Gazette", "Ferry fares rise in spring", published_days=100, read=True)
    add(cache, "Harbour Gazette", "Quay repairs finish early", published_days=50, read=True)
    add(cache, "Harbour Gazette", "Old notice nobody opened", published_days=60)  # unread, but past keep_days
    add(cache, "Harbour Gazette", "Lighthouse open on Sunday", published_days=5, read=True)
    add(cache, "Harbour Gazette", "Undated notice from long ago", published_days=None, added_days=40, read=True)
    report = apply_retention(cache, keep_days=30, keep_items=100, now=NOW_TS)
    assert titles(cache) == {"Lighthouse open on Sunday"}
    assert (report.deleted, report.sources) == (4, 1)


def test_age_counts_from_arrival_when_a_feed_brings_an_old_item(cache):
    add(cache, "Valley Post", "Archive piece resurfaces", published_days=200, added_days=2, read=True)
    apply_retention(cache, keep_days=30, keep_items=100, now=NOW_TS)
    assert titles(cache) == {"Archive piece resurfaces"}


def test_quota_drops_read_articles_but_never_young_unread_ones(cache):
    for day in range(1, 7):  # six articles, one a day; the three oldest read, one unread among them
        add(cache, "Busy Wire", f"Busy story number {day}", published_days=day, read=day in (4, 5))
    add(cache, "Quiet Ledger", "Quiet story", published_days=6, read=True)
    report = apply_retention(cache, keep_days=30, keep_items=3, now=NOW_TS)
    # The newest three stay whatever their state; beyond them the read ones go and the unread one stays.
    assert titles(cache) == {
        "Busy story number 1",
        "Busy story number 2",
        "Busy story number 3",
        "Busy story number 6",
        "Quiet story",
    }
    assert (report.deleted, report.sources) == (2, 1)


def test_bookmarked_articles_are_never_dropped(cache):
    by_key = add(cache, "Harbour Gazette", "Bookmarked by key", published_days=300, read=True)
    add(cache, "Harbour Gazette", "Bookmarked by address", published_days=300, read=True, slug="kept-page")
    add(cache, "Harbour Gazette", "Not bookmarked", published_days=300, read=True)
    key = cache.article(by_key).key
    report = apply_retention(
        cache,
        keep_days=30,
        keep_items=1,
        now=NOW_TS,
        protected_keys=[key],
        protected_urls=["HTTPS://harbour-gazette.example/kept-page"],
    )
    assert titles(cache) == {"Bookmarked by key", "Bookmarked by address"}
    assert (report.deleted, report.protected) == (1, 2)


def test_dropped_articles_leave_search_and_their_story(cache):
    title = "Storm closes the coastal railway for three days"
    dropped = add(cache, "Coast Herald", title, published_days=40, read=True, slug="a")
    kept = add(cache, "Valley Post", title, published_days=40, read=True, slug="b")
    [story] = list_stories(cache.connection())
    assert {m.id for m in story.members} == {dropped, kept}
    assert {r.id for r in cache.search("railway")} == {dropped, kept}
    apply_retention(cache, keep_days=30, keep_items=100, now=NOW_TS, protected_keys=[cache.article(kept).key])
    assert [r.id for r in cache.search("railway")] == [kept]
    assert list_stories(cache.connection()) == []  # one outlet left: no longer a story
    assert cache.article(dropped) is None


def test_read_state_survives_so_a_returning_article_stays_read(cache):
    article_id = add(cache, "Harbour Gazette", "Ferry fares rise in spring", published_days=100, read=True)
    apply_retention(cache, keep_days=30, keep_items=100, now=NOW_TS)
    assert cache.article(article_id) is None
    again = add(cache, "Harbour Gazette", "Ferry fares rise in spring", published_days=100, added_days=0)
    assert cache.article(again).is_read


def _cli(home, *args):
    env = {"NEWSREADER_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_refresh_applies_the_policy_and_keeps_bookmarks(tmp_path):
    home = tmp_path / "home"
    paths = Paths.under(home)
    with FeedServer(feeds=1) as server:
        assert _cli(home, "add", server.url(0)).returncode == 0
        paths.config_file.write_text(paths.config_file.read_text() + "\n[retention]\nkeep_days = 30\n")
        cache = Cache(paths.cache_db, paths.state_db)
        old = NOW - timedelta(days=400)
        arts = [
            Article(
                title=f"Old harbour notice {i}",
                url=f"http://news.example/old/{i}",
                body="Old news.",
                published=old,
                precision="exact",
            )
            for i in range(3)
        ]
        ids = cache.import_document(
            ParsedDocument(format="rss", articles=arts), feed_url=server.url(0), now=int(old.timestamp())
        ).article_ids
        cache.set_read(ids, True)
        kept_key = cache.article(ids[0]).key
        cache.close()
        store = BookmarkStore(paths.bookmarks_file).load()
        store.add(Bookmark(title="Old harbour notice 0", url="http://news.example/old/0", article_key=kept_key))
        refresh = _cli(home, "refresh")
        assert refresh.returncode == 0, refresh.stderr
        assert "dropped 2 articles" in refresh.stdout
    cache = Cache(paths.cache_db, paths.state_db)
    try:
        remaining = titles(cache)
    finally:
        cache.close()
    assert "Old harbour notice 0" in remaining  # bookmarked
    assert not {"Old harbour notice 1", "Old harbour notice 2"} & remaining
    assert sum(t.startswith("Harbour notice 0.") for t in remaining) == 3  # what the feed brought
