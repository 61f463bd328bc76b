"""Pilot tests of the Briefing: the first row of the source list."""

from __future__ import annotations

from newsreader.store import briefing_since, last_opening, record_opening
from newsreader.tui.keys import BRIEFING
from tests.support.app import NOW, headline_titles, make_app, settle
from tests.support.bridge_story import bridge_documents

SIZE = (130, 40)
T = int(NOW.timestamp())


async def choose_briefing(pilot) -> None:
    await settle(pilot)
    sources = pilot.app.screen.query_one("#sources")
    sources.focus()
    sources.highlighted = 0
    await settle(pilot)


async def test_the_briefing_lists_new_stories_most_told_first_and_enter_opens_the_lead(tmp_path):
    app = make_app(tmp_path, *bridge_documents())
    async with app.run_test(size=SIZE) as pilot:
        await choose_briefing(pilot)
        screen = app.screen
        assert screen.query_one("#sources").keys[0] == BRIEFING
        assert screen.list_key == BRIEFING
        assert headline_titles(app) == [
            "Barge strike closes Amberly Bridge over Tollan River",  # three outlets: the first report
            "Fire crews save Westmere Library rare book room from roof blaze",
        ]
        first = str(screen.query_one("#headlines").get_option_at_index(0).prompt)
        assert "Harbour Gazette, Northern Ledger, Tideline Wire" in first
        await pilot.press("enter")  # from the source list to the headlines
        await pilot.press("enter")
        await settle(pilot)
        assert screen.article.title == "Barge strike closes Amberly Bridge over Tollan River"
        assert screen.article.source == "Harbour Gazette"


async def test_opening_the_reader_is_remembered_and_the_briefing_starts_there(tmp_path):
    app = make_app(tmp_path, *bridge_documents())
    cache = app.services.cache
    record_opening(cache, T + 3600)  # opened after everything arrived
    async with app.run_test(size=SIZE) as pilot:
        await choose_briefing(pilot)
        assert headline_titles(app) == []
        assert briefing_since(cache) == T + 3600
        assert last_opening(cache) == T  # this opening (the app's clock)
