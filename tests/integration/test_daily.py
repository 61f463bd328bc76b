"""Issue 13 end to end: rules at refresh (a feed on 127.0.0.1), the CLI for
scripts, and per-feed leases between two refreshers and two processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from newsreader.config.settings import FeedConfig, FetchConfig
from newsreader.feeds.refresh import ELSEWHERE, Refresher
from newsreader.store import LeaseOwner, release_leases, take_leases
from newsreader.store.cache import Cache
from tests.support.feedserver import FeedServer

REPO = Path(__file__).resolve().parents[2]

RULES = """
[[rule]]
match = '"berth 1"'
actions = ["hide"]

[[rule]]
match = '"berth 2"'
tag = "two"
actions = ["flag", "notify"]

[[rule]]
match = "is:nonsense"
actions = ["read"]
"""


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"NEWSREADER_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args], capture_output=True, text=True, env=env, timeout=120, cwd=REPO
    )


def test_rules_at_refresh_then_list_search_show_marks_and_rules_apply(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(RULES)
    with FeedServer(feeds=1) as server:
        added = cli(home, "add", server.url(0))
        assert added.returncode == 0, added.stderr
        refresh = cli(home, "refresh")
        assert refresh.returncode == 0, refresh.stderr
        assert "rule 3: match: is: unknown state" in refresh.stderr  # one line; the others still applied
    listed = json.loads(cli(home, "list", "--json").stdout)
    assert [item["title"] for item in listed] == ["Harbour notice 0.2 (v1)", "Harbour notice 0.0 (v1)"]
    assert [item["flagged"] for item in listed] == [True, False]
    hidden = json.loads(cli(home, "search", "is:hidden", "--json").stdout)
    assert [item["title"] for item in hidden] == ["Harbour notice 0.1 (v1)"]
    assert json.loads(cli(home, "list", "berth", "--json").stdout)[0]["title"] == "Harbour notice 0.2 (v1)"
    tagged = json.loads(cli(home, "list", "tag:two", "--json").stdout)
    assert [item["title"] for item in tagged] == ["Harbour notice 0.2 (v1)"]
    assert json.loads(cli(home, "list", "berth", "--limit", "1", "--json").stdout)[0]["id"] == tagged[0]["id"]

    shown = json.loads(cli(home, "show", str(hidden[0]["id"]), "--json").stdout)
    assert shown["hidden"] is True and shown["url"] == "http://news.example/0/1"
    by_url = cli(home, "show", "http://news.example/0/2", "--markdown")
    assert by_url.stdout.startswith("# Harbour notice 0.2 (v1)\n") and "<http://news.example/0/2>" in by_url.stdout
    assert cli(home, "show", "99999").returncode == 1

    assert cli(home, "mark-read", "harbour").stdout.strip() == "2 marked read (2 matched)"
    assert cli(home, "mark-unread", "is:read").stdout.strip() == "2 marked unread (2 matched)"
    bad = cli(home, "mark-read", "is:sideways")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1

    dry = cli(home, "rules", "apply", "--dry-run")
    assert "rule 1 ('\"berth 1\"'): would touch 1 articles (hide)" in dry.stdout
    assert "rule 2 ('\"berth 2\"'): would touch 1 articles (flag, notify, tag=two)" in dry.stdout
    applied = cli(home, "rules", "apply")
    assert "1 matched, 0 changed" in applied.stdout  # applied at refresh already
    tested = cli(home, "rules", "test", "harbour")
    assert tested.stdout.strip().endswith("3 articles match")


def test_a_feed_leased_by_another_refresher_is_skipped(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite3")
    try:
        with FeedServer(feeds=2) as server:
            feeds = [FeedConfig(server.url(0)), FeedConfig(server.url(1))]
            first, second = Refresher(cache, FetchConfig(timeout=5)), Refresher(cache, FetchConfig(timeout=5))
            take_leases(cache, [server.url(0)], first.owner, now=int(first.clock()), seconds=600)
            report = second.run_sync(feeds)
            status = {o.url: (o.status, o.error) for o in report.outcomes}
            assert status[server.url(0)] == ("skipped", ELSEWHERE)
            assert status[server.url(1)][0] == "updated"
            release_leases(cache, [server.url(0)], first.owner)
            again = second.run_sync(feeds)
            assert {o.url: o.status for o in again.outcomes}[server.url(0)] == "updated"
        rows = cache.connection().execute("SELECT count(*) FROM feed_leases").fetchone()[0]
        assert rows == 0  # every lease given back
    finally:
        cache.close()


def test_a_lease_held_by_another_process_until_it_dies(tmp_path):
    path = tmp_path / "cache.sqlite3"
    cache = Cache(path)
    try:
        with FeedServer(feeds=1) as server:
            holder = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    textwrap.dedent(
                        f"""
                        import sys, time
                        from newsreader.store import LeaseOwner, take_leases
                        from newsreader.store.cache import Cache
                        c = Cache({str(path)!r})
                        print(take_leases(c, [{server.url(0)!r}], LeaseOwner.current(), now=int(time.time()), seconds=600))
                        sys.stdout.flush()
                        time.sleep(60)
                        """
                    ),
                ],
                stdout=subprocess.PIPE,
                text=True,
                cwd=REPO,
            )
            try:
                assert holder.stdout is not None and server.url(0) in holder.stdout.readline()
                report = Refresher(cache, FetchConfig(timeout=5)).run_sync([FeedConfig(server.url(0))])
                assert [(o.status, o.error) for o in report.outcomes] == [("skipped", ELSEWHERE)]
            finally:
                holder.kill()
                holder.wait()
            report = Refresher(cache, FetchConfig(timeout=5)).run_sync([FeedConfig(server.url(0))])
            assert [o.status for o in report.outcomes] == ["updated"]
            assert LeaseOwner.current().pid != holder.pid
    finally:
        cache.close()


def test_rules_apply_at_import_too(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(RULES)
    feed = tmp_path / "harbour.xml"
    feed.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Office</title>'
        b"<item><title>Notice one</title><link>https://h.example/1</link><description>Berth 1 is shut.</description></item>"
        b"<item><title>Notice two</title><link>https://h.example/2</link><description>Berth 2 is open.</description></item>"
        b"</channel></rss>"
    )
    imported = cli(home, "import", str(feed))
    assert imported.returncode == 0, imported.stderr
    assert [item["title"] for item in json.loads(cli(home, "list", "--json").stdout)] == ["Notice two"]
    assert [item["title"] for item in json.loads(cli(home, "list", "is:hidden", "--json").stdout)] == ["Notice one"]
