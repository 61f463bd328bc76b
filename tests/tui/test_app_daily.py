"""Pilot tests of the daily driver: scheduled refresh, other processes'
writes, rules, notifications, links, openers, pipe, save, read by story, sync."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.paths import Paths
from newsreader.exchange.files import load_sample
from newsreader.store import Cache, story_versions
from newsreader.tui import display
from newsreader.tui.app import NewsReaderApp
from newsreader.tui.messages import NewsToTell
from tests.support.app import NOW, ferry_page, headline_titles, make_services, reading, settle, story_page
from tests.support.feedserver import FeedServer

SIZE = (130, 40)

#: A program that writes its arguments and its standard input to the file in $OUT.
RECORDER = """\
import json, os, sys
data = sys.stdin.read() if not sys.stdin.isatty() else ""
with open(os.environ["OUT"], "a", encoding="utf-8") as out:
    out.write(json.dumps({"argv": sys.argv[1:], "stdin": data}) + "\\n")
sys.exit(int(os.environ.get("CODE", "0")))
"""

HOSTILE_TITLE = "../../etc/passwd \x1b[31m/evil\\name\x07 " + "x" * 300


def home(tmp_path: Path) -> Paths:
    return Paths.under(tmp_path / "home")


def write_config(tmp_path: Path, text: str) -> Paths:
    paths = home(tmp_path)
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(text, encoding="utf-8")
    return paths


def recorder(tmp_path: Path, monkeypatch) -> tuple[str, Path]:
    script, out = tmp_path / "recorder.py", tmp_path / "recorded.jsonl"
    script.write_text(RECORDER, encoding="utf-8")
    monkeypatch.setenv("OUT", str(out))
    return json.dumps([sys.executable, str(script)])[1:-1], out


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []


async def wait_for(pilot, done, limit: float = 5.0) -> None:
    for _ in range(int(limit / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("not within the time limit")


def page_with_links(title: str = "Harbour pilots vote") -> ParsedDocument:
    body = "The vote (https://example.org/vote) and the port's notice (https://port.example.org/notice.pdf)."
    return ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(title=title, source="Harbour Gazette", url="https://example.org/story", body=body, published=NOW)
        ],
    )


async def open_first(pilot) -> None:
    headlines = pilot.app.screen.headlines
    headlines.focus()
    headlines.highlighted = 0
    await pilot.press("enter")
    await settle(pilot)


# -- 1. refresh by itself ---------------------------------------------------------


async def test_due_feeds_refresh_at_start_and_the_source_says_when(tmp_path):
    with FeedServer(feeds=1) as server:
        write_config(tmp_path, f'[[feed]]\nurl = "{server.url(0)}"\ntitle = "Office Zero"\n')
        app = NewsReaderApp(make_services(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.services.cache.totals()[0] == 3, limit=20)
            await wait_for(pilot, lambda: not app.screen.feeds.refreshing, limit=10)
            await settle(pilot)
            screen = app.screen
            assert screen.daily.wake is not None  # the next look at the schedule is set
            sources = screen.sources
            sources.focus()
            row = next(i for i, key in enumerate(sources.keys) if key.is_source)
            sources.highlighted = row
            await settle(pilot)
            status = str(screen.query_one("#status").render())
            assert "Office Zero: refreshed" in status and "next in" in status, status


async def test_a_notify_rule_on_refreshed_articles_gives_one_notification(tmp_path):
    with FeedServer(feeds=1) as server:
        write_config(
            tmp_path,
            f'[[feed]]\nurl = "{server.url(0)}"\n\n[[rule]]\nmatch = "berth"\nactions = ["notify"]\n',
        )
        app = NewsReaderApp(make_services(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.services.cache.totals()[0] == 3, limit=20)
            await wait_for(pilot, lambda: bool(app.screen.daily.told), limit=10)
            assert [note.title for note in app.screen.daily.told] == ["3 new articles match 'berth'"]


async def test_refresh_on_start_false_leaves_the_feeds(tmp_path):
    with FeedServer(feeds=1) as server:
        write_config(tmp_path, f'[[feed]]\nurl = "{server.url(0)}"\n\n[fetch]\nrefresh_on_start = false\n')
        app = NewsReaderApp(make_services(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.pause(0.5)
            assert not app.screen.feeds.refreshing
            assert app.services.cache.totals()[0] == 0


# -- 2. other processes' writes ----------------------------------------------------


async def test_another_process_import_shows_within_two_seconds(tmp_path):
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first(pilot)
        opened = reading(app)
        await pilot.pause(1.2)  # the watcher has taken its first mark
        paths = app.services.paths
        other = Cache(paths.cache_db, paths.state_db)
        other.import_document(ferry_page(), now=int(NOW.timestamp()))
        other.close()
        before = len(headline_titles(app))
        await wait_for(pilot, lambda: len(headline_titles(app)) > before, limit=2.0)
        assert reading(app) == opened  # the open article stays


async def test_an_open_article_removed_elsewhere_is_a_quiet_message(tmp_path):
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first(pilot)
        screen = app.screen
        gone = screen.article.id
        screen.services.cache.connection().execute("DELETE FROM articles WHERE id = ?", (gone,))
        screen.services.cache.connection().commit()
        screen.daily.cache_changed()
        await settle(pilot)
        assert any("removed this article" in str(n.message) for n in app._notifications)
        assert app.is_running


async def test_the_own_refresh_reloads_the_lists_not_the_watcher_too(tmp_path):
    """During the reader's own refresh the cache changes every second: its
    progress reloads the lists, the watcher's look does not again."""
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        reloads: list[int] = []
        screen.reload = lambda: reloads.append(1)
        screen.feeds.refreshing = True
        screen.daily.cache_changed()
        assert reloads == []
        screen.feeds.refreshing = False
        screen.daily.cache_changed()
        assert reloads == [1]


# -- 3. rules ------------------------------------------------------------------------


async def test_rules_apply_in_the_app_and_flagged_rows_are_marked(tmp_path):
    write_config(tmp_path, "[[rule]]\nmatch = 'title:ferry'\nactions = [\"flag\"]\n")
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entries = app.screen.headlines.entries
        flagged = [e for e in entries if e.row.flagged]
        assert [e.row.title for e in flagged] == ["Ferry timetable changes for winter"]
        label = app.screen.headlines.label(flagged[0])
        assert display.FLAG_MARK in str(label)


# -- 4. notifications ----------------------------------------------------------------


async def test_notifications_come_at_most_one_every_few_seconds(tmp_path, monkeypatch):
    command, out = recorder(tmp_path, monkeypatch)
    write_config(tmp_path, f'[ui]\nnotify_command = [{command}, "{{title}}", "{{body}}"]\n')
    clock = [NOW]
    services = make_services(tmp_path, story_page())
    services.clock = lambda: clock[0]
    app = NewsReaderApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        daily = app.screen.daily
        daily.news(NewsToTell({"port strike": [1]}, []))
        assert len(daily.told) == 1
        daily.news(NewsToTell({"port strike": [2, 3]}, []))
        clock[0] = NOW + timedelta(seconds=2)
        daily.tell()
        assert len(daily.told) == 1  # too soon
        clock[0] = NOW + timedelta(seconds=6)
        daily.tell()
        assert len(daily.told) == 2
        assert daily.told[1].title == "2 new articles match 'port strike'"
        await settle(pilot)
        await wait_for(pilot, lambda: len(records(out)) == 2)
        told = sorted(r["argv"][0] for r in records(out))  # the two commands ran side by side
        assert told == ["1 new article matches 'port strike'", "2 new articles match 'port strike'"]


# -- 5, 6. links, openers, pipe, save ---------------------------------------------------


async def test_links_screen_opens_and_copies(tmp_path):
    opened: list[str] = []
    services = make_services(tmp_path, page_with_links())
    services.open_url = lambda url: opened.append(url)  # type: ignore[func-returns-value]
    app = NewsReaderApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert type(app.screen).__name__ == "LinksScreen"
        urls = [link.url for link in app.screen.links]
        assert "https://example.org/vote" in urls and "https://port.example.org/notice.pdf" in urls
        await pilot.press("o")
        await settle(pilot)
        assert opened == [urls[0]]
        await pilot.press("down", "y")
        assert app.clipboard == urls[1]
        await pilot.press("escape")
        assert type(app.screen).__name__ == "MainScreen"


async def test_o_uses_the_first_matching_opener(tmp_path, monkeypatch):
    command, out = recorder(tmp_path, monkeypatch)
    write_config(tmp_path, f'[[opener]]\nmatch = \'example\\.org/\'\ncommand = [{command}, "{{url}}", "{{title}}"]\n')
    app = NewsReaderApp(make_services(tmp_path, page_with_links()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first(pilot)
        await pilot.press("o")
        await settle(pilot)
        await wait_for(pilot, lambda: records(out))
        assert records(out)[0]["argv"] == ["https://example.org/story", "Harbour pilots vote"]


async def test_pipe_and_save_with_a_hostile_title(tmp_path, monkeypatch):
    command, out = recorder(tmp_path, monkeypatch)
    save_dir = tmp_path / "saved"
    save_dir.mkdir()
    write_config(tmp_path, f'[ui]\npipe_command = [{command}]\nsave_dir = "{save_dir}"\n')
    app = NewsReaderApp(make_services(tmp_path, page_with_links(HOSTILE_TITLE)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_first(pilot)
        await pilot.press("vertical_line")
        await settle(pilot)
        piped = records(out)
        assert len(piped) == 1 and piped[0]["stdin"].startswith("# ../../etc/passwd")
        assert "\x1b" not in piped[0]["stdin"] and "\x07" not in piped[0]["stdin"]
        assert any("exited with status 0" in str(n.message) for n in app._notifications)
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        saved = sorted(p.name for p in save_dir.iterdir())
        assert len(saved) == 2, saved
        assert all("/" not in name and "\\" not in name and not name.startswith(".") for name in saved)
        assert all(len(name.encode()) <= 130 for name in saved)
        assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".md") == []
        assert any("Saved to" in str(n.message) for n in app._notifications)


# -- 7. read by story -------------------------------------------------------------------


def sample_app(tmp_path: Path) -> NewsReaderApp:
    """The bundled sample: stories told by several outlets."""
    services = make_services(tmp_path)
    load_sample(services.cache, as_of=NOW)
    return NewsReaderApp(services)


async def test_opening_marks_the_story_read_and_ctrl_z_undoes_it(tmp_path):
    app = sample_app(tmp_path)
    services = app.services
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        index = next(i for i, e in enumerate(screen.headlines.entries) if e.is_story)
        head = screen.headlines.entries[index].row.id
        versions = story_versions(services.cache, head)
        assert len(versions) >= 3
        screen.headlines.focus()
        screen.headlines.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert all(services.cache.article(i).is_read for i in versions)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not any(services.cache.article(i).is_read for i in versions)


# -- 8. sync status line ----------------------------------------------------------------


async def test_sync_status_line_under_the_sources(tmp_path):
    folder = tmp_path / "sync"
    folder.mkdir()
    write_config(tmp_path, f'[sync]\nbackend = "folder"\npath = "{folder}"\n')
    app = NewsReaderApp(make_services(tmp_path, story_page()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: bool(app.screen.sources.border_subtitle))
        assert "sync" in str(app.screen.sources.border_subtitle)
        await open_first(pilot)  # a read mark: a sync follows a few seconds later
        assert app.screen.daily.trigger is not None
        app.screen.daily.trigger.cancel()


async def test_A_on_a_source_marks_its_stories_other_versions_read(tmp_path):
    app = sample_app(tmp_path)
    services = app.services
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        head = next(e for e in screen.headlines.entries if e.is_story).row
        sources = screen.sources
        sources.focus()
        sources.highlighted = next(
            i for i, key in enumerate(sources.keys) if key.is_source and key.number == head.source_id
        )
        await settle(pilot)
        screen.headlines.focus()
        await pilot.press("A")
        await settle(pilot)
        versions = story_versions(services.cache, head.id)
        assert len(versions) >= 3
        assert all(services.cache.article(i).is_read for i in versions)  # other outlets' versions too
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not any(services.cache.article(i).is_read for i in versions)
