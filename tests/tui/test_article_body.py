"""The article's text drawn line by line: wrapped once per width and kept,
laid out again only when its height changes; list labels drawn from their
wrapped lines as Textual would draw them."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.style import Style
from textual.visual import RenderOptions

from newsreader.tui.widgets.article_view import ArticleBody
from newsreader.tui.widgets.hanging import Hanging, wrapped_strips
from tests.support.app import long_titles_page, make_app, settle
from tests.tui.test_layout import open_first


def _drawn(strips) -> list[list[tuple[str, str]]]:
    """Each line's segments as (text, style), the style without its meta (offsets)."""
    return [[(segment.text, str(segment.style)) for segment in strip if segment.text] for strip in strips]


def _label(title: str, meta: str, highlight: str | None = None) -> Text:
    text = Text(overflow="fold")
    text.append("● ", style="bold")
    text.append(title, style="bold red")
    text.append("\n    ", style="dim")
    text.append(meta, style="dim")
    if highlight:
        text.highlight_words([highlight], style="reverse", case_sensitive=False)
    return text


def _textual_strips(visual: Hanging, width: int, style: Style) -> list:
    options = RenderOptions(lambda s: s if isinstance(s, Style) else Style.parse(s), {})
    rules = {"text_wrap": "nowrap", "text_overflow": "clip"}
    return visual.at(width).render_strips(width, None, style, replace(options, rules=rules))


def test_labels_are_drawn_as_textual_draws_their_wrapped_lines():
    console = Console(width=120)
    base = Style(foreground=None, bold=False) + Style.parse("italic")
    options = RenderOptions(lambda s: s if isinstance(s, Style) else Style.parse(s), {})
    labels = [
        _label("Council approves the harbour budget after a long debate", "Harbour Gazette · 3 hours ago"),
        # Spans that overlap: the search's words over the title and the meta line.
        _label("Harbour ferry fares rise; harbour board explains", "Harbour Gazette · 1 day ago", "harbour"),
        # Two-cell characters, and a word longer than the line.
        _label("港口渡轮时刻表冬季调整 and a verylongwordthatmustfoldacrosslines", "Tideline Wire · 5 min ago"),
        Text(""),
    ]
    for label in labels:
        for width in (12, 30, 70):
            visual = Hanging(label, console)
            ours = wrapped_strips(visual.at(width), width, base, options)
            assert ours is not None
            assert _drawn(ours) == _drawn(_textual_strips(visual, width, base))
            assert [s.cell_length for s in ours] == [s.cell_length for s in _textual_strips(visual, width, base)]


def test_a_line_wider_than_the_width_is_left_to_textual():
    options = RenderOptions(lambda s: s, {})
    assert wrapped_strips(Content("a line of twenty-six cells"), 10, Style(), options) is None
    assert wrapped_strips(Content("a\ttab"), 40, Style(), options) is None


def _record_layouts(widget) -> list[bool]:
    """Whether each refresh of ``widget`` from now on asks for a layout."""
    layouts: list[bool] = []
    refresh = widget.refresh

    def recording_refresh(*regions, **kwargs):
        layouts.append(kwargs.get("layout", False))
        return refresh(*regions, **kwargs)

    widget.refresh = recording_refresh
    return layouts


async def test_an_open_article_is_wrapped_once_and_a_redraw_of_its_height_needs_no_layout(tmp_path):
    app = make_app(tmp_path, long_titles_page())
    async with app.run_test(size=(200, 50)) as pilot:
        await open_first(pilot)
        screen = app.screen
        view = screen.query_one("#article")
        body = screen.query_one("#article-body", ArticleBody)
        width = body.size.width
        lines = body.lines_at(width)
        assert len(lines) == body.size.height > 1
        assert body.lines_at(width) is lines  # kept, not wrapped again
        # The pane scrolls through exactly the text's lines.
        assert view.virtual_size.height == len(lines)
        assert view.max_scroll_y > 0

        layouts = _record_layouts(body)
        word = str(view.article.title).split()[0]
        view.highlight = (word,)  # the same text with a word marked: the same height
        await settle(pilot)
        assert layouts == [False]
        assert body.lines_at(width) is not lines  # drawn again, with the mark
        marked = [s for s in body.render().spans if getattr(s.style, "reverse", False)]
        assert marked

        # Another article, a short one: laid out, and the pane no longer scrolls;
        # its new scroll height asks for no layout of its own (the scrollbar
        # going away asks for one: Textual's own, three without this).
        layouts.clear()
        pane_layouts = _record_layouts(view)
        await pilot.press("j")
        await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        assert True in layouts
        assert len(body.lines_at(body.size.width)) == body.size.height < len(lines)
        assert view.max_scroll_y == 0
        assert pane_layouts.count(True) <= 1
