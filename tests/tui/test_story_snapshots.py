"""Snapshots of the compare view (``c``) and the Briefing: an invented
three-outlet story, fixed clock, size and theme.

Review the SVG diff (``snapshot_report.html``) before running
``pytest --snapshot-update``.
"""

from __future__ import annotations

from tests.support.app import make_app, open_story, settle
from tests.support.bridge_story import bridge_documents


def _app(tmp_path):
    app = make_app(tmp_path, *bridge_documents())
    app.services.config.ui.theme = "textual-dark"
    return app


async def _compare(pilot):
    await settle(pilot)
    await open_story(pilot, "Amberly Bridge on Tollan River to stay closed after barge strikes pier")
    await pilot.press("c", "right_square_bracket")  # the Wire beside the Ledger
    await settle(pilot)


def test_compare_side_by_side(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(150, 36), run_before=_compare)


def test_compare_stacked(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(120, 36), run_before=_compare)


def test_briefing(snap_compare, tmp_path):
    async def choose(pilot):
        await settle(pilot)
        sources = pilot.app.screen.query_one("#sources")
        sources.focus()
        sources.highlighted = 0
        await settle(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(120, 36), run_before=choose)
