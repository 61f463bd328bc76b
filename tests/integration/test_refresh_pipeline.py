"""How a big refresh moves feeds through fetch, parse and store (127.0.0.1 only).

A slow writer must hold up the fetching instead of letting every body pile
up in memory, and finished feeds are stored many per transaction.
"""

from __future__ import annotations

import threading
import time

import pytest

from newsreader.config.settings import FeedConfig, FetchConfig
from newsreader.feeds.refresh import Refresher
from newsreader.store.cache import Cache
from tests.support.feedserver import FeedServer

FEEDS = 40


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "c.sqlite3", tmp_path / "s.sqlite3")
    yield c
    c.close()


def test_a_slow_writer_holds_up_fetching_and_stores_in_batches(cache, monkeypatch):
    held = {"now": 0, "peak": 0}
    batches: list[int] = []
    lock = threading.Lock()
    fetched_store = Refresher._store
    fetched_batch = Refresher._store_batch

    def store(self, feed, state, result, doc, title):
        time.sleep(0.01)  # a writer slower than the network
        with lock:
            held["now"] -= 1
        return fetched_store(self, feed, state, result, doc, title)

    def store_batch(self, items):
        results = fetched_batch(self, items)
        batches.append(len(results))
        return results

    from newsreader.feeds import refresh

    parse = refresh.parse_feed_body

    def counting_parse(body, url):
        with lock:
            held["now"] += 1
            held["peak"] = max(held["peak"], held["now"])
        return parse(body, url)

    monkeypatch.setattr(Refresher, "_store", store)
    monkeypatch.setattr(Refresher, "_store_batch", store_batch)
    monkeypatch.setattr(refresh, "parse_feed_body", counting_parse)
    with FeedServer(feeds=FEEDS) as server:
        feeds = [FeedConfig(server.url(n)) for n in range(FEEDS)]
        report = Refresher(cache, FetchConfig(timeout=5, concurrency=4, per_host=4)).run_sync(feeds)
    assert report.failed == 0 and report.new_articles == 3 * FEEDS
    # 4 fetching + 2 for the parser thread: never all forty at once.
    assert held["peak"] <= 4 + 2, held
    assert sum(batches) == FEEDS and len(batches) < FEEDS  # several feeds per transaction


def test_a_feed_that_fails_to_store_leaves_the_others_of_its_batch(cache, monkeypatch):
    from newsreader.store import DeferredStories

    original_store = Refresher._store
    original_add = DeferredStories.add
    current = {"url": None, "bad": None}

    def store(self, feed, state, result, doc, title):
        current["url"] = feed.url
        return original_store(self, feed, state, result, doc, title)

    def add(self, ids, **kwargs):
        if current["url"] == current["bad"]:  # after this feed's articles went in
            raise RuntimeError("clustering broke")
        return original_add(self, ids, **kwargs)

    monkeypatch.setattr(Refresher, "_store", store)
    monkeypatch.setattr(DeferredStories, "add", add)
    with FeedServer(feeds=3) as server:
        current["bad"] = server.url(1)
        refresher, work = _batch_of_three(cache, server)
        results = refresher._store_batch(work)
    assert [type(r).__name__ for r in results] == ["FeedOutcome", "RuntimeError", "FeedOutcome"]
    # The failed feed's articles and name went with its savepoint; the others were committed.
    assert sorted(s.name for s in cache.sources()) == ["Harbour Office 0", "Harbour Office 2", server.url(1)]
    assert cache.totals()[0] == 6
    assert not cache.connection().in_transaction


def _batch_of_three(cache: Cache, server: FeedServer) -> tuple[Refresher, list[tuple]]:
    from newsreader.feeds.fetch import FetchResult
    from newsreader.feeds.refresh import parse_feed_body

    refresher = Refresher(cache, FetchConfig(timeout=5))
    feeds = [FeedConfig(server.url(n)) for n in range(3)]
    states = refresher._prepare(feeds)
    work = []
    for n, feed in enumerate(feeds):
        result = FetchResult(url=feed.url, final_url=feed.url, status=200, etag=f'"e{n}"')
        work.append(
            (feed, states[feed.url], result, parse_feed_body(server.bodies[f"/feed/{n}.xml"], feed.url), feed.url)
        )
    return refresher, work


def test_a_batch_places_its_feeds_stories_at_once_or_stores_none_of_them(cache, monkeypatch):
    """The writer assigns the stories of a transaction's feeds in one call
    after their savepoints (store.DeferredStories); should that fail, the
    transaction is rolled back and every feed of it gets the error."""
    import newsreader.store.story_rows as story_rows

    calls: list[int] = []
    original = story_rows.assign_stories
    broken = {"now": False}

    def assign(conn, ids, **kwargs):
        calls.append(len(list(ids)))
        if broken["now"]:
            raise RuntimeError("clustering broke")
        return original(conn, ids, **kwargs)

    monkeypatch.setattr(story_rows, "assign_stories", assign)
    with FeedServer(feeds=3) as server:
        broken["now"] = True
        refresher, work = _batch_of_three(cache, server)
        results = refresher._store_batch(work)
        assert [str(r) for r in results] == ["clustering broke"] * 3
        assert cache.totals()[0] == 0 and not cache.connection().in_transaction
        broken["now"] = False
        results = refresher._store_batch(work)
    assert [type(r).__name__ for r in results] == ["FeedOutcome"] * 3
    assert calls == [9, 9] and cache.totals()[0] == 9
    assert cache.connection().execute("SELECT count(*) FROM story_signatures").fetchone()[0] == 9


def test_parse_workers_by_the_size_of_the_refresh_and_the_cores():
    from newsreader.feeds.refresh_workers import PROCESS_REFRESH_FEEDS, parse_processes_for

    assert parse_processes_for(PROCESS_REFRESH_FEEDS - 1, 8) == 0  # small: parsed on a thread
    assert parse_processes_for(1000, 1) == 0  # one core: a worker would only compete
    assert parse_processes_for(1000, None) == 0
    assert parse_processes_for(PROCESS_REFRESH_FEEDS, 2) == 1  # the other core is this process's
    assert parse_processes_for(1000, 16) == 2  # the one writer keeps up with two


def _pids_in(path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def test_a_big_refresh_fetches_and_parses_in_a_worker_process(cache, monkeypatch, tmp_path):
    """Feeds with nothing to answer 304 to (a first refresh) bring bodies: the
    worker is forked at once and does everything. Otherwise it is forked at
    the first answer with a body and takes the requests not yet sent; those
    under way finish here and the worker parses their bodies too. A refresh
    answered only by 304s forks none."""
    import gc
    import os

    from newsreader.feeds import fetch, refresh, refresh_workers
    from tests.support.feedserver import feed_xml

    parsed_in, fetched_in = tmp_path / "parsed", tmp_path / "fetched"
    parse, fetch_one, fork = refresh.parse_feed_body, fetch.Fetcher.fetch, refresh_workers.FetchWorker._fork
    forks: list[int] = []

    def recorded_parse(body, url):
        with parsed_in.open("a") as f:  # the worker is another process: it tells through a file
            f.write(f"{os.getpid()}\n")
        return parse(body, url)

    async def recorded_fetch(self, url, **validators):
        with fetched_in.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return await fetch_one(self, url, **validators)

    def counted_fork(self, requests, first):
        forks.append(len(requests))
        return fork(self, requests, first)

    def pids(path) -> list[int]:
        found = _pids_in(path)
        path.unlink(missing_ok=True)
        return found

    monkeypatch.setattr(refresh, "parse_feed_body", recorded_parse)
    monkeypatch.setattr(fetch.Fetcher, "fetch", recorded_fetch)
    monkeypatch.setattr(refresh_workers.FetchWorker, "_fork", counted_fork)
    here = os.getpid()
    settings = FetchConfig(timeout=5, concurrency=2)
    with FeedServer(feeds=6) as server:
        feeds = [FeedConfig(server.url(n)) for n in range(6)]
        report = Refresher(cache, settings, parse_processes=1).run_sync(feeds)
        assert forks == [6]  # at once, with every request
        first_parsed, first_fetched = pids(parsed_in), pids(fetched_in)
        assert len(first_parsed) == 6 and here not in first_parsed and set(first_fetched) == set(first_parsed)

        again = Refresher(cache, settings, parse_processes=1).run_sync(feeds)
        assert forks == [6]  # none for 304s: all fetched here
        assert pids(fetched_in) == [here] * 6 and not pids(parsed_in)

        for n in (0, 1):
            server.bodies[f"/feed/{n}.xml"] = feed_xml(n, version=2)
        changed = Refresher(cache, settings, parse_processes=1).run_sync(feeds)
        assert forks == [6, 4]  # at the first body: the 4 requests not yet sent
        parsed, fetched = pids(parsed_in), pids(fetched_in)
        assert len(parsed) == 2 and here not in parsed  # the body under way was handed over too
        assert sorted(fetched).count(here) == 2 and set(fetched) - {here} == set(parsed)
        assert server.counts == {"200": 8, "304": 10}
    assert (report.count("updated"), report.failed, report.new_articles) == (6, 0, 18)
    assert (again.count("unchanged"), again.failed, again.new_articles) == (6, 0, 0)
    assert (changed.count("updated"), changed.count("unchanged"), changed.failed) == (2, 4, 0)
    assert gc.get_freeze_count() == 0  # frozen only while the workers lived


def test_the_fetch_worker_waits_for_the_writer(cache, monkeypatch, tmp_path):
    """A slow writer holds the worker up: it never has more than its window
    of parsed feeds waiting to be stored (concurrency + 2)."""
    import os

    from newsreader.feeds import refresh

    parsed = tmp_path / "parsed"
    parse = refresh.parse_feed_body
    stored_store = Refresher._store
    ahead: list[int] = []

    def counted_parse(body, url):
        with parsed.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return parse(body, url)

    def slow_store(self, feed, state, result, doc, title):
        ahead.append(len(_pids_in(parsed)) - len(ahead))  # parsed and not yet stored, this one included
        time.sleep(0.02)
        return stored_store(self, feed, state, result, doc, title)

    monkeypatch.setattr(refresh, "parse_feed_body", counted_parse)
    monkeypatch.setattr(Refresher, "_store", slow_store)
    with FeedServer(feeds=FEEDS) as server:
        feeds = [FeedConfig(server.url(n)) for n in range(FEEDS)]
        report = Refresher(cache, FetchConfig(timeout=5, concurrency=2), parse_processes=1).run_sync(feeds)
    assert report.failed == 0 and report.new_articles == 3 * FEEDS
    assert len(ahead) == FEEDS and max(ahead) <= 2 + 2, ahead


def test_a_fetch_worker_that_dies_fails_the_refresh_and_ends(cache, monkeypatch):
    import os

    from newsreader.feeds import refresh

    def dying_parse(body, url):
        os._exit(3)

    monkeypatch.setattr(refresh, "parse_feed_body", dying_parse)
    with FeedServer(feeds=3) as server:
        feeds = [FeedConfig(server.url(n)) for n in range(3)]
        with pytest.raises(RuntimeError, match="fetch worker ended early \\(exit code 3\\)"):
            Refresher(cache, FetchConfig(timeout=5), parse_processes=1).run_sync(feeds)
    assert cache.totals()[0] == 0
    assert not cache.connection().in_transaction


def test_feeds_arriving_one_by_one_share_transactions_after_the_first(cache, monkeypatch):
    from newsreader.feeds import refresh

    batches: list[int] = []
    real_batch = Refresher._store_batch
    parse = refresh.parse_feed_body

    def store_batch(self, items):
        results = real_batch(self, items)
        batches.append(len(results))
        return results

    def slow_parse(body, url):
        time.sleep(0.02)  # the writer waits for every feed: none is ever queued behind another
        return parse(body, url)

    monkeypatch.setattr(Refresher, "_store_batch", store_batch)
    monkeypatch.setattr(refresh, "parse_feed_body", slow_parse)
    with FeedServer(feeds=12) as server:
        feeds = [FeedConfig(server.url(n)) for n in range(12)]
        report = Refresher(cache, FetchConfig(timeout=5)).run_sync(feeds)
    assert report.failed == 0 and report.new_articles == 3 * 12
    assert batches[0] == 1  # the first feed is committed at once, alone
    assert sum(batches) == 12 and max(batches) > 1  # later ones wait in an open transaction for more


def test_a_parse_worker_lets_go_of_the_output_and_ends_with_a_killed_refresh():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import os\n"
        "from newsreader.feeds.refresh_workers import parse_executor\n"
        "pool = parse_executor(1)\n"
        "print(pool.submit(os.getpid).result(), flush=True)\n"
        "os._exit(0)  # as if killed: no shutdown of the pool\n"
    )
    # The output pipe reaches its end although the worker outlives the refresh for a moment.
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    worker = int(done.stdout.strip())
    assert worker != os.getpid()

    def running() -> bool:
        try:
            state = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            return False
        return state != "Z"  # a zombie has ended; its reaper may be slow

    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running()
