"""The briefing's query and ranking (newsreader.store.briefing)."""

from __future__ import annotations

from newsreader.core.paths import Paths
from newsreader.store import (
    Cache,
    StoryRow,
    briefing_rows,
    briefing_since,
    last_opening,
    record_opening,
    toggle_story_flag,
)
from newsreader.store.briefing import rank
from newsreader.store.story_rows import StoryMember
from tests.support.app import NOW
from tests.support.bridge_story import bridge_documents

T = int(NOW.timestamp())
HOUR = 3600


def _story(story_id: int, outlets: int, last_ts: int) -> StoryRow:
    members = [
        StoryMember(story_id * 10 + n, f"t{n}", f"Outlet {n}", None, None, "exact", None, False, last_ts - n)
        for n in range(outlets)
    ]
    return StoryRow(story_id, f"story {story_id}", last_ts - HOUR, last_ts, outlets, outlets, 0, False, False, members)


def test_more_outlets_rank_first_and_age_weighs_them_down() -> None:
    fresh_two = _story(1, 2, T)
    fresh_three = _story(2, 3, T - HOUR)
    old_four = _story(3, 4, T - 72 * HOUR)  # 4 x 1/8: half an outlet
    day_old_three = _story(4, 3, T - 24 * HOUR)  # 1.5
    ranked = [r.story.id for r in rank([fresh_two, old_four, day_old_three, fresh_three], T)]
    assert ranked == [2, 1, 4, 3]


def test_ties_go_to_the_newer_story() -> None:
    assert [r.story.id for r in rank([_story(1, 2, T), _story(2, 2, T)], T)] == [2, 1]


def _cache(tmp_path) -> Cache:
    paths = Paths.under(tmp_path / "home")
    cache = Cache(paths.cache_db, paths.state_db)
    for doc in bridge_documents():
        cache.import_document(doc, now=T)
    return cache


def test_briefing_lists_new_stories_with_their_outlets_and_lead(tmp_path) -> None:
    cache = _cache(tmp_path)
    rows = briefing_rows(cache, T - HOUR, now=T)
    assert [r.story.source_count for r in rows] == [3, 2]
    bridge = rows[0]
    assert bridge.outlets == ["Harbour Gazette", "Northern Ledger", "Tideline Wire"]
    assert bridge.lead.source == "Harbour Gazette"  # the first report
    assert briefing_rows(cache, T - HOUR, now=T, offset=1, limit=5) == rows[1:]


def test_briefing_leaves_out_old_and_muted_stories(tmp_path) -> None:
    cache = _cache(tmp_path)
    assert briefing_rows(cache, T + HOUR, now=T) == []  # nothing reached the cache or was published since
    rows = briefing_rows(cache, T - HOUR, now=T)
    toggle_story_flag(cache, rows[0].lead.id, "mute")
    assert [r.story.id for r in briefing_rows(cache, T - HOUR, now=T)] == [rows[1].story.id]


def test_openings_are_remembered(tmp_path) -> None:
    cache = _cache(tmp_path)
    assert last_opening(cache) is None and briefing_since(cache) is None
    assert record_opening(cache, T) is None
    assert record_opening(cache, T + HOUR) == T
    assert last_opening(cache) == T + HOUR
    assert briefing_since(cache) == T  # the open reader's briefing starts at the opening before
