"""Revisions in the reader: an article a feed changed says "updated" in the
list, and ``D`` shows what changed since the version you read."""

from __future__ import annotations

import pytest

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.worddiff import word_diff
from newsreader.store import Cache, Revision
from newsreader.tui.app import NewsReaderApp
from newsreader.tui.screens.changes_screen import MAX_SHOWN_CHARS, ChangesLoaded, ChangesScreen, changes_text
from newsreader.tui.screens.main_screen import MainScreen
from tests.support.app import NOW, article_text, make_services, open_story, settle

SIZE = (120, 36)
T0 = int(NOW.timestamp()) - 3 * 3600

OLD_TITLE = "Harbour dredging to start in March"
NEW_TITLE = "Harbour dredging delayed to May"
OLD_BODY = (
    "The port authority said dredging of the inner harbour would start in March and cost 12 million.\n"
    "Pilots will guide the dredgers through the night.\n"
    "The ferry timetable is not affected."
)
NEW_BODY = (
    "The port authority said dredging of the inner harbour would start in May and cost 15 million, "
    "after a survey found old moorings [bold]under the quay[/bold] \x1b[31m.\n"
    "Pilots will guide the dredgers through the night.\n"
    "The ferry timetable is not affected."
)


def quay_feed(title: str, body: str) -> ParsedDocument:
    return ParsedDocument(
        format="rss",
        feed_url="https://quay.test/feed.xml",
        feed_title="Quay Courier",
        articles=[
            Article(title=title, url="https://quay.test/dredging", body=body, published=NOW, precision="exact"),
            Article(
                title="Ferry fares frozen for winter",
                url="https://quay.test/fares",
                body="Fares stay as they are until April.",
                published=NOW,
                precision="exact",
            ),
        ],
    )


def revised_app(tmp_path, *, read_first: bool = True) -> NewsReaderApp:
    """The dredging story stored, read, then changed by the feed an hour later."""
    services = make_services(tmp_path)
    services.cache.import_document(quay_feed(OLD_TITLE, OLD_BODY), now=T0)
    if read_first:
        services.cache.set_read([services.cache.article_id_for_url("https://quay.test/dredging")], True)
    services.cache.import_document(quay_feed(NEW_TITLE, NEW_BODY), now=T0 + 3600)
    services.config.ui.theme = "textual-dark"
    return NewsReaderApp(services)


def label_of(app, title: str) -> str:
    headlines = app.screen.query_one("#headlines")
    entry = next(e for e in headlines.entries if e.row.title == title)
    return headlines.label(entry).plain


async def test_d_shows_the_words_that_changed_since_the_version_read(tmp_path):
    app = revised_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "updated" in label_of(app, NEW_TITLE)
        assert "updated" not in label_of(app, "Ferry fares frozen for winter")
        await open_story(pilot, NEW_TITLE)
        assert "updated" not in label_of(app, NEW_TITLE)  # opened: seen
        assert "D shows what changed" in article_text(app)
        await pilot.press("D")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChangesScreen)
        text = screen.query_one("#changes-text").render()
        shown = str(text)
        assert "Since the version you read (version 1" in shown
        assert "[bold]under the quay[/bold]" in shown and "\x1b" not in shown  # the feed's text, literally
        spans = {shown[s.start : s.end].strip(): str(s.style) for s in text.spans if shown[s.start : s.end].strip()}
        removed, added = {"strike", "red"}, {"underline", "green"}
        assert removed <= set(spans["March"].replace("ansi_", "").split())
        assert added <= set(spans["May"].replace("ansi_", "").split())
        assert removed <= set(spans["12 million."].replace("ansi_", "").split())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_d_on_an_article_that_never_changed_says_so(tmp_path):
    app = revised_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, "Ferry fares frozen for winter")
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("has not changed" in str(n.message) for n in app._notifications)


async def test_d_without_an_open_article(tmp_path):
    app = revised_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("Open an article first" in str(n.message) for n in app._notifications)


def test_snapshot_of_the_changes_view(snap_compare, tmp_path):
    async def open_and_diff(pilot):
        await settle(pilot)
        await open_story(pilot, NEW_TITLE)
        await pilot.press("D")
        await settle(pilot)

    assert snap_compare(revised_app(tmp_path, read_first=False), terminal_size=SIZE, run_before=open_and_diff)


def test_snapshot_of_an_updated_headline(snap_compare, tmp_path):
    assert snap_compare(revised_app(tmp_path), terminal_size=SIZE, run_before=settle)


def test_a_huge_diff_is_cut_in_the_view():
    old = "\n".join(f"Line {n} of the old text." for n in range(40_000))
    new = "\n".join(f"Line {n} of the new text." for n in range(40_000))
    base, current = Revision(1, "T", old, T0), Revision(2, "T", new, T0 + 60)
    text = changes_text(ChangesLoaded(1, base, current, False, word_diff("T", "T"), word_diff(old, new)), NOW)
    assert len(text.plain) < MAX_SHOWN_CHARS + 1000
    assert text.plain.rstrip().endswith("prints every change)")


# -- an open article a refresh changes; marking read ----------------------------------

LONG_TAIL = "\n".join(f"Paragraph {n}: the survey of the quay walls went on through the week." for n in range(60))


async def test_an_open_article_another_process_revises_shows_its_new_version_in_place(tmp_path):
    services = make_services(tmp_path)
    services.cache.import_document(quay_feed(OLD_TITLE, OLD_BODY + "\n" + LONG_TAIL), now=T0)
    app = NewsReaderApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, OLD_TITLE)
        view = app.screen.query_one("#article")
        for _ in range(100):  # the text's height is known once its layout has run
            if view.max_scroll_y >= 12:
                break
            await pilot.pause(0.05)
        view.scroll_to(y=12, animate=False, immediate=True)
        await pilot.pause()
        assert view.scroll_y == 12
        other = Cache(services.paths.cache_db, services.paths.state_db)  # a refresh in another process
        other.import_document(quay_feed(NEW_TITLE, NEW_BODY + "\n" + LONG_TAIL), now=T0 + 3600)
        other.close()
        app.screen.daily.cache_changed()  # what the watcher does when it sees the write
        # Not settle(): the list's second read may replace the first (an exclusive worker group).
        for _ in range(100):
            told = any("D shows what changed" in str(n.message) for n in app._notifications)
            if told and article_text(app).startswith(NEW_TITLE) and "updated" not in label_of(app, NEW_TITLE):
                break
            await pilot.pause(0.05)
        text = article_text(app)
        assert text.startswith(NEW_TITLE) and "15 million" in text
        assert "Updated: the feed changed this article" in text
        assert view.scroll_y == 12  # where the reader was
        assert any("D shows what changed" in str(n.message) for n in app._notifications)
        # On screen is seen: not "updated" in the list, and D compares with the version read.
        assert "updated" not in label_of(app, NEW_TITLE)
        assert services.cache.search("is:updated") == []
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ChangesScreen)
        assert "Since the version you read (version 1" in str(app.screen.query_one("#changes-text").render())


async def test_another_write_leaves_the_open_article_as_it_is(tmp_path):
    app = revised_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_story(pilot, NEW_TITLE)
        shown = app.screen.article
        app.screen.daily.cache_changed()
        await settle(pilot)
        assert app.screen.article is shown  # not drawn again: its "Updated" line stays
        assert "D shows what changed" in article_text(app)


async def test_marking_the_list_read_clears_updated(tmp_path):
    app = revised_app(tmp_path)  # the dredging story was read before it changed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "updated" in label_of(app, NEW_TITLE)
        app.screen.headlines.focus()
        await pilot.press("A")
        await settle(pilot)
        assert "updated" not in label_of(app, NEW_TITLE)
        assert app.services.cache.search("is:updated") == []
        assert any("no longer updated" in str(n.message) for n in app._notifications)


@pytest.mark.parametrize("read_first", [True, False])
async def test_undoing_mark_all_read_says_updated_again(tmp_path, read_first):
    app = revised_app(tmp_path, read_first=read_first)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.headlines.focus()
        await pilot.press("A")
        await settle(pilot)
        assert "updated" not in label_of(app, NEW_TITLE)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "updated" in label_of(app, NEW_TITLE)
        assert [h.title for h in app.services.cache.search("is:updated")] == [NEW_TITLE]
        assert (
            app.services.cache.article(app.services.cache.article_id_for_url("https://quay.test/dredging")).is_read
            is read_first
        )
