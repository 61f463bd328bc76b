"""Sync faults around the reader: a folder it cannot use, a refused login's pause,
and, with ``fetch = "server"``, a refresh or an add that fetches nothing itself."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from newsreader.cli.main import main
from newsreader.config.settings import load_config
from newsreader.store import SyncState
from newsreader.sync import SyncError, status_line, sync_once, sync_status
from newsreader.sync import changelog as changelog_module
from newsreader.sync.device import device_id
from newsreader.sync.ttrss_notes import note_with_tags, split_note
from tests.support.devices import Device, load_sample, make_device
from tests.support.feedserver import FeedServer

STORY = "https://news.example.org/story/0"
#: A tt-rss address where nothing answers.
NOWHERE = "http://127.0.0.1:9/tt-rss/"


def folder_device(tmp_path: Path, folder: Path) -> Device:
    device = make_device(tmp_path, "solo", f'[sync]\nbackend = "folder"\npath = "{folder}"\n')
    load_sample(device)
    device.cache.set_read([device.id_of(STORY)], True)
    return device


def test_a_read_only_folder_is_one_line_and_the_change_waits(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    device = folder_device(tmp_path, folder)
    real_access = os.access
    monkeypatch.setattr(  # chmod does not stop root, who runs these tests in CI
        changelog_module.os, "access", lambda path, mode: False if Path(path) == folder else real_access(path, mode)
    )
    with pytest.raises(SyncError) as caught:
        sync_once(device.paths, device.cache)
    assert str(caught.value) == f"{folder}: the sync folder is not writable"
    assert status_line(device.paths) == f"sync: 1 changes waiting, {folder}: the sync folder is not writable"
    assert device.read_keys() == {device.key_of(STORY)}  # the reader's own state stands
    device.cache.close()


def test_a_log_that_cannot_be_written_is_one_line_and_nothing_is_lost(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    device = folder_device(tmp_path, folder)
    (folder / f"{device_id(device.paths.data_dir)}.jsonl").mkdir()  # where the log goes: not a file
    with pytest.raises(SyncError, match="cannot write"):
        sync_once(device.paths, device.cache)
    assert SyncState(device.paths.state_db).pending_count() == 1
    (folder / f"{device_id(device.paths.data_dir)}.jsonl").rmdir()
    assert sync_once(device.paths, device.cache).pushed == 1
    device.cache.close()


def test_a_folder_that_goes_away_during_a_sync_is_one_line(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    device = folder_device(tmp_path, folder)

    def gone(self):
        raise FileNotFoundError(2, "No such file or directory", str(folder))

    monkeypatch.setattr(changelog_module.ChangeLog, "logs", gone)
    with pytest.raises(SyncError) as caught:
        sync_once(device.paths, device.cache)
    assert str(caught.value).startswith("sync: ") and "No such file or directory" in str(caught.value)
    assert "\n" not in str(caught.value)
    device.cache.close()


def test_after_a_refused_login_the_line_says_until_when_sync_pauses(tmp_path: Path) -> None:
    device = make_device(tmp_path, "solo", f'[sync]\nbackend = "ttrss"\nurl = "{NOWHERE}"\nuser = "me"\n')
    now = int(time.time())
    SyncState(device.paths.state_db).set_facts(
        refused_login=str(now), last_error="tt-rss refused the login of me (wrong user name or password)"
    )
    until = time.strftime("%H:%M", time.localtime(now + 15 * 60))
    line = status_line(device.paths)
    assert line == f"sync: tt-rss refused the login of me (wrong user name or password); paused until {until}"
    assert sync_status(device.paths).lines()[-1].endswith(f"; paused until {until}")
    device.cache.close()


@pytest.mark.parametrize(
    ("note", "tags", "text"),
    [
        ("for later", ["work", "long read"], "for later\n[tags: work, long read]"),
        ("", ["a"], "[tags: a]"),
        ("just a note", [], "just a note"),
        ("two\nlines", ["x,y", "z]"], "two\nlines\n[tags: x y, z)]"),
    ],
)
def test_bookmark_tags_travel_in_the_tt_rss_note(note: str, tags: list[str], text: str) -> None:
    assert note_with_tags(note, tags) == text
    back_note, back_tags = split_note(text)
    assert back_note == note and back_tags == [t.replace(",", " ").replace("]", ")") for t in tags]


def test_a_note_that_only_mentions_tags_keeps_them_as_text() -> None:
    assert split_note("see [tags: x] above\nthanks") == ("see [tags: x] above\nthanks", [])


# -- fetch = "server": the device fetches nothing itself --------------------------


def server_fetch_home(tmp_path: Path, monkeypatch, feed_url: str) -> Device:
    config = (
        f'[[feed]]\nurl = "{feed_url}"\n\n[sync]\nbackend = "ttrss"\nurl = "{NOWHERE}"\nuser = "me"\n'
        'password_command = ["printf", "pw"]\ntimeout = 2\n'
    )
    device = make_device(tmp_path, "home", config)
    for name, value in device.paths.environment().items():
        monkeypatch.setenv(name, value)
    return device


def test_the_apps_refresh_is_a_sync_when_the_server_fetches(tmp_path: Path, monkeypatch, capsys) -> None:
    with FeedServer(feeds=1) as server:
        device = server_fetch_home(tmp_path, monkeypatch, server.url(0))
        assert main(["refresh", "--jsonl"]) == 1  # R: asked for, so a failure is an error
        record = json.loads(capsys.readouterr().out)
        assert record["error"] == "sync: server unreachable" and record["new"] == 0
        assert main(["refresh", "--jsonl", server.url(0)]) == 0  # the schedule's: a quiet line
        assert "error" not in json.loads(capsys.readouterr().out)
        assert server.counts["200"] == 0  # no feed fetched here
        device.cache.close()


def test_add_subscribes_through_the_server_and_waits_while_it_is_away(tmp_path: Path, monkeypatch, capsys) -> None:
    with FeedServer(feeds=2) as server:
        device = server_fetch_home(tmp_path, monkeypatch, server.url(0))
        assert main(["add", server.url(1)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"subscribed to {server.url(1)}; the sync server gets it at the next sync")
        assert server.counts["200"] == 0
        assert [f.url for f in load_config(device.paths).feeds] == [server.url(0), server.url(1)]
        waiting = SyncState(device.paths.state_db).pending("feed")
        assert [c.value["url"] for c in waiting] == [server.url(1)]
        device.cache.close()


def test_the_apps_refresh_runs_this_newsreader_whatever_the_current_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    from newsreader.feeds.refresh_child import RefreshProcess

    impostor = tmp_path / "checkout" / "newsreader"
    impostor.mkdir(parents=True)
    (impostor / "__init__.py").write_text("")
    (impostor / "__main__.py").write_text('print(\'{"summary": "another newsreader"}\')\n')
    monkeypatch.chdir(impostor.parent)  # the app started in a folder holding another newsreader
    device = server_fetch_home(tmp_path, monkeypatch, "https://news.example.org/rss")
    summary = RefreshProcess(device.paths).run(lambda record: None)
    assert summary.get("error") == "sync: server unreachable"  # this newsreader's refresh: a sync
    device.cache.close()
