"""The folder backend: two devices meet in a folder, whatever file sync does to it."""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.cli.main import main
from newsreader.config.settings import add_feeds, load_config
from newsreader.core.models import Subscription
from newsreader.store import Bookmark, SyncState, record_subscriptions, set_story_flags
from newsreader.sync import SyncError, SyncTrigger, status_line, sync_once, sync_status
from newsreader.sync.changelog import ChangeLog
from newsreader.sync.device import device_id
from tests.support.devices import Device, load_sample, make_device, make_story


def folder_config(folder: Path) -> str:
    return f'[sync]\nbackend = "folder"\npath = "{folder}"\n'


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Device, Device, Path]:
    folder = tmp_path / "Sync"
    folder.mkdir()
    a = make_device(tmp_path, "a", folder_config(folder))
    b = make_device(tmp_path, "b", folder_config(folder))
    for device in (a, b):
        load_sample(device)
    yield a, b, folder
    a.cache.close()
    b.cache.close()


def sync(device: Device):
    return sync_once(device.paths, device.cache)


def log_of(device: Device, folder: Path) -> Path:
    return folder / f"{device_id(device.paths.data_dir)}.jsonl"


def test_read_on_one_device_is_read_on_the_other(pair) -> None:
    a, b, _ = pair
    url = "https://news.example.org/story/1"
    a.cache.set_read([a.id_of(url)], True)
    assert sync(a).pushed == 1
    sync(b)
    assert b.read_keys() == {b.key_of(url)}
    assert status_line(b.paths).startswith("synced")
    assert sync_status(a.paths).waiting == 0


def test_bookmark_with_note_and_subscription_travel(pair) -> None:
    a, b, _ = pair
    url = "https://news.example.org/story/2"
    store = b.bookmarks()
    store.add(Bookmark(title="Story number 2", url=url, article_key=b.key_of(url), note="read later"))
    add_feeds(b.paths, [Subscription(url="https://feeds.example.net/rss", title="Net", tags=["tech"])])
    record_subscriptions(b.paths.state_db, [Subscription(url="https://feeds.example.net/rss", tags=["tech"])])
    sync(b)
    sync(a)
    kept = a.bookmarks().find(a.key_of(url))
    assert kept is not None and kept.note == "read later"
    assert [f.url for f in load_config(a.paths).feeds] == ["https://feeds.example.net/rss"]
    a.bookmarks().remove(a.key_of(url))
    sync(a)
    sync(b)
    assert b.bookmarks().find(url) is None


def test_half_copied_last_line_waits_until_whole(pair) -> None:
    a, b, folder = pair
    a.cache.set_read([a.id_of("https://news.example.org/story/0")], True)
    a.cache.set_read([a.id_of("https://news.example.org/story/3")], True)
    sync(a)
    log = log_of(a, folder)
    whole = log.read_bytes()
    log.write_bytes(whole[:-10])  # the copy is not finished yet
    sync(b)
    assert b.read_keys() == {b.key_of("https://news.example.org/story/0")}
    log.write_bytes(whole)
    sync(b)
    assert len(b.read_keys()) == 2


def test_conflict_copy_and_newer_version(pair) -> None:
    a, b, folder = pair
    a.cache.set_read([a.id_of("https://news.example.org/story/0")], True)
    sync(a)
    log = log_of(a, folder)
    copy = folder / f"{log.stem} (conflicted copy 2026-12-07).jsonl"
    shutil.copy(log, copy)
    line = json.loads(log.read_text().splitlines()[1])
    line.update(key=b.key_of("https://news.example.org/story/4"), stamp=line["stamp"] + 1)
    with open(copy, "a") as out:
        out.write(json.dumps(line) + "\n")
    (folder / "future-device.jsonl").write_text('{"newsreader_sync": 2, "device": "future"}\n{"x": 1}\n')
    report = sync(b)
    assert len(b.read_keys()) == 2
    assert report.problems == ["future-device.jsonl: written by a newer newsreader (format 2); skipped"]


def test_apart_changes_to_one_article_end_alike_even_when_a_log_is_late(pair, tmp_path: Path) -> None:
    a, b, folder = pair
    url = "https://news.example.org/story/1"
    b.cache.set_read([b.id_of(url)], True)
    sync(b)
    late = tmp_path / "late.jsonl"
    shutil.move(log_of(b, folder), late)  # b's log has not arrived at a yet
    a.cache.set_read([a.id_of(url)], True)
    a.cache.set_read([a.id_of(url)], False)  # a changes its mind, later than b
    sync(a)
    shutil.move(late, log_of(b, folder))
    for device in (a, b, a):
        sync(device)
    assert a.read_keys() == b.read_keys() == set()


def test_own_log_is_compacted(pair) -> None:
    a, b, folder = pair
    ids = [a.id_of(f"https://news.example.org/story/{i}") for i in range(5)]
    log = ChangeLog(folder, device_id(a.paths.data_dir))
    for round_ in range(60):
        a.cache.set_read(ids, round_ % 2 == 0)
        log.append(replace(c, device=log.device) for c in SyncState(a.paths.state_db).pending())
    lines_before = len(log.own.read_text().splitlines())
    assert log.compact() == 5
    assert len(log.own.read_text().splitlines()) == 6 < lines_before
    sync(a)
    sync(b)
    assert b.read_keys() == a.read_keys()


def test_a_killed_write_leaves_a_cut_line_that_is_repaired(pair) -> None:
    a, b, folder = pair
    a.cache.set_read([a.id_of("https://news.example.org/story/0")], True)
    sync(a)
    log = log_of(a, folder)
    with open(log, "ab") as out:
        out.write(b'{"kind": "read", "key": "cut')  # a write killed half-way
    a.cache.set_read([a.id_of("https://news.example.org/story/1")], True)
    sync(a)
    assert all(json.loads(line) for line in log.read_text().splitlines())
    sync(b)
    assert len(b.read_keys()) == 2


def test_missing_folder_is_one_line_and_changes_wait(tmp_path: Path) -> None:
    device = make_device(tmp_path, "solo", folder_config(tmp_path / "nowhere"))
    load_sample(device)
    device.cache.set_read([device.id_of("https://news.example.org/story/0")], True)
    with pytest.raises(SyncError, match="does not exist"):
        sync(device)
    assert status_line(device.paths) == (
        f"sync: 1 changes waiting, {tmp_path / 'nowhere'}: the sync folder does not exist (create it, or fix sync.path)"
    )
    device.cache.close()


ops = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["read", "unread", "sync"]), st.integers(0, 2)),
    max_size=12,
)


@given(ops)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_interleaving_ends_in_one_state(tmp_path_factory, steps) -> None:
    base = tmp_path_factory.mktemp("any")
    folder = base / "Sync"
    folder.mkdir()
    devices = {name: make_device(base, name, folder_config(folder)) for name in ("a", "b")}
    try:
        for device in devices.values():
            load_sample(device, 3)
        for name, op, n in steps:
            device = devices[name]
            if op == "sync":
                sync(device)
            else:
                device.cache.set_read([device.id_of(f"https://news.example.org/story/{n}")], op == "read")
        for name in ("a", "b", "a"):
            sync(devices[name])
        assert devices["a"].read_keys() == devices["b"].read_keys()
    finally:
        for device in devices.values():
            device.cache.close()


def test_story_flags_travel(pair) -> None:
    a, b, _ = pair
    urls = [f"https://news.example.org/story/{i}" for i in (1, 2)]
    make_story(a, 3, urls)
    make_story(b, 9, urls[::-1])  # b numbered its stories otherwise
    set_story_flags(a.cache, 3, followed=True)
    sync(a)
    sync(b)
    row = b.cache.connection().execute("SELECT muted, followed FROM stories WHERE id = 9").fetchone()
    assert tuple(row) == (0, 1)


def test_the_command_line(pair, monkeypatch, capsys) -> None:
    a, _, _ = pair
    for name, value in a.paths.environment().items():
        monkeypatch.setenv(name, value)
    a.cache.set_read([a.id_of("https://news.example.org/story/0")], True)
    assert main(["sync", "--status"]) == 0
    assert capsys.readouterr().out.splitlines() == ["last success: never", "waiting: 1 changes", "last error: none"]
    assert main(["sync"]) == 0
    assert capsys.readouterr().out == "synced: 1 sent, 0 received\n"
    assert main(["sync", "--status"]) == 0
    assert "waiting: 0 changes" in capsys.readouterr().out


def test_a_burst_of_changes_makes_one_background_sync(pair) -> None:
    a, _, _ = pair
    finished: list[tuple] = []
    ended = threading.Event()
    trigger = SyncTrigger(
        a.paths, delay=0.2, done=lambda report, problem: (finished.append((report, problem)), ended.set())
    )
    for i in range(3):
        a.cache.set_read([a.id_of(f"https://news.example.org/story/{i}")], True)
        trigger.changed()
    assert ended.wait(10)
    time.sleep(0.3)
    assert len(finished) == 1 and finished[0][1] is None and finished[0][0].pushed == 3


def test_a_refresh_ends_with_a_sync(tmp_path: Path, monkeypatch, capsys) -> None:
    from tests.support.feedserver import FeedServer

    folder = tmp_path / "Sync"
    folder.mkdir()
    with FeedServer(feeds=1) as server:
        device = make_device(tmp_path, "a", f'[[feed]]\nurl = "{server.url(0)}"\n\n' + folder_config(folder))
        for name, value in device.paths.environment().items():
            monkeypatch.setenv(name, value)
        assert main(["refresh"]) == 0
        assert capsys.readouterr().out.splitlines()[-1] == "synced: 0 sent, 0 received"
        assert main(["refresh", "--jsonl"]) == 0  # the app's refresh
        assert json.loads(capsys.readouterr().out.splitlines()[-1])["summary"].endswith("; synced: 0 sent, 0 received")
        device.cache.close()
