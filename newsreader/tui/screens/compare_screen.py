"""``c``: two outlets' versions of one story, side by side.

Side by side from 140 columns, one above the other below. Sentences both
versions carry are dimmed; those only one carries stand out; a quote or a
figure the other version lacks is marked (:mod:`newsreader.stories.compare`
decides, in a worker). The line at the top is the story's coverage, first
report to last, with the two versions shown marked. ``[`` / ``]`` (or the
arrows) change the chosen side's outlet, ``tab`` chooses the other side,
``enter`` reads the chosen version in the reader, ``escape`` closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static

from newsreader.core.sanitize import clean
from newsreader.store import ArticleRow, StoryRow, story_for_article
from newsreader.stories.compare import Comparison, Sentence, compare
from newsreader.tui import display
from newsreader.tui.commands import COMPARE_COMMANDS, bindings_of
from newsreader.tui.commands.provider import CommandsProvider
from newsreader.tui.messages import Notice
from newsreader.tui.screens.working import WorkingScreen
from newsreader.tui.services import Services

__all__ = ["CompareScreen", "version_text"]

#: How each part of a version is drawn (the legend says the same in words).
SHARED_STYLE = "dim"
ONLY_STYLE = "bold"
QUOTE_STYLE = "italic underline"
FIGURE_STYLE = "reverse"
LEGEND = Text.assemble(
    ("dim", SHARED_STYLE),
    ": both carry it · ",
    ("bold", ONLY_STYLE),
    ": only this outlet · ",
    ("underlined", QUOTE_STYLE),
    ": a quote the other lacks · ",
    ("reversed", FIGURE_STYLE),
    ": a figure the other lacks",
)
SIDES = ("left", "right")


@dataclass(eq=False)
class ComparisonLoaded(Message):
    """The story and two of its versions, aligned."""

    story: StoryRow
    left: ArticleRow
    right: ArticleRow
    comparison: Comparison


def load_comparison(services: Services, article_id: int, left_id: int | None, right_id: int | None) -> Message:
    """The story of ``article_id`` and two of its versions, aligned (on a
    worker thread). Without ``left_id``/``right_id``: the article itself,
    and the first report from another outlet (or the next one, when the
    article is the first)."""
    cache = services.cache
    story = story_for_article(cache, article_id)
    if story is None or len(story.members) < 2:
        return NotAStory()
    members = story.members
    left_id = article_id if left_id is None else left_id
    if right_id is None:
        source = next((m.source for m in members if m.id == left_id), None)
        right_id = next((m.id for m in members if m.source != source), None)
        right_id = right_id or next(m.id for m in members if m.id != left_id)
    left, right = cache.article(left_id), cache.article(right_id)
    if left is None or right is None:
        return Notice("That version is no longer in the cache.", "warning")
    return ComparisonLoaded(story, left, right, compare(clean(left.body), clean(right.body)))


class NotAStory(Message):
    """The article is in no story told by several outlets (any more)."""


def version_text(sentences: tuple[Sentence, ...]) -> Text:
    """One version's body: a paragraph a block, each sentence styled by
    whether the other version carries it, its marks over that."""
    out = Text()
    paragraph = None
    for sentence in sentences:
        if paragraph is not None:
            out.append("\n\n" if sentence.paragraph != paragraph else " ")
        paragraph = sentence.paragraph
        start = len(out)
        out.append(sentence.text, style=SHARED_STYLE if sentence.shared else ONLY_STYLE)
        for mark in sentence.marks:
            out.stylize(QUOTE_STYLE if mark.kind == "quote" else FIGURE_STYLE, start + mark.start, start + mark.end)
    return out


def coverage_line(story: StoryRow, shown: dict[str, int], active: str, now: datetime) -> Text:
    """The story's versions, first report to last, the two shown marked L and R."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("Coverage, first to last: ", style="dim")
    for number, member in enumerate(story.members, 1):
        side = next((s for s in SIDES if shown.get(s) == member.id), None)
        if number > 1:
            out.append("  ›  ", style="dim")
        if side is not None:
            out.append(f"{side[0].upper()} ", style="bold reverse" if side == active else "bold")
        when = display.when_text(member.published, member.precision, member.published_text, now)
        out.append(f"{number} {display.safe(member.source)}", style="bold" if side else "")
        out.append(f" ({when})", style="dim")
    return out


class VersionPane(VerticalScroll, inherit_bindings=False):
    """One version; it scrolls with the arrows up and down (left and right
    belong to the screen: they change the outlet)."""

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text("Reading the versions…", style="dim"), classes="version-body")

    def show(self, row: ArticleRow, sentences: tuple[Sentence, ...], other: ArticleRow, now: datetime) -> None:
        when = display.when_text(row.published, row.precision, row.published_text, now)
        self.border_title = Text(f"{display.safe(row.source)} · {when}", no_wrap=True, overflow="ellipsis")
        shared = sum(s.shared for s in sentences)
        self.border_subtitle = Text(
            f"{shared} of {len(sentences)} sentences also in {display.safe(other.source)}", no_wrap=True
        )
        text = Text(display.safe(row.title) + "\n\n", style="bold")
        text.append_text(version_text(sentences) if sentences else Text("(no text)", style="dim"))
        self.query_one(".version-body", Static).update(text)
        self.scroll_home(animate=False)


class CompareScreen(WorkingScreen[int | None]):
    """Dismisses with the id of the version to read, or None."""

    COMMAND_SET = COMPARE_COMMANDS
    BINDINGS = bindings_of(COMPARE_COMMANDS)
    COMMANDS = {CommandsProvider}
    HORIZONTAL_BREAKPOINTS = [(0, "-stacked"), (140, "-side-by-side")]

    DEFAULT_CSS = """
    CompareScreen #compare-coverage { height: 1; padding: 0 1; background: $panel; }
    CompareScreen #compare-panes { height: 1fr; layout: horizontal; }
    CompareScreen.-stacked #compare-panes { layout: vertical; }
    CompareScreen VersionPane {
        width: 1fr; height: 1fr; padding: 0 1; background: $surface;
        border: round $foreground 30%; border-title-color: $foreground 70%;
        border-subtitle-color: $foreground 60%;
    }
    CompareScreen VersionPane:focus { border: round $accent; border-title-color: $accent; border-title-style: bold; }
    CompareScreen .version-body { max-width: 90; }
    CompareScreen #compare-legend { height: auto; max-height: 3; padding: 0 1; color: $foreground 70%; }
    """

    def __init__(self, services: Services, article_id: int) -> None:
        super().__init__()
        self.services = services
        self.article_id = article_id
        self.loaded: ComparisonLoaded | None = None
        self.active = "right"  # the side [ and ] change

    def compose(self) -> ComposeResult:
        yield Static(Text("Reading the story…", style="dim"), id="compare-coverage")
        with Container(id="compare-panes"):
            yield VersionPane(id="compare-left")
            yield VersionPane(id="compare-right")
        yield Static(LEGEND, id="compare-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.pane(self.active).focus()
        self.load(None, None)

    def pane(self, side: str) -> VersionPane:
        return self.query_one(f"#compare-{side}", VersionPane)

    def load(self, left_id: int | None, right_id: int | None) -> None:
        job = partial(load_comparison, self.services, self.article_id, left_id, right_id)
        self.background(job, "compare")

    @on(ComparisonLoaded)
    def comparison_loaded(self, message: ComparisonLoaded) -> None:
        self.loaded = message
        now = self.services.clock()
        self.pane("left").show(message.left, message.comparison.left, message.right, now)
        self.pane("right").show(message.right, message.comparison.right, message.left, now)
        self.show_coverage()

    @on(NotAStory)
    def not_a_story(self) -> None:
        self.notify("This article is not part of a story told by several outlets.", timeout=3)
        self.dismiss(None)

    def show_coverage(self) -> None:
        loaded = self.loaded
        if loaded is not None:
            shown = {"left": loaded.left.id, "right": loaded.right.id}
            line = coverage_line(loaded.story, shown, self.active, self.services.clock())
            self.query_one("#compare-coverage", Static).update(line)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.active = "left" if event.widget is self.pane("left") else "right"
        self.show_coverage()

    def action_switch_side(self) -> None:
        self.pane("left" if self.active == "right" else "right").focus()

    def action_step_outlet(self, step: int) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        shown = {"left": loaded.left.id, "right": loaded.right.id}
        other = shown["left" if self.active == "right" else "right"]
        ids = [m.id for m in loaded.story.members]
        index = ids.index(shown[self.active]) if shown[self.active] in ids else 0
        for _ in range(len(ids)):
            index = (index + step) % len(ids)
            if ids[index] != other:
                break
        shown[self.active] = ids[index]
        self.load(shown["left"], shown["right"])

    def action_read(self) -> None:
        if self.loaded is not None:
            self.dismiss(self.loaded.left.id if self.active == "left" else self.loaded.right.id)

    def action_close(self) -> None:
        self.dismiss(None)
