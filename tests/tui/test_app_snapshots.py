"""A handful of snapshot tests: fixed stories, fixed clock, fixed size and theme.

Review the SVG diff (``snapshot_report.html``) before running
``pytest --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tests.support.app import ferry_page, hostile_page, long_titles_page, make_app, settle, story_page

SIZE = (120, 36)


def _app(tmp_path, *docs):
    app = make_app(tmp_path, *docs)
    app.services.config.ui.theme = "textual-dark"
    return app


def test_main_screen_with_article(snap_compare, tmp_path):
    async def open_first(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#headlines").highlighted = 3  # the Port Calder story, with a caption
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, story_page(), ferry_page()), terminal_size=SIZE, run_before=open_first)


def test_related_hop(snap_compare, tmp_path):
    async def hop(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("#headlines").highlighted = 3
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, story_page(), ferry_page()), terminal_size=SIZE, run_before=hop)


def test_narrow_terminal(snap_compare, tmp_path):
    async def open_first(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, story_page()), terminal_size=(80, 24), run_before=open_first)


@pytest.mark.parametrize("size", [(80, 24), (130, 40), (200, 50)], ids=["80x24", "130x40", "200x50"])
def test_layout_with_article(snap_compare, tmp_path, size):
    """Narrow: sources over headlines, no sidebar; wide: the sidebar; from
    160 columns: four columns. Titles wrap whole; the article keeps its measure."""

    async def open_first(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, long_titles_page(), story_page()), terminal_size=size, run_before=open_first)


def test_hostile_headlines_render_literally(snap_compare, tmp_path):
    async def open_first(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, hostile_page()), terminal_size=SIZE, run_before=open_first)


def test_main_screen_empty(snap_compare, tmp_path):
    """An empty cache: empty panes that say what to do."""
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=settle)


def test_search_results(snap_compare, tmp_path):
    async def search(pilot):
        await settle(pilot)
        await pilot.press("slash", *"harbour", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the first result, its words highlighted
        await settle(pilot)

    assert snap_compare(_app(tmp_path, story_page(), ferry_page()), terminal_size=SIZE, run_before=search)


def test_search_error(snap_compare, tmp_path):
    """A query that does not parse: the bar stays open and says why in red."""

    async def bad_query(pilot):
        await settle(pilot)
        await pilot.press("slash")
        pilot.app.screen.query_one("#search-input").cursor_blink = False
        await pilot.press(*"after:tomorow", "enter")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, story_page()), terminal_size=SIZE, run_before=bad_query)


def test_bookmarks_screen(snap_compare, tmp_path):
    app = _app(tmp_path, story_page())
    bookmarks = app.services.paths.bookmarks_file
    bookmarks.parent.mkdir(parents=True, exist_ok=True)
    bookmarks.write_text(BOOKMARKS)
    app.services.bookmarks.load()

    async def show(pilot):
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=show)


def test_help(snap_compare, tmp_path):
    async def show(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, story_page()), terminal_size=SIZE, run_before=show)


BOOKMARKS = """\
[[bookmark]]
title = "Port Calder pilots agree four-year contract"
source = "Harbour Gazette"
url = "https://harbour.example/pilots"
saved_at = 2026-11-26T18:00:00Z
published = "2026-11-25"
tags = ["harbour", "labour"]
note = "read the pay table"

[[bookmark]]
title = "Lighthouse restoration wins heritage grant"
source = "Northern Ledger"
saved_at = 2026-11-26T19:30:00Z
published = "2026-11-26"
summary = "The old lighthouse at Skerry Point will be restored with a heritage grant."
"""
