"""Sync through a real Tiny Tiny RSS server (scripts/ttrss-test-server): read marks,
bookmarks with notes and tags, subscriptions (also added through the server), faults.

The server is started when it is not running (as root on Debian); elsewhere
the module is skipped with one line, except on CI (``CI=true``), where that
is a failure.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsreader.cli.main import main
from newsreader.config.settings import add_feeds, load_config, remove_feed
from newsreader.core.models import Subscription
from newsreader.store import Bookmark, SyncState, record_subscriptions
from newsreader.store import remove_feed as forget_feed
from newsreader.sync import SyncError, status_line, subscribe_through_server, sync_once, sync_status
from newsreader.sync.ttrss_client import LoginRefused
from tests.support import ttrss
from tests.support.devices import Device, make_device


@pytest.fixture(scope="session")
def server() -> str:
    ttrss.ensure_server()
    return ttrss.URL


@pytest.fixture
def tag() -> str:
    return "t" + secrets.token_hex(5)


@pytest.fixture
def pair(server: str, tmp_path: Path):
    ttrss.reset_account()
    a = make_device(tmp_path, "a", ttrss.device_config())
    b = make_device(tmp_path, "b", ttrss.device_config())
    yield a, b
    a.cache.close()
    b.cache.close()


def sync(device: Device):
    return sync_once(device.paths, device.cache)


def subscribe(device: Device, url: str) -> None:
    """What ``newsreader add`` does to config.toml and the outbox, without fetching."""
    added, problems = add_feeds(device.paths, [Subscription(url=url)])
    assert added, problems
    record_subscriptions(device.paths.state_db, [Subscription(url=url)])


def article_count(device: Device) -> int:
    return device.cache.connection().execute("SELECT count(*) FROM articles").fetchone()[0]


def test_subscribe_read_and_star_travel_between_devices(pair, tag: str) -> None:
    a, b = pair
    feed = ttrss.write_feed(tag, 3)
    subscribe(a, feed)
    assert sync(a).pushed == 1
    ttrss.update_feeds()
    sync(b)
    assert [f.url for f in load_config(b.paths).feeds] == [feed]
    assert article_count(b) == 3
    sync(a)
    assert article_count(a) == 3

    first = f"http://{ttrss.FEED_HOST}/{tag}/0.html"
    a.cache.set_read([a.id_of(first)], True)
    sync(a)
    sync(b)
    assert b.read_keys() == {b.key_of(first)}

    second = f"http://{ttrss.FEED_HOST}/{tag}/1.html"
    b.bookmarks().add(Bookmark(title="story 1", url=second, article_key=b.key_of(second), note="for later"))
    sync(b)
    sync(a)
    kept = a.bookmarks().find(a.key_of(second))
    assert kept is not None and kept.note == "for later"

    b.cache.set_read([b.id_of(first)], False)  # read state goes both ways
    a.bookmarks().remove(a.key_of(second))
    sync(b)
    sync(a)
    sync(b)
    assert a.read_keys() == b.read_keys() == set()
    assert b.bookmarks().find(second) is None
    assert article_count(a) == article_count(b) == 3  # nothing doubled


def on_both(a: Device, b: Device, tag: str, items: int) -> None:
    """A feed of ``items`` new articles, subscribed on ``a`` and synced to both."""
    subscribe(a, ttrss.write_feed(tag, items))
    sync(a)
    ttrss.update_feeds()
    sync(a)
    sync(b)


def test_changes_wait_while_the_server_is_down(pair, tag: str) -> None:
    a, b = pair
    on_both(a, b, tag, 2)
    url = f"http://{ttrss.FEED_HOST}/{tag}/1.html"
    subprocess.run([str(ttrss.SCRIPT), "stop"], check=True, timeout=120, capture_output=True)
    try:
        a.cache.set_read([a.id_of(url)], True)
        with pytest.raises(SyncError, match="unreachable"):
            sync(a)
        assert status_line(a.paths) == "sync: 1 changes waiting, server unreachable"
    finally:
        subprocess.run([str(ttrss.SCRIPT), "start"], check=True, timeout=300, capture_output=True)
    sync(a)
    sync(b)
    assert b.read_keys() == {b.key_of(url)}
    assert sync_status(a.paths).waiting == 0 and sync_status(a.paths).last_error is None


def test_two_devices_changing_one_article_while_apart_end_alike(pair, tag: str) -> None:
    a, b = pair
    on_both(a, b, tag, 2)
    url = f"http://{ttrss.FEED_HOST}/{tag}/0.html"
    a.cache.set_read([a.id_of(url)], True)
    b.cache.set_read([b.id_of(url)], True)
    b.cache.set_read([b.id_of(url)], False)
    b.bookmarks().add(Bookmark(title="story 0", url=url, article_key=b.key_of(url), note="b's note"))
    for device in (a, b, a, b):
        sync(device)
    assert a.read_keys() == b.read_keys() == set()  # the last device to sync had the last word
    assert a.bookmarks().find(url).note == b.bookmarks().find(url).note == "b's note"


def test_wrong_password_is_one_line_without_the_password(pair) -> None:
    a, _ = pair
    a.paths.config_file.write_text(ttrss.device_config('["printf", "not-the-pass-xyz"]'))
    with pytest.raises(SyncError) as caught:
        sync(a)
    assert str(caught.value) == "tt-rss refused the login of alice (wrong user name or password)"
    assert "not-the-pass-xyz" not in status_line(a.paths)
    os.utime(a.paths.config_file, (1, 1))  # not edited since
    with pytest.raises(LoginRefused):  # not asked again on a timer: no retry storm
        sync(a)
    a.paths.config_file.write_text(ttrss.device_config())  # fixed
    sync(a)
    assert status_line(a.paths) == "synced just now"


def test_a_push_killed_half_way_loses_and_doubles_nothing(pair, tag: str) -> None:
    a, b = pair
    on_both(a, b, tag, 500)
    assert article_count(a) == article_count(b) == 500
    ids = [r[0] for r in a.cache.connection().execute("SELECT id FROM articles")]
    a.cache.set_read(ids, True)
    state = SyncState(a.paths.state_db)
    assert state.pending_count() == 500
    env = {**os.environ, **a.paths.environment()}
    child = subprocess.Popen(
        [sys.executable, "-m", "newsreader.cli.main", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while state.pending_count() == 500 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    child.kill()
    child.wait()
    left = state.pending_count()
    sync(a)
    sync(b)
    assert state.pending_count() == 0
    assert article_count(b) == 500 and len(b.read_keys()) == 500
    with ttrss.server_client() as client:
        unread = client.call("getHeadlines", feed_id=-4, view_mode="unread", limit=200)
        assert [h["title"] for h in unread if tag in h["title"]] == []
    print(f"killed with {left} of 500 changes still waiting")


# -- subscriptions through the server, bookmark tags ---------------------------------


def feed_urls(device: Device) -> list[str]:
    return [f.url for f in load_config(device.paths).feeds]


def test_add_on_a_goes_through_the_server_and_b_gets_the_feed(pair, tag: str, monkeypatch, capsys) -> None:
    a, b = pair
    feed = ttrss.write_feed(tag, 4)
    for name, value in a.paths.environment().items():
        monkeypatch.setenv(name, value)
    assert main(["add", feed]) == 0
    assert capsys.readouterr().out == f"subscribed to {feed} through the sync server: 4 articles\n"
    assert article_count(a) == 4
    sync_once(b.paths, b.cache)
    assert feed_urls(b) == [feed] and article_count(b) == 4
    for name, value in b.paths.environment().items():
        monkeypatch.setenv(name, value)
    assert main(["feeds"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "    4 articles · fetched by the sync server · ok"


def test_a_feed_the_server_keeps_under_another_url_is_one_subscription(pair, tag: str) -> None:
    a, b = pair
    feed = ttrss.write_feed(tag, 2)
    page = ttrss.write_page(tag, [feed])
    result = subscribe_through_server(a.paths, page)
    assert result.status == "subscribed", result.message
    for _ in range(2):
        sync_once(a.paths, a.cache)
    assert feed_urls(a) == [page]  # not also the feed the server found on the page
    assert article_count(a) == 2
    sync_once(b.paths, b.cache)
    assert feed_urls(b) == [feed]
    unsubscribe(a, page)
    sync_once(a.paths, a.cache)
    sync_once(b.paths, b.cache)
    assert feed_urls(b) == []


def unsubscribe(device: Device, url: str) -> None:
    """What ``newsreader remove`` does."""
    assert remove_feed(device.paths, url) is None
    forget_feed(device.cache, url)


def test_a_feed_the_server_refuses_is_not_kept(pair, tag: str) -> None:
    a, _ = pair
    missing = f"http://{ttrss.FEED_HOST}/{tag}-missing.xml"
    result = subscribe_through_server(a.paths, missing)
    assert result.status == "failed"
    assert result.message.startswith(f"tt-rss could not subscribe to {missing}: the server could not download it")
    assert feed_urls(a) == []
    page = ttrss.write_page(tag, [ttrss.write_feed(tag + "x", 1), ttrss.write_feed(tag + "y", 1)])
    result = subscribe_through_server(a.paths, page)
    assert result.status == "choose" and len(result.candidates) == 2
    assert feed_urls(a) == []


def test_bookmark_tags_travel_in_the_note(pair, tag: str) -> None:
    a, b = pair
    feed = ttrss.write_feed(tag, 2)
    subscribe_through_server(a.paths, feed)
    sync_once(b.paths, b.cache)
    url = f"http://{ttrss.FEED_HOST}/{tag}/1.html"
    store = b.bookmarks()
    store.add(Bookmark(title="story 1", url=url, article_key=b.key_of(url), note="for later", tags=["work", "long"]))
    sync_once(b.paths, b.cache)
    sync_once(a.paths, a.cache)
    kept = a.bookmarks().find(a.key_of(url))
    assert kept is not None and (kept.note, kept.tags) == ("for later", ["work", "long"])
    a.bookmarks().update(kept, tags=["work"])
    sync_once(a.paths, a.cache)
    sync_once(b.paths, b.cache)
    again = b.bookmarks().find(b.key_of(url))
    assert again is not None and (again.note, again.tags) == ("for later", ["work"])
