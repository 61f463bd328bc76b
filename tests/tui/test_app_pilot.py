"""Pilot tests: the reader driven by its keys, checked on state and on disk."""

from __future__ import annotations

import re

from newsreader.tui.keys import ALL, BOOKMARKS, BRIEFING, UNREAD
from newsreader.tui.messages import ArticleLoaded
from newsreader.tui.screens import jobs
from tests.support.app import (
    NOW,
    article_text,
    ferry_page,
    headline_titles,
    hostile_page,
    make_app,
    open_story,
    reading,
    related_titles,
    settle,
    story_page,
)

SIZE = (130, 40)


def shown_text(renderable) -> str:
    """A Rich renderable as plain text, 120 columns wide."""
    import io

    from rich.console import Console

    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def palette_titles(pilot, query: str) -> list[str]:
    """The command palette's matches for ``query``, as the reader sees them."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await pilot.pause()
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one("#--input").query_one("Input").value = query
    await pilot.pause(0.3)
    commands = palette.query_one(CommandList)
    titles = [str(commands.get_option_at_index(i).prompt).split("\n")[0] for i in range(commands.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return titles


async def test_main_screen_lists_sources_headlines_and_opens_article(tmp_path):
    app = make_app(tmp_path, story_page())
    log: list = []
    async with app.run_test(size=SIZE, message_hook=log.append) as pilot:
        await settle(pilot)
        screen = app.screen
        sources = screen.query_one("#sources")
        keys = sources.keys
        assert keys[:4] == [BRIEFING, ALL, UNREAD, BOOKMARKS]
        assert len(keys) == 6  # two sources
        # newest first
        assert headline_titles(app) == [
            "Ferry timetable changes for winter",
            "Lighthouse restoration wins heritage grant",
            "Port Calder pilots agree four-year contract",
        ]
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        assert reading(app) == "Port Calder pilots agree four-year contract"
        # (a message bubbles from the screen to the app: the hook sees it twice)
        [loaded] = {id(m): m for m in log if isinstance(m, ArticleLoaded)}.values()
        assert loaded.row.title == "Port Calder pilots agree four-year contract" and loaded.marked == [
            (loaded.row.id, False)
        ]
        assert "unread" not in article_text(app).split("\n")[1]  # opening it marked it read
        body = article_text(app)
        assert "Pilot boats at the Calder quay." in body and "Harbour Gazette" in body
        assert "1 day ago" in body  # day precision: never a fake minute
        assert related_titles(app) == [
            "Ferry timetable changes for winter",
            "Lighthouse restoration wins heritage grant",
        ]
        assert "on the page (2)" in str(screen.query_one("#related").get_option_at_index(0).prompt)


async def test_related_keys_and_history_restore_scroll(tmp_path):
    app = make_app(tmp_path, story_page(), ferry_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        view = screen.query_one("#article")
        view.scroll_to(y=20, animate=False, immediate=True)
        await pilot.pause()
        assert view.scroll_y == 20
        await pilot.press("1")
        await settle(pilot)
        assert reading(app) == "Ferry timetable changes for winter"
        # the ferry page's own related story is now in the sidebar
        assert "Valley rail line reopens after repairs" in related_titles(app)
        await pilot.press("H")
        await settle(pilot)
        assert reading(app) == "Port Calder pilots agree four-year contract"
        await pilot.pause(0.2)
        assert view.scroll_y == 20
        await pilot.press("L")
        await settle(pilot)
        assert reading(app) == "Ferry timetable changes for winter"
        await pilot.press("backspace")
        await settle(pilot)
        assert reading(app) == "Port Calder pilots agree four-year contract"
        # ] and [ step through this article's related list, keeping it in the sidebar
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert reading(app) == "Ferry timetable changes for winter"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert reading(app) == "Lighthouse restoration wins heritage grant"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert reading(app) == "Ferry timetable changes for winter"
        await pilot.press("9")
        await settle(pilot)
        assert reading(app) == "Ferry timetable changes for winter"  # no story 9: nothing happens


async def test_summary_only_story_says_so(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, "Lighthouse restoration wins heritage grant")
        body = article_text(app)
        assert "Summary only" in body
        assert "heritage grant" in body


async def test_history_survives_jump_across_sources(tmp_path):
    app = make_app(tmp_path, story_page(), ferry_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        await pilot.press("1")  # Harbour Gazette
        await settle(pilot)
        await pilot.press("1")  # Valley rail, Tideline Wire
        await settle(pilot)
        assert "Tideline Wire" in str(screen.query_one("#article").border_title)
        # switch the source list to Northern Ledger
        sources = screen.query_one("#sources")
        sources.focus()
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("H", "H")
        await settle(pilot)
        assert reading(app) == "Port Calder pilots agree four-year contract"


async def test_list_movement_and_panes(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        headlines = screen.query_one("#headlines")
        assert screen.focused is headlines
        await pilot.press("j")
        assert headlines.highlighted == 1
        await pilot.press("G")
        assert headlines.highlighted == 2
        await pilot.press("k")
        assert headlines.highlighted == 1
        await pilot.press("g")
        assert headlines.highlighted == 0
        await pilot.press("down")
        assert headlines.highlighted == 1
        await pilot.press("l")
        assert screen.focused is screen.query_one("#article")
        await pilot.press("l")
        assert screen.focused is screen.query_one("#related")
        await pilot.press("h", "h", "h")
        assert screen.focused is screen.query_one("#sources")
        await pilot.press("tab")
        assert screen.focused is headlines


async def test_unread_navigation_toggle_mark_all_and_undo(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        cache = app.services.cache
        await pilot.press("n")
        await settle(pilot)
        assert reading(app) == "Ferry timetable changes for winter"
        await pilot.press("n")
        await settle(pilot)
        assert reading(app) == "Lighthouse restoration wins heritage grant"
        await pilot.press("p")
        await settle(pilot)
        assert reading(app) == "Lighthouse restoration wins heritage grant"  # ferry is read: nothing before
        assert cache.totals() == (3, 1)
        screen.query_one("#article").focus()
        await pilot.press("m")
        await settle(pilot)
        assert cache.totals() == (3, 2)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cache.totals() == (3, 1)
        await pilot.press("A")
        await settle(pilot)
        assert cache.totals() == (3, 0)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cache.totals() == (3, 1)
        listing = screen.query_one("#headlines")
        port = headline_titles(app).index("Port Calder pilots agree four-year contract")
        assert str(listing.get_option_at_index(port).prompt).startswith("● ")  # unread again


async def test_open_and_copy_link(tmp_path):
    from newsreader.core.models import Article, ParsedDocument

    opened: list[str] = []
    feed = ParsedDocument(
        format="rss",
        feed_title="Meridian Post",
        feed_url="https://meridian.example/rss",
        articles=[
            Article(title="Budget passes", url="https://meridian.example/budget", body="The budget passed."),
            Article(title="Bad link", url="javascript:alert(1)", body="A story with a hostile link."),
        ],
    )
    app = make_app(tmp_path, feed, opened=opened)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, "Budget passes")
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://meridian.example/budget"]
        await pilot.press("y")
        assert app.clipboard == "https://meridian.example/budget"
        await open_story(pilot, "Bad link")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("y")
        assert opened == ["https://meridian.example/budget"]
        assert app.clipboard == "https://meridian.example/budget"
        assert any("refused" in n.message for n in app._notifications)


async def test_hostile_text_is_shown_literally_and_does_nothing(tmp_path):
    app = make_app(tmp_path, hostile_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await open_story(pilot, headline_titles(app)[0])
        body = screen.query_one("#article-body").render()
        assert "[@click=app.quit]Click me[/]" in body.plain
        assert "[link=file:///etc/passwd]x[/link]" in body.plain
        for ch in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert ch not in body.plain
        assert not any("link" in str(s.style) for s in body.spans)
        # clicking the headline does not run the embedded action
        await pilot.click("#headlines", offset=(5, 1))
        await settle(pilot)
        assert app.is_running
        sources = screen.query_one("#sources")
        labels = [sources.get_option_at_index(i).prompt for i in range(sources.option_count)]
        assert any("[bold red]Evil[/]" in str(getattr(label, "plain", label)) for label in labels)


async def test_help_palette_and_keymap(tmp_path):
    from newsreader.core.paths import Paths

    paths = Paths.under(tmp_path / "home")
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text('[keymap]\n"bookmark" = "s"\n')
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        await pilot.press("s")  # rebound bookmark key
        await settle(pilot)
        assert len(app.services.bookmarks) == 1
        await pilot.press("b")  # the old key no longer bookmarks
        await settle(pilot)
        assert len(app.services.bookmarks) == 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        help_text = shown_text(app.screen.table)
        for action in (
            "Bookmark",
            "Back",
            "Forward",
            "Search",
            "Open related story 1",
            "Next related story",
            "Undo",
            "Mark source read",
        ):
            assert action in help_text
        await pilot.press("escape")
        assert re.search(r"^\s*s\s+Bookmark\s*$", help_text, re.M), help_text  # the keymap's key
        for action in ("Bookmark", "Back", "Next unread", "Copy link", "Open link", "Related sidebar"):
            assert action in await palette_titles(pilot, action)
        await pilot.press("q")
    assert not app.is_running


async def test_narrow_terminal_hides_sidebar_and_v_shows_it(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        related = screen.query_one("#related")
        assert related.styles.display == "none"
        await pilot.press("v")
        await pilot.pause()
        assert related.styles.display != "none"
        await open_story(pilot, "Port Calder pilots agree four-year contract")
        assert related.region.width > 0


async def test_long_lists_are_paged(tmp_path):
    from datetime import timedelta

    from newsreader.core.models import Article, ParsedDocument
    from newsreader.tui.first_screen import HEADLINE_PAGE

    many = ParsedDocument(
        format="rss",
        feed_title="Tideline Wire",
        feed_url="https://tideline.example/rss",
        articles=[
            Article(
                title=f"Tide table for day {n}",
                url=f"https://tideline.example/tides/{n}",
                body="High water at noon.",
                published=NOW - timedelta(hours=n),
                precision="exact",
            )
            for n in range(HEADLINE_PAGE + 50)
        ],
    )
    app = make_app(tmp_path, many)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        headlines = screen.query_one("#headlines")
        assert len(headline_titles(app)) == HEADLINE_PAGE
        assert headlines.option_count == HEADLINE_PAGE
        await pilot.press("G")  # to the end of what is loaded: the next page follows
        await settle(pilot)
        assert len(headline_titles(app)) == HEADLINE_PAGE + 50
        assert headlines.option_count == HEADLINE_PAGE + 50
        assert headlines.highlighted == HEADLINE_PAGE - 1  # the cursor did not move
        assert headlines.border_title == f"Headlines ({HEADLINE_PAGE + 50})"  # no "+": all read


async def test_big_cache_is_checked_in_the_background(tmp_path, monkeypatch):
    import newsreader.store.opener as opener

    app = make_app(tmp_path, story_page())
    app.services.cache_checked = False
    monkeypatch.setattr(opener, "quick_check", lambda cache: "database disk image is malformed")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert opener.damage_marker(app.services.paths.cache_db).exists()
        assert any("rebuilt when newsreader starts again" in n.message for n in app._notifications)


def test_garbage_is_collected_while_the_reader_pauses(tmp_path, monkeypatch):
    """The app's timer hands the collector the seconds since the last key
    press: no pass right after one (idle_collector.py decides the rest)."""
    import gc
    import time

    from newsreader.tui import idle_collector

    passes: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *args: passes.append(1) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, gc.get_threshold()[2]))
    app = make_app(tmp_path, story_page())
    app.last_key_at = time.monotonic()
    app.collect_when_idle()
    assert passes == []  # a key was just pressed
    app.last_key_at = time.monotonic() - idle_collector.IDLE_BEFORE_COLLECTING - 0.01
    app.collect_when_idle()
    assert passes == [1]


async def test_a_failing_worker_is_a_message_not_a_crash(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(jobs, "change_read", broken)
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert app.is_running
        assert any("RuntimeError: the disk went away" in n.message for n in app._notifications)


async def test_a_failing_workers_text_is_never_markup(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("[@click=app.quit]feed[/]\x1b]52;c;aGk=\x07 gone")

    monkeypatch.setattr(jobs, "change_read", broken)
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert app.is_running
        [note] = [n for n in app._notifications if "RuntimeError" in n.message]
        assert note.markup is False
        assert "[@click=app.quit]feed[/]" in note.message and "\x1b" not in note.message


async def test_panes_post_what_the_reader_chose(tmp_path):
    from newsreader.tui.messages import ArticleChosen, HeadlinesLoaded, SourceChosen

    app = make_app(tmp_path, story_page())
    log: list = []
    async with app.run_test(size=SIZE, message_hook=log.append) as pilot:
        await settle(pilot)
        sources = app.screen.query_one("#sources")
        sources.focus()
        await pilot.press("j")  # Unread
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # the first unread headline
        await settle(pilot)
        chosen = [(m.key, m.selected) for m in {id(m): m for m in log if isinstance(m, SourceChosen)}.values()]
        assert chosen == [(UNREAD, False), (UNREAD, True)]
        loaded = [m.key for m in {id(m): m for m in log if isinstance(m, HeadlinesLoaded)}.values()]
        assert loaded[-1] == UNREAD
        [opened] = {id(m): m for m in log if isinstance(m, ArticleChosen)}.values()
        assert reading(app) == headline_titles(app)[0]
        assert opened.article_id == app.screen.query_one("#headlines").highlighted_key
