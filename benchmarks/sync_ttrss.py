"""Sync from tt-rss at scale: a first sync of F feeds x N articles, then one with nothing new.

Needs the test server (``scripts/ttrss-test-server start``; root on Debian).
The user ``bob`` is used, so the integration tests (``alice``) are not
disturbed. Setting up writes F feed files, subscribes bob to each and has the
server fetch them; then a fresh device with ``fetch = "server"`` syncs
(subscriptions, every article with its content, read and starred state)
and syncs again.

Usage::

    python benchmarks/sync_ttrss.py [--feeds 200] [--items 50] [--reuse]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsreader.core.paths import Paths
from newsreader.store import Cache
from newsreader.sync import sync_once
from newsreader.sync.ttrss_client import TtrssClient
from tests.support import ttrss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the feeds bob has from the last run")
    args = parser.parse_args()
    if not ttrss.api_answers():
        sys.exit("the tt-rss test server is not running (scripts/ttrss-test-server start)")
    client = TtrssClient(ttrss.URL, "bob", "bob-pass", timeout=120)
    existing = client.call("getFeeds", cat_id=-3) or []
    if args.reuse and existing:
        print(f"server as left by the last run: {len(existing)} feeds")
    else:
        for feed in existing:
            client.call("unsubscribeFeed", feed_id=feed["id"])
        run = "b" + secrets.token_hex(4)
        started = time.perf_counter()
        for n in range(args.feeds):
            client.call("subscribeToFeed", feed_url=ttrss.write_feed(f"{run}-{n}", args.items))
        for feed in client.call("getFeeds", cat_id=-3):
            client.call("updateFeed", feed_id=feed["id"])
        print(f"server set up: {args.feeds} feeds x {args.items} articles in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as home:
        paths = Paths.under(Path(home))
        paths.config_dir.mkdir(parents=True)
        paths.config_file.write_text(
            ttrss.device_config('["printf", "bob-pass"]').replace('user = "alice"', 'user = "bob"')
        )
        cache = Cache(paths.cache_db, paths.state_db)
        for label in ("first sync", "nothing new", "nothing new again"):
            started = time.perf_counter()
            report = sync_once(paths, cache)
            took = time.perf_counter() - started
            print(f"{label}: {took:.1f} s ({report.summary()}, {report.applied.feeds} feeds added)")
        total = cache.connection().execute("SELECT count(*) FROM articles").fetchone()[0]
        print(f"articles in the cache: {total}")
        cache.close()


if __name__ == "__main__":
    main()
