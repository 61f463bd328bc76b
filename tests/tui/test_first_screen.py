"""Start-up reads the first screen beside the Textual import; the big lists
stay cheap: labels swapped in place, a row put in without a rebuild."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from newsreader.config.saved_searches import add_search
from newsreader.tui.app import NewsReaderApp
from newsreader.tui.first_screen import FirstScreen, source_counts
from newsreader.tui.screens.main_screen import MainScreen
from newsreader.tui.widgets.lists import KeyList
from tests.support.app import ferry_page, make_services, settle, story_page

SIZE = (130, 40)


def test_source_counts_match_the_cache(tmp_path):
    services = make_services(tmp_path, story_page(), ferry_page())
    assert add_search(services.paths, "Harbour news", 'source:"Harbour Gazette"') is None
    from newsreader.config.settings import load_config

    services.config = load_config(services.paths)
    services.cache.set_read([services.cache.headlines(limit=1)[0].id], True)
    counts = source_counts(services)
    assert (counts.total, counts.unread) == services.cache.totals()
    assert {(r.name, r.total, r.unread) for r in counts.rows} == {
        (r.name, r.total, r.unread) for r in services.cache.sources()
    }
    assert [name for name, _ in counts.saved] == ["Harbour news"]


async def test_first_frame_shows_what_was_read_beside_the_import(tmp_path, monkeypatch):
    services = make_services(tmp_path, story_page(), ferry_page())
    first = FirstScreen(services).start()
    # With the rows read beforehand, the screen loads nothing at mount.
    monkeypatch.setattr(MainScreen, "reload", lambda self: (_ for _ in ()).throw(AssertionError("reloaded")))
    app = NewsReaderApp(services, first)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        headlines = screen.query_one("#headlines", KeyList)
        sources = screen.query_one("#sources", KeyList)
        assert [e.row.title for e in headlines.entries] == [r.title for r in services.cache.headlines(limit=10)]
        assert headlines.option_count == len(headlines.entries)
        assert str(sources.get_option_at_index(0).prompt) == "Briefing"
        assert f"All ({services.cache.totals()[0]})" == str(sources.get_option_at_index(1).prompt)
    assert first.take(0) is None  # taken once


async def test_opening_an_unread_article_counts_it_at_once(tmp_path):
    services = make_services(tmp_path, story_page(), ferry_page())
    app = NewsReaderApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        sources = screen.query_one("#sources", KeyList)
        unread_before = services.cache.totals()[1]
        headlines = screen.query_one("#headlines", KeyList)
        headlines.focus()
        headlines.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert unread_before - 1 == services.cache.totals()[1]
        assert str(sources.get_option_at_index(2).prompt) == f"Unread ({unread_before - 1})"


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyList(id="list")


def rows(count: int, text: str = "row") -> list[tuple[str, Text]]:
    return [(f"r{i}", Text(f"{text} {i}\n  second line", no_wrap=True)) for i in range(count)]


async def test_same_rows_swap_labels_and_keep_highlight_and_scroll():
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        listing = app.query_one(KeyList)
        listing.show_items(rows(50))
        await pilot.pause()
        assert listing.virtual_size.height == 100  # two lines a row, not measured
        listing.highlighted = 30
        await pilot.pause()
        scrolled = listing.scroll_y
        assert scrolled > 0
        first = listing.get_option_at_index(0)
        changed = rows(50)
        changed[30] = ("r30", Text("row 30 (5 new)\n  second line", no_wrap=True))
        listing.show_items(changed)
        await pilot.pause()
        assert listing.get_option_at_index(0) is first  # not rebuilt
        assert str(listing.get_option_at_index(30).prompt).startswith("row 30 (5 new)")
        assert (listing.highlighted, listing.scroll_y) == (30, scrolled)
        listing.show_items(rows(49, "other"))  # different rows: rebuilt
        await pilot.pause()
        assert listing.get_option_at_index(0) is not first and listing.option_count == 49


async def test_a_row_put_in_keeps_the_highlighted_row():
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        listing = app.query_one(KeyList)
        listing.show_items(rows(20))
        listing.highlighted = 5
        await pilot.pause()
        assert listing.insert_item(3, "new", Text("a new row", no_wrap=True))
        await pilot.pause()
        assert listing.keys[2:6] == ["r2", "new", "r3", "r4"]
        assert listing.highlighted_key == "r5"
        assert listing.virtual_size.height == 41
        assert listing.index_of("r19") == 20
        assert not listing.insert_item(0, "new", Text("again"))  # ids stay unique
