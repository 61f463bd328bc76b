"""The layout from 80×24 to 240×70: which panes show, titles whole where
they are listed, the article's text set to its measure."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.geometry import Region

from newsreader.tui.widgets.hanging import breaks, hang_of, line_count, one_cell, word_breaks, wrap_hanging
from tests.support.app import LONG_TITLE, long_titles_page, make_app, settle, story_page


def pane_lines(widget) -> list[str]:
    """A pane's lines as drawn, without the trailing space."""
    width, height = widget.outer_size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def words(lines: list[str]) -> str:
    """Drawn lines as one run of words (borders, scrollbars, wrapping and indents do not count)."""
    return re.sub(r"\s+", " ", re.sub("[│╭╮╰╯─▁▂▃▄▅▆▇█▔▕▏▌]", " ", " ".join(lines[1:-1])))


async def open_first(pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def shown(screen, selector: str) -> bool:
    widget = screen.query_one(selector)
    return widget.display and widget.styles.display != "none" and widget.region.width > 0


@pytest.mark.parametrize(
    ("size", "classes", "sidebar"),
    [
        ((80, 24), "-narrow", False),
        ((130, 40), "-wide", True),
        ((200, 50), "-columns", True),
    ],
)
async def test_the_panes_follow_the_width(tmp_path, size, classes, sidebar):
    app = make_app(tmp_path, long_titles_page())
    async with app.run_test(size=size) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert screen.has_class(classes)
        assert shown(screen, "#related") is sidebar
        for selector in ("#sources", "#headlines", "#article"):
            assert shown(screen, selector)
        sources, headlines = screen.query_one("#sources").region, screen.query_one("#headlines").region
        if classes == "-columns":  # four columns, side by side
            assert sources.right <= headlines.x and sources.y == headlines.y
            assert headlines.right <= screen.query_one("#article").region.x
        else:  # sources over headlines
            assert sources.bottom <= headlines.y and sources.x == headlines.x


@pytest.mark.parametrize("size", [(130, 40), (160, 45), (200, 50), (240, 70)])
async def test_a_long_title_is_whole_in_the_headlines_and_the_sidebar(tmp_path, size):
    app = make_app(tmp_path, long_titles_page())
    async with app.run_test(size=size) as pilot:
        await open_first(pilot)
        screen = app.screen
        assert len(LONG_TITLE) > 90
        assert LONG_TITLE in words(pane_lines(screen.query_one("#headlines")))
        related = words(pane_lines(screen.query_one("#related")))
        assert (
            "Ferry timetable changes for winter cut the late sailings to Skerry Point from four a night to two"
            in related
        )
        assert "…" not in related


@pytest.mark.parametrize("size", [(200, 50), (240, 70)])
async def test_the_article_keeps_its_measure_in_a_wide_pane(tmp_path, size):
    app = make_app(tmp_path, long_titles_page())
    async with app.run_test(size=size) as pilot:
        await open_first(pilot)
        view = app.screen.query_one("#article")
        assert view.region.width >= 80 + 4  # the measure and its frame fit
        lines = pane_lines(app.screen.query_one("#article-body"))
        assert max(len(line) for line in lines) <= 80
        assert max(len(line) for line in lines) >= 70  # and it does use the measure
        assert view.max_scroll_y > 0  # the scrollbar shows, and the text stays clear of it
        assert app.screen.query_one("#article-body").region.right <= view.scrollable_content_region.right


async def test_the_measure_comes_from_the_config(tmp_path):
    app = make_app(tmp_path, long_titles_page())
    app.services.config.ui.measure = 60
    async with app.run_test(size=(200, 50)) as pilot:
        await open_first(pilot)
        lines = pane_lines(app.screen.query_one("#article-body"))
        assert 50 <= max(len(line) for line in lines) <= 60


async def test_resizing_moves_between_the_layouts(tmp_path):
    app = make_app(tmp_path, story_page())
    async with app.run_test(size=(200, 50)) as pilot:
        await open_first(pilot)
        for size, classes in [((120, 40), "-wide"), ((90, 30), "-narrow"), ((170, 50), "-columns")]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert app.screen.has_class(classes)
            await pilot.press("j", "k", "tab")  # the keys still move and change pane
            await settle(pilot)
        assert app.screen.focused is not None


def test_continuation_lines_hang_under_the_text():
    content = Content.from_rich_text(
        Text("● Port Calder pilots agree a four-year contract\n    Harbour Gazette · 1 day ago")
    )
    wrapped = wrap_hanging(content, 20).plain.split("\n")
    assert wrapped == [
        "● Port Calder pilots",
        "  agree a four-year",
        "  contract",
        "    Harbour Gazette",
        "    · 1 day ago",
    ]
    assert hang_of("1 Ferry timetable", 40) == 2
    assert hang_of("  ↳ ● ★ A member", 40) == 8
    assert hang_of("● 3 ships", 40) == 2  # a digit in the title is no number
    assert hang_of("⚑ A flagged title", 40) == 2


def test_a_style_never_spreads_onto_an_indent():
    content = Content.from_rich_text(Text("● Port Calder pilots agree a four-year contract", style="bold"))
    wrapped = wrap_hanging(content, 20)
    plain = wrapped.plain
    indents = [match.start() for match in re.finditer(r"\n  ", plain)]
    assert len(indents) == 2
    for span in wrapped.spans:
        assert not any(span.start <= at + 1 < span.end for at in indents)
    assert "".join(plain[span.start : span.end] for span in wrapped.spans).replace(" ", "") == (
        "●PortCalderpilotsagreeafour-yearcontract"
    )


@given(
    line=st.text(alphabet=st.sampled_from("ab ●’é"), max_size=80),
    width=st.integers(min_value=1, max_value=60),
    hang=st.integers(min_value=0, max_value=30),
)
def test_lines_of_one_cell_characters_break_where_the_word_by_word_wrap_breaks_them(line, width, hang):
    hang = min(hang, width // 2)
    assert one_cell(line)
    assert breaks(line, width, hang) == word_breaks(line, width, hang)


def test_characters_that_are_not_one_cell_take_the_word_by_word_wrap():
    assert one_cell("Port Calder’s pilots — “a fair deal” ● ★ ↳ é")
    assert not one_cell("港口 pilots")  # two cells each
    assert not one_cell("a\u00a0b")  # a space that does not break
    assert not one_cell("a\u200bb")  # no cell at all
    assert breaks("港口 pilots agree", 6, 0) == word_breaks("港口 pilots agree", 6, 0)


@given(
    text=st.text(alphabet=st.sampled_from("ab ●漢\n"), max_size=80).filter(lambda t: "\n   " not in t),
    width=st.integers(min_value=10, max_value=60),
)
def test_hanging_wrap_fits_keeps_every_character_and_is_measured_exactly(text, width):
    out = wrap_hanging(Content(text), width).plain
    assert out.count("\n") + 1 == line_count(text, width)
    assert all(cell_len(line) <= width for line in out.split("\n"))
    assert "".join(out.split()) == "".join(text.split())


async def test_a_click_on_a_wrapped_line_opens_its_headline(tmp_path):
    app = make_app(tmp_path, long_titles_page())
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one("#headlines")
        lines = pane_lines(headlines)
        # The second headline's second title line (the first line is the border).
        first = next(i for i, line in enumerate(lines) if "● Ferry timetable" in line)
        assert "●" not in lines[first + 1]  # a continuation line
        await pilot.click(headlines, offset=(10, first + 1))
        await settle(pilot)
        assert app.screen.article is not None
        assert app.screen.article.title.startswith("Ferry timetable changes for winter cut")


def highlighted_rows(widget) -> list[int]:
    """The lines of a list drawn with a background of their own (the highlight)."""
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    backgrounds = [next(iter(strip.crop(3, 4))).style.bgcolor for strip in strips]  # inside the frame
    plain = backgrounds[-1]  # the frame's bottom line
    return [y for y, background in enumerate(backgrounds) if background != plain]


async def test_moving_the_highlight_draws_the_row_it_leaves_and_the_row_it_lands_on(tmp_path):
    app = make_app(tmp_path, long_titles_page())
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        headlines = app.screen.query_one("#headlines")
        headlines.focus()
        await settle(pilot)
        first = highlighted_rows(headlines)
        await pilot.press("j")
        await settle(pilot)
        second = highlighted_rows(headlines)
        assert first and second and not set(first) & set(second)
        assert min(second) == max(first) + 1  # the next row, right under it
        await pilot.press("k")
        await settle(pilot)
        assert highlighted_rows(headlines) == first


async def test_the_sidebar_shown_with_v_in_a_narrow_terminal_fits_beside_the_article(tmp_path):
    app = make_app(tmp_path, long_titles_page())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert shown(screen, "#related")
        article, related = screen.query_one("#article").region, screen.query_one("#related").region
        assert article.right <= related.x and related.right <= 80
        view = screen.query_one("#article")
        assert screen.query_one("#article-body").region.right <= view.scrollable_content_region.right
        assert "Ferry timetable changes for winter cut the late sailings" in words(
            pane_lines(screen.query_one("#related"))
        )
