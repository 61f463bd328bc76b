"""Pilot tests of searching: the search bar, its results, the query
language's errors and saved searches in the source list."""

from __future__ import annotations

from newsreader.tui.keys import SEARCH, UNREAD, ListKey
from newsreader.tui.screens import jobs
from tests.support.app import NOW, ferry_page, headline_titles, make_app, settle, story_page

SIZE = (130, 40)


async def test_search_opens_results_and_highlights_terms(tmp_path):
    app = make_app(tmp_path, story_page(), ferry_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"lighthouse")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#sources").highlighted_key == SEARCH
        assert headline_titles(app) == ["Lighthouse restoration wins heritage grant"]
        await pilot.press("enter")
        await settle(pilot)
        rendered = screen.query_one("#article-body").render()
        spans = [rendered.plain[s.start : s.end].lower() for s in rendered.spans if getattr(s.style, "reverse", False)]
        assert "lighthouse" in spans


def hold_searches(monkeypatch):
    """Make the searches wait until the returned event is set."""
    import threading

    release = threading.Event()
    real_page = jobs.headline_page

    def slow_page(services, key, search_query, offset, limit):
        if key == SEARCH:
            release.wait(5)
        return real_page(services, key, search_query, offset, limit)

    monkeypatch.setattr(jobs, "headline_page", slow_page)
    return release


async def test_search_bar_closes_with_its_results(tmp_path, monkeypatch):
    """The bar stays up while the search runs (saying so when it is slow)
    and closes in the frame that shows the results."""
    app = make_app(tmp_path, story_page(), ferry_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        release = hold_searches(monkeypatch)
        await pilot.press("slash")
        await pilot.press(*"lighthouse")
        await pilot.press("enter")
        await pilot.pause(0.4)
        bar = screen.query_one("#search-bar")
        assert bar.display  # still searching
        assert "Searching" in str(screen.query_one("#search-error").render())
        release.set()
        await settle(pilot)
        assert not bar.display
        assert headline_titles(app) == ["Lighthouse restoration wins heritage grant"]
        assert screen.query_one("#headlines").has_focus
        assert screen.query_one("#sources").highlighted_key == SEARCH


async def test_picking_another_source_during_a_search_closes_the_bar(tmp_path, monkeypatch):
    app = make_app(tmp_path, story_page(), ferry_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        release = hold_searches(monkeypatch)
        await pilot.press("slash")
        await pilot.press(*"lighthouse")
        await pilot.press("enter")
        await pilot.pause(0.3)
        bar = screen.query_one("#search-bar")
        assert bar.display
        sources = screen.query_one("#sources")
        sources.highlighted = 2  # what a click on "Unread" does
        await pilot.pause(0.1)
        release.set()
        await settle(pilot)
        assert not bar.display  # not left open until Escape
        assert sources.highlighted_key == UNREAD
        assert len(headline_titles(app)) > 1  # the unread list, not the dropped search's one result


async def test_search_results_draw_their_first_rows_then_the_rest(tmp_path):
    """Many results: the first screenfuls are drawn in the frame that closes
    the bar, the rest of the page a frame later; the same search shown again
    (counts changed, say) redraws every row at once, keeping the highlight."""
    from datetime import timedelta

    from newsreader.core.models import Article, ParsedDocument
    from newsreader.tui.widgets.headlines_pane import FIRST_ROWS

    count = FIRST_ROWS + 50
    feed = ParsedDocument(
        format="rss",
        feed_title="Tide Tables",
        feed_url="https://tides.example/rss",
        articles=[
            Article(
                title=f"High water at {n:03d}",
                url=f"https://tides.example/{n}",
                body=f"Tide note {n}.",
                published=NOW - timedelta(minutes=n),
                precision="minute",
            )
            for n in range(count)
        ],
    )
    app = make_app(tmp_path, feed)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        listing = screen.query_one("#headlines")
        shown = []
        real_show_rest = listing.show_rest
        listing.show_rest = lambda token, rest: shown.append(listing.option_count) or real_show_rest(token, rest)
        await pilot.press("slash")
        await pilot.press(*"tide")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one("#sources").highlighted_key == SEARCH
        assert shown == [FIRST_ROWS] and listing.option_count == count
        assert len(set(headline_titles(app))) == count
        listing.highlighted = FIRST_ROWS + 20
        screen.reload()  # the same list again
        await settle(pilot)
        assert shown == [FIRST_ROWS] and listing.option_count == count
        assert listing.highlighted == FIRST_ROWS + 20


async def test_query_language_errors_and_saved_searches(tmp_path):
    from newsreader.config.saved_searches import add_search

    app = make_app(tmp_path, story_page(), ferry_page())
    assert add_search(app.services.paths, "Harbour news", 'source:"Harbour Gazette"') is None
    from newsreader.config.settings import load_config

    app.services.config = load_config(app.services.paths)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        sources = screen.query_one("#sources")
        assert ListKey.saved(0) in sources.keys
        sources.focus()
        sources.highlighted = sources.keys.index(ListKey.saved(0))
        await settle(pilot)
        assert sorted(headline_titles(app)) == [
            "Ferry timetable changes for winter",
            "Port Calder pilots agree four-year contract",
        ]
        await pilot.press("slash")
        await pilot.press(*"after:tomorow")
        await pilot.press("enter")
        await pilot.pause()
        bar = screen.query_one("#search-bar")
        assert bar.display  # a bad query keeps the prompt open
        assert "after" in str(screen.query_one("#search-error").render())
        screen.query_one("#search-input").value = "source:Tideline is:unread"
        await pilot.press("enter")
        await settle(pilot)
        assert headline_titles(app) == ["Valley rail line reopens after repairs"]
