"""The outbox: every local change is recorded where it is made, and leaves only when confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.store import Bookmark, Change, SyncState, remove_feed, set_story_flags
from newsreader.store.outbox import now_ms
from tests.support.devices import Device, load_sample, make_device, make_story


@pytest.fixture
def device(tmp_path: Path):
    device = make_device(tmp_path, "d")
    load_sample(device)
    yield device
    device.cache.close()


def pending(device: Device) -> dict[tuple[str, str], dict]:
    return {(c.kind, c.key): c.value for c in SyncState(device.paths.state_db).pending()}


def test_read_marks_are_recorded_once_per_article(device: Device) -> None:
    url = "https://news.example.org/story/0"
    device.cache.set_read([device.id_of(url)], True)
    device.cache.set_read([device.id_of(url)], False)
    assert pending(device) == {("read", device.key_of(url)): {"read": False}}
    device.cache.set_read([device.id_of(url)], True, record=False)
    assert pending(device) == {("read", device.key_of(url)): {"read": False}}


def test_confirming_removes_only_the_version_that_was_pushed(device: Device) -> None:
    state = SyncState(device.paths.state_db)
    ids = [device.id_of(f"https://news.example.org/story/{i}") for i in range(2)]
    device.cache.set_read(ids, True)
    pushed = state.pending()
    device.cache.set_read(ids[:1], False)  # changed again while the push was under way
    state.confirm(pushed)
    assert [c.value for c in state.pending()] == [{"read": False}]


def test_bookmarks_record_add_edit_and_remove(device: Device) -> None:
    url = "https://news.example.org/story/1"
    key = device.key_of(url)
    store = device.bookmarks()
    store.add(Bookmark(title="Story 1", url=url, article_key=key))
    store.update(key, note="a note", tags=["x"])
    value = pending(device)[("bookmark", key)]
    assert value["kept"] and value["note"] == "a note" and value["tags"] == ["x"]
    store.remove(key)
    assert pending(device)[("bookmark", key)] == {"kept": False}
    store.add(Bookmark(title="Story 1", url=url, article_key=key), record=False)
    assert pending(device)[("bookmark", key)] == {"kept": False}


def test_story_flags_and_unsubscribing_are_recorded(device: Device) -> None:
    make_story(device, 7, [f"https://news.example.org/story/{i}" for i in range(2)])
    set_story_flags(device.cache, 7, muted=True)
    flags = {k: v for (kind, k), v in pending(device).items() if kind == "story"}
    assert len(flags) == 2 and all(v == {"muted": True, "followed": False} for v in flags.values())
    remove_feed(device.cache, "https://news.example.org/rss")
    assert pending(device)[("feed", "https://news.example.org/rss")]["subscribed"] is False


def test_a_change_made_after_seeing_a_future_stamp_still_wins(device: Device) -> None:
    state = SyncState(device.paths.state_db)
    url = "https://news.example.org/story/2"
    ahead = Change("read", device.key_of(url), {"read": True}, now_ms() + 5 * 60_000, "other")
    state.remember([ahead])  # another device's clock is five minutes ahead
    device.cache.set_read([device.id_of(url)], True)
    mine = state.pending()[0]
    assert mine.stamp > ahead.stamp
