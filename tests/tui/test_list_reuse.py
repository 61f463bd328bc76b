"""A list drawn again keeps the rows it still has: labels and options are
built, measured and wrapped only for the rows that are new or changed (a
refresh reloads the list once a second with a few new rows on top)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from newsreader.tui.keys import ALL
from newsreader.tui.messages import HeadlinesLoaded
from tests.support.app import NOW, make_app, settle, story_page


async def shown_again(pilot, headlines, page: HeadlinesLoaded) -> dict:
    headlines.show_page(page, "")
    await settle(pilot)
    return {o.key: o for o in headlines.options}


async def first_rows(pilot, app):
    """The headlines pane, the All list's rows and stories, and the options
    drawn for the list without its first row."""
    await settle(pilot)
    headlines = app.screen.query_one("#headlines")
    rows, stories = list(headlines.model.raw), dict(headlines.model.stories)
    assert len(rows) >= 3
    return headlines, rows, stories, await shown_again(pilot, headlines, HeadlinesLoaded(ALL, rows[1:], stories))


async def test_a_list_with_a_new_row_keeps_the_rows_it_had(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=(200, 50)) as pilot:
        headlines, rows, stories, before = await first_rows(pilot, app)
        after = await shown_again(pilot, headlines, HeadlinesLoaded(ALL, rows, stories))
        assert rows[0].id in after and rows[0].id not in before  # the new row on top
        assert all(after[key] is before[key] for key in before)


async def test_a_row_drawn_differently_is_built_again(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=(200, 50)) as pilot:
        headlines, rows, stories, before = await first_rows(pilot, app)
        read = replace(rows[1], is_read=not rows[1].is_read)
        headlines.clock = lambda: NOW + timedelta(minutes=1)  # the same "… ago" for these rows
        after = await shown_again(pilot, headlines, HeadlinesLoaded(ALL, [rows[0], read, *rows[2:]], stories))
        assert after[read.id] is not before[read.id]  # its unread mark changed
        assert str(after[read.id].prompt) != str(before[read.id].prompt)
