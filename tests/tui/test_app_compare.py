"""Pilot tests of the compare view (``c``): two outlets' versions of a story."""

from __future__ import annotations

from newsreader.tui.screens.compare_screen import CompareScreen
from tests.support.app import make_app, open_story, settle
from tests.support.bridge_story import bridge_documents

SIZE = (130, 40)
#: The story's row in the headlines is its newest version's (Tideline Wire's).
BRIDGE = "Amberly Bridge on Tollan River to stay closed after barge strikes pier"


def shown(app) -> tuple[str, str]:
    """The outlets of the two versions on screen (left, right)."""
    loaded = app.screen.loaded
    return loaded.left.source, loaded.right.source


async def open_compare(pilot, title: str = BRIDGE) -> None:
    """Open the story ``title`` and press c."""
    await settle(pilot)
    await open_story(pilot, title)
    await pilot.press("c")
    await settle(pilot)


def pane_text(app, side: str) -> str:
    return str(app.screen.query_one(f"#compare-{side} .version-body").render())


async def test_c_opens_two_versions_and_the_keys_change_the_outlets(tmp_path):
    app = make_app(tmp_path, *bridge_documents())
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert shown(app) == ("Tideline Wire", "Harbour Gazette")  # the article, then the first report
        assert "divers" in pane_text(app, "left")
        assert "ferry service" in pane_text(app, "right")
        coverage = str(screen.query_one("#compare-coverage").render())
        assert coverage.index("Harbour Gazette") < coverage.index("Northern Ledger") < coverage.index("Tideline Wire")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown(app) == ("Tideline Wire", "Northern Ledger")
        await pilot.press("right_square_bracket")  # wraps round, past the left side's outlet
        await settle(pilot)
        assert shown(app) == ("Tideline Wire", "Harbour Gazette")
        await pilot.press("left")
        await settle(pilot)
        assert shown(app) == ("Tideline Wire", "Northern Ledger")
        await pilot.press("tab")  # the left side is chosen now
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown(app) == ("Harbour Gazette", "Northern Ledger")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CompareScreen)


async def test_shared_sentences_are_dimmed_and_the_rest_stands_out(tmp_path):
    app = make_app(tmp_path, *bridge_documents())
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown(app) == ("Tideline Wire", "Northern Ledger")
        body = app.screen.query_one("#compare-right .version-body").render()
        styles = {str(body)[s.start : s.end]: s.style for s in body.spans}

        def style_of(start: str):
            return next(style for text, style in styles.items() if text.startswith(start))

        assert style_of("A drifting barge").dim  # the Wire says it too
        assert style_of("Shop owners").bold and not style_of("Shop owners").dim
        assert style_of("12,000").reverse  # the Wire gives no figure
        quote = style_of('"a disaster for the weekend trade"')
        assert quote.underline and quote.italic


async def test_enter_reads_the_chosen_version(tmp_path):
    app = make_app(tmp_path, *bridge_documents())
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.article.source == "Harbour Gazette"


async def test_c_on_an_article_in_no_story_says_so(tmp_path):
    app = make_app(tmp_path, *bridge_documents()[:1])  # the Gazette alone
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot, "Barge strike closes Amberly Bridge over Tollan River")
        assert not isinstance(app.screen, CompareScreen)
        assert any("not part of a story" in str(n.message) for n in app._notifications)


async def test_markup_and_escapes_in_a_version_are_drawn_as_text(tmp_path):
    docs = bridge_documents()
    ledger = docs[1].articles[0]
    ledger.body += "\n[@click=app.quit]Quit[/] and \x1b]0;pwned\x07 an escape."
    app = make_app(tmp_path, *docs)
    async with app.run_test(size=SIZE) as pilot:
        await open_compare(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        text = pane_text(app, "right")
        assert "[@click=app.quit]Quit[/]" in text and "\x1b" not in text and "\x07" not in text
        assert isinstance(app.screen, CompareScreen)  # nothing was clicked or quit
