"""A handful of snapshot tests: fixed stories, fixed clock, fixed size and theme.

Review the SVG diff (``snapshot_report.html``) before running
``pytest --snapshot-update``.
"""

from __future__ import annotations

from tests.support.app import ferry_page, hostile_page, make_app, settle, story_page

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


def test_hostile_headlines_render_literally(snap_compare, tmp_path):
    async def open_first(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(tmp_path, hostile_page()), terminal_size=SIZE, run_before=open_first)
