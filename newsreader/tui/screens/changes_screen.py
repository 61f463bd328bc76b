"""``D``: what changed in the open article since the version you read.

A worker reads the article's kept versions and diffs the one you read (or
the oldest kept, when that one is gone or none was read) against the
current one, word by word (:mod:`newsreader.core.worddiff`); the screen
shows the result as styled ``Text``: removed words struck through in red,
added words underlined in green. The article's words are never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.core.sanitize import clean
from newsreader.core.timefmt import humanize
from newsreader.core.worddiff import Piece, changed_words, word_diff
from newsreader.store import Revision, article_revisions
from newsreader.tui import display
from newsreader.tui.commands import CHANGES_COMMANDS, bindings_of
from newsreader.tui.messages import Notice
from newsreader.tui.services import Services

#: How each kind of piece is drawn (underline too: a change shows without colour).
STYLES = {"same": "", "removed": "strike red", "added": "underline green"}
#: The view draws at most this much of a body's diff (laying out a huge
#: text holds the event loop); the command line prints it whole.
MAX_SHOWN_CHARS = 200_000


@dataclass(eq=False)
class ChangesLoaded(Message):
    """An article's version you read and its current one, diffed."""

    article_id: int
    base: Revision
    current: Revision
    base_was_read: bool
    title: list[Piece]
    body: list[Piece]


def read_changes(services: Services, article_id: int) -> Message:
    """The job behind ``D``: the diff, or a line saying there is none."""
    history = article_revisions(services.cache, article_id)
    if history is None or len(history.versions) < 2:
        return Notice("This article has not changed since it was stored.")
    base, was_read = history.base()
    current = history.current
    return ChangesLoaded(
        article_id,
        base,
        current,
        was_read,
        word_diff(base.title, current.title),
        word_diff(base.body, current.body),
    )


def _pieces(out: Text, pieces: list[Piece], *, paragraphs: bool) -> None:
    budget = MAX_SHOWN_CHARS
    for piece in pieces:
        text = clean(piece.text)
        if paragraphs:
            text = text.replace("\n", "\n\n")  # paragraphs apart, as the article shows them
        else:
            text = display.safe(text) + (" " if text[-1:].isspace() else "")
        out.append(text[:budget], style=STYLES[piece.kind])
        budget -= len(text)
        if budget <= 0:
            out.append("\n\n… (cut here: newsreader show ID --revisions prints every change)", style="dim italic")
            return


def changes_text(changes: ChangesLoaded, now: datetime) -> Text:
    """What the changes view draws: which versions, the title's and the body's changes."""
    base, current = changes.base, changes.current

    def when(revision: Revision) -> str:
        return humanize(datetime.fromtimestamp(revision.seen_at, UTC), "exact", now) or "?"

    if changes.base_was_read:
        since = f"Since the version you read (version {base.version}, {when(base)})"
    elif base.version == 1:
        since = f"Since it was first stored (version 1, {when(base)})"
    else:
        since = f"Since version {base.version}, the oldest kept ({when(base)})"
    removed, added = changed_words(changes.title + changes.body)
    out = Text()
    out.append(f"{since} to now (version {current.version}, {when(current)})\n", style="bold")
    out.append(f"{removed} word(s) removed, {added} added. ", style="dim")
    out.append("removed", style=STYLES["removed"])
    out.append(" · ", style="dim")
    out.append("added", style=STYLES["added"])
    out.append("\n\n")
    _pieces(out, changes.title, paragraphs=False)
    out.append("\n\n")
    if not any(p.kind != "same" for p in changes.body):
        out.append("(The text itself did not change.)\n\n", style="dim italic")
    _pieces(out, changes.body, paragraphs=True)
    out.append("\n")
    return out


class ChangesBody(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="changes.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="changes.up"),
        Binding("space", "page_down", "Page down", show=False, id="changes.page_down"),
    ]


class ChangesScreen(ModalScreen[None]):
    """The word diff of an article's two versions; Escape closes it."""

    DEFAULT_CSS = """
    ChangesScreen {
        align: center middle;
        background: $background 60%;
    }
    #changes-box {
        width: 90;
        max-width: 95%;
        height: 85%;
        border: round $accent;
        padding: 0 1;
        background: $surface;
    }
    """
    BINDINGS = bindings_of(CHANGES_COMMANDS)

    def __init__(self, changes: ChangesLoaded, now: datetime) -> None:
        super().__init__()
        self.changes = changes
        self.now = now

    def compose(self) -> ComposeResult:
        with ChangesBody(id="changes-box"):
            yield Static(changes_text(self.changes, self.now), id="changes-text")

    def on_mount(self) -> None:
        box = self.query_one("#changes-box", ChangesBody)
        box.border_title = "What changed"
        box.focus()

    def action_close(self) -> None:
        self.dismiss(None)
