"""Pilot tests of bookmarks: written to bookmarks.toml and kept across a
restart, the bookmarks screen, and a broken file never overwritten."""

from __future__ import annotations

import tomllib

from textual.widgets import Input

from tests.support.app import NOW, article_text, headline_titles, make_app, open_story, reading, settle, story_page

SIZE = (130, 40)


async def test_bookmark_written_to_toml_and_shown_after_restart(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        await pilot.press("b")
        await settle(pilot)
        path = app.services.paths.bookmarks_file
        data = tomllib.loads(path.read_text())
        [entry] = data["bookmark"]
        assert entry["title"] == "Port Calder pilots agree four-year contract"
        assert entry["source"] == "Harbour Gazette"
        assert entry["published"] == (NOW.date().fromordinal(NOW.date().toordinal() - 1)).isoformat()
        assert "★" in article_text(app)
    # A new app on the same paths: the bookmark is there.
    again = make_app(tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = again.screen
        sources = screen.query_one("#sources")
        sources.focus()
        sources.highlighted = 3  # Bookmarks
        await settle(pilot)
        assert headline_titles(again) == ["Port Calder pilots agree four-year contract"]
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        assert "bookmarked" in article_text(again)
        await pilot.press("b")  # toggles off
        await settle(pilot)
        assert "bookmark" not in tomllib.loads(again.services.paths.bookmarks_file.read_text())


async def test_bookmarks_screen_filter_edit_delete_open(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        await pilot.press("b")
        await settle(pilot)
        await open_story(pilot, "Ferry timetable changes for winter")
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        bookmarks = app.screen
        assert type(bookmarks).__name__ == "BookmarksScreen"
        assert [b.title for b in bookmarks.shown] == [
            "Ferry timetable changes for winter",
            "Port Calder pilots agree four-year contract",
        ]
        await pilot.press("slash")
        await pilot.press(*"pilots")
        await pilot.pause()
        assert [b.title for b in bookmarks.shown] == ["Port Calder pilots agree four-year contract"]
        await pilot.press("enter")  # back to the list
        await pilot.press("e")
        await pilot.pause()
        edit = app.screen
        edit.query_one("#edit-note", Input).value = "read later"
        edit.query_one("#edit-tags", Input).value = "harbour, labour"
        edit.query_one("#edit-note", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        data = tomllib.loads(app.services.paths.bookmarks_file.read_text())
        kept = {b["title"]: b for b in data["bookmark"]}
        assert kept["Port Calder pilots agree four-year contract"]["note"] == "read later"
        assert kept["Port Calder pilots agree four-year contract"]["tags"] == ["harbour", "labour"]
        bookmarks.query_one("#bookmark-filter", Input).value = ""
        await pilot.pause()
        bookmarks.query_one("#bookmark-list").focus()
        await pilot.press("g", "d")  # delete the newest (ferry)
        await settle(pilot)
        data = tomllib.loads(app.services.paths.bookmarks_file.read_text())
        assert [b["title"] for b in data["bookmark"]] == ["Port Calder pilots agree four-year contract"]
        await pilot.press("enter")  # opens it in the reader
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        assert reading(app) == "Port Calder pilots agree four-year contract"


async def test_broken_bookmarks_file_is_reported_and_never_overwritten(tmp_path):
    from newsreader.core.paths import Paths

    paths = Paths.under(tmp_path / "home")
    paths.data_dir.mkdir(parents=True)
    broken = b'[[bookmark]]\ntitle = "unterminated\n'
    paths.bookmarks_file.write_bytes(broken)
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(f"{paths.bookmarks_file}:2:" in m for m in messages), messages
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        await pilot.press("b")
        await settle(pilot)
        assert paths.bookmarks_file.read_bytes() == broken
        assert any("read-only" in n.message for n in app._notifications)
