"""Refreshing and subscribing against a local feed server (127.0.0.1 only)."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from newsreader.config.settings import FeedConfig, FetchConfig, load_config
from newsreader.core.models import ParsedDocument, Subscription
from newsreader.core.paths import Paths
from newsreader.feeds.refresh import Refresher
from newsreader.feeds.subscribe import add_url, subscribe_all
from newsreader.store.cache import Cache
from newsreader.store.feed_state import feed_states
from tests.support.feedserver import FeedServer, feed_xml

FAST = {"reuse_connections": False}


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "c.sqlite3", tmp_path / "s.sqlite3")
    yield c
    c.close()


def test_first_fetch_then_304_keeps_articles(cache):
    with FeedServer(feeds=3) as server:
        feeds = [FeedConfig(server.url(n)) for n in range(3)]
        refresher = Refresher(cache, FetchConfig(timeout=5))
        first = refresher.run_sync(feeds)
        assert (first.count("updated"), first.failed, first.new_articles) == (3, 0, 9)
        assert server.counts == {"200": 3, "304": 0}
        second = refresher.run_sync(feeds)
        assert (second.count("unchanged"), second.new_articles) == (3, 0)
        assert server.counts == {"200": 3, "304": 3}
        assert cache.totals()[0] == 9
        states = feed_states(cache)
        assert states[server.url(0)].etag and states[server.url(0)].last_success
        assert [s.name for s in cache.sources()] == ["Harbour Office 0", "Harbour Office 1", "Harbour Office 2"]


def test_changed_feed_brings_new_items_and_failure_keeps_old_ones(cache):
    with FeedServer(feeds=2) as server:
        feeds = [FeedConfig(server.url(n)) for n in range(2)]
        refresher = Refresher(cache, FetchConfig(timeout=5))
        refresher.run_sync(feeds)
        server.bodies["/feed/0.xml"] = feed_xml(0, items=5)
        server.statuses["/feed/1.xml"] = 500
        report = refresher.run_sync(feeds)
        by_url = {o.url: o for o in report.outcomes}
        assert by_url[server.url(0)].new == 2
        assert by_url[server.url(1)].status == "failed"
        assert "500" in by_url[server.url(1)].error
        assert cache.totals()[0] == 8  # feed 1's three articles are still there
        state = feed_states(cache)[server.url(1)]
        assert state.last_error and "500" in state.last_error
        assert state.etag  # a failure never drops the validators of the last success
        rows = {r.name: r for r in cache.sources()}
        assert rows["Harbour Office 1"].last_error


def test_gone_feed_stops_being_polled(cache):
    with FeedServer(feeds=1) as server:
        feeds = [FeedConfig(server.url(0))]
        refresher = Refresher(cache, FetchConfig(timeout=5))
        server.statuses["/feed/0.xml"] = 410
        report = refresher.run_sync(feeds)
        assert report.outcomes[0].status == "failed" and "gone" in report.outcomes[0].error
        again = refresher.run_sync(feeds)
        assert again.outcomes[0].status == "skipped"
        assert feed_states(cache)[server.url(0)].gone


def test_html_page_served_instead_of_feed(cache):
    with FeedServer(feeds=1) as server:
        report = Refresher(cache, FetchConfig(timeout=5)).run_sync([FeedConfig(server.base + "/page.html")])
        assert report.outcomes[0].status == "failed"
        assert report.outcomes[0].error.startswith("not a feed")


def test_add_discovers_feed_and_fetches_it_at_once(tmp_path, cache):
    paths = Paths.under(tmp_path / "home")
    with FeedServer(feeds=1) as server:
        result = add_url(paths, cache, server.base + "/page.html")
        assert result.status == "subscribed", result.message
        assert result.feed_url == server.url(0)
        assert cache.totals()[0] == 3
        config = load_config(paths)
        assert [f.url for f in config.feeds] == [server.url(0)]
        again = add_url(paths, cache, server.url(0))
        assert again.status == "exists"


def test_add_article_page_keeps_it_as_an_article(tmp_path, cache):
    paths = Paths.under(tmp_path / "home")
    with FeedServer(feeds=0) as server:
        result = add_url(paths, cache, server.base + "/article.html")
    assert result.status == "article", result.message
    row = cache.article(result.article_ids[0])
    assert row.title == "Lighthouse keepers return"
    assert row.source == "Lakeside Herald"
    assert "Skerry Point" in row.body
    assert load_config(paths).feeds == []


def test_add_refuses_dangerous_urls_without_network(tmp_path, cache):
    paths = Paths.under(tmp_path / "home")
    for url in ("javascript:alert(1)", "file:///etc/passwd", "-http://x", "|rm -rf ~", "exec:ls"):
        result = add_url(paths, cache, url)
        assert result.status == "failed" and result.message.startswith("refused"), url
    assert not paths.config_file.exists()


def test_opml_subscribe_all_adds_feeds_and_reports_refusals(tmp_path):
    paths = Paths.under(tmp_path / "home")
    doc = ParsedDocument(
        format="opml",
        subscriptions=[
            Subscription("https://a.example/feed", "A", tags=["news"]),
            Subscription("https://b.example/feed", "B"),
            Subscription("javascript:alert(1)", "bad"),
        ],
        warnings=["refused feed \"x\": '|' command pipe"],
    )
    added, problems = subscribe_all(doc, paths)
    assert added == 2
    assert any("javascript" in p for p in problems) and any("command pipe" in p for p in problems)
    data = tomllib.loads(paths.config_file.read_text())
    assert [f["url"] for f in data["feed"]] == ["https://a.example/feed", "https://b.example/feed"]
    assert data["feed"][0]["tags"] == ["news"]


def _cli(home, *args, timeout=60):
    env = {"NEWSREADER_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def test_cli_add_refresh_feeds_remove_and_export(tmp_path):
    home = tmp_path / "home"
    with FeedServer(feeds=2) as server:
        out = _cli(home, "add", server.url(0))
        assert out.returncode == 0, out.stderr
        assert "subscribed to Harbour Office 0" in out.stdout
        assert _cli(home, "add", server.url(1)).returncode == 0
        refresh = _cli(home, "refresh")
        assert refresh.returncode == 0, refresh.stderr
        assert refresh.stdout.startswith("2 feeds: 0 new articles")
        server.statuses["/feed/1.xml"] = 503
        failing = _cli(home, "refresh")
        assert failing.returncode == 1
        assert server.url(1) in failing.stderr
        feeds = _cli(home, "feeds")
        assert "Harbour Office 1" in feeds.stdout and "error:" in feeds.stdout
        exported = _cli(home, "export", "--opml")
        assert server.url(0) in exported.stdout and "<opml" in exported.stdout
        removed = _cli(home, "remove", server.url(1))
        assert removed.returncode == 0 and "3 cached articles dropped" in removed.stdout
        assert server.url(1) not in _cli(home, "export", "--opml").stdout
