"""Pilot tests: the reader with sync set up syncs at start, and works on when sync cannot."""

from __future__ import annotations

from pathlib import Path

from newsreader.core.paths import Paths
from newsreader.store import SyncState
from newsreader.tui.app import NewsReaderApp
from tests.support.app import make_services, settle, story_page
from tests.tui.test_app_daily import wait_for

SIZE = (130, 40)


def configure(tmp_path: Path, text: str) -> Paths:
    paths = Paths.under(tmp_path / "home")
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(text, encoding="utf-8")
    return paths


async def test_a_missing_sync_folder_is_one_line_and_reading_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    paths = configure(tmp_path, f'[sync]\nbackend = "folder"\npath = "{folder}"\n')
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        sources = app.screen.sources
        await wait_for(
            pilot, lambda: "does not exist" in str(sources.border_subtitle or ""), limit=10
        )  # the sync at start
        assert str(sources.border_subtitle) == (
            f"sync: {folder}: the sync folder does not exist (create it, or fix sync.path)"
        )
        headlines = app.screen.headlines
        headlines.focus()
        headlines.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.article is not None and app.services.cache.article(app.screen.article.id).is_read
        assert SyncState(paths.state_db).pending_count() == 1  # kept for when the folder is back
        app.screen.daily.trigger.cancel()


async def test_the_reader_syncs_at_start(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    configure(tmp_path, f'[sync]\nbackend = "folder"\npath = "{folder}"\n')
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: str(app.screen.sources.border_subtitle or "") == "synced just now", limit=10)


async def test_leaving_the_bookmarks_screen_syncs_what_was_edited_there(tmp_path: Path, monkeypatch) -> None:
    from newsreader.sync import SyncTrigger

    folder = tmp_path / "Sync"
    folder.mkdir()
    configure(tmp_path, f'[sync]\nbackend = "folder"\npath = "{folder}"\n')
    asked: list[str] = []
    monkeypatch.setattr(SyncTrigger, "changed", lambda self: asked.append("changed"))
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert asked == ["changed"]
        app.screen.daily.trigger.cancel()


async def test_a_bookmark_a_sync_brings_shows_without_a_restart(tmp_path: Path) -> None:
    from newsreader.store import Bookmark, BookmarkStore

    paths = configure(tmp_path, "")
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = app.screen.headlines.entries[0].row
        other = BookmarkStore(paths.bookmarks_file).load()  # another process, or a sync
        other.add(Bookmark(title=row.title, url=row.url, article_key=row.key, note="from the laptop"), record=False)
        await wait_for(pilot, lambda: row.key in app.screen.bookmarked)
        assert app.services.bookmarks.find(row.key).note == "from the laptop"


async def test_the_reader_syncs_every_few_minutes(tmp_path: Path, monkeypatch) -> None:
    from newsreader.tui.screens import background_tasks

    monkeypatch.setattr(background_tasks, "SYNC_EVERY", 0.3)
    folder = tmp_path / "Sync"
    folder.mkdir()
    paths = configure(tmp_path, f'[sync]\nbackend = "folder"\npath = "{folder}"\n')
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        state = SyncState(paths.state_db)
        await wait_for(pilot, lambda: "last_success" in state.facts(), limit=10)
        first = state.facts()["last_attempt"]
        await wait_for(pilot, lambda: state.facts()["last_attempt"] != first, limit=10)


def test_with_the_server_fetching_no_feed_falls_due_here(tmp_path: Path) -> None:
    from newsreader.tui.screens.background_jobs import feeds_due

    configure(
        tmp_path,
        '[[feed]]\nurl = "https://news.example.org/rss"\n\n[sync]\nbackend = "ttrss"\n'
        'url = "http://127.0.0.1:9/tt-rss/"\nuser = "me"\n',
    )
    services = make_services(tmp_path)
    due = feeds_due(services, True)
    assert due.urls == [] and due.wakeup is None  # else a refresh-that-is-a-sync every minute
    services.cache.close()
