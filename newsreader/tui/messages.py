"""Messages of the reader.

Panes post what the reader chose (``SourceChosen``, ``ArticleChosen``, …);
workers post what they read or changed (``HeadlinesLoaded``,
``ArticleLoaded``, …). The main screen's handlers turn both into state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual.message import Message

from newsreader.config.settings import Config
from newsreader.store import ArticleRow, HeadlineRow, RelatedRow, StoryRow
from newsreader.tui.first_screen import SourceCounts
from newsreader.tui.keys import ListKey

if TYPE_CHECKING:  # not start-up imports: the fetchers bring httpx
    from PIL.Image import Image as PILImage

    from newsreader.feeds.fulltext import FullTextOutcome
    from newsreader.feeds.subscribe import AddResult

Severity = Literal["information", "warning", "error"]

# -- up from the panes -----------------------------------------------------------


@dataclass(eq=False)
class SourceChosen(Message):
    """The source list's cursor is on another list (``selected``: Enter was pressed)."""

    key: ListKey
    selected: bool = False


@dataclass(eq=False)
class ArticleChosen(Message):
    """Enter on a headline."""

    article_id: int


@dataclass(eq=False)
class RelatedChosen(Message):
    """Enter on a story of the related sidebar."""

    article_id: int


@dataclass(eq=False)
class MoreHeadlinesWanted(Message):
    """The cursor nears the end of what is loaded of a list."""

    key: ListKey
    offset: int


# -- from the workers ---------------------------------------------------------


@dataclass(eq=False)
class Notice(Message):
    """Something to tell the reader (plain text: never markup)."""

    text: str
    severity: Severity = "information"
    title: str = ""
    timeout: float = 3


@dataclass(eq=False)
class SourcesLoaded(Message):
    """The source list's counts and its rows' labels (built off the event loop)."""

    counts: SourceCounts
    items: list[tuple[ListKey, Text]]


@dataclass(eq=False)
class HeadlinesLoaded(Message):
    """One page of a list of headlines, with the stories its rows belong to."""

    key: ListKey
    rows: list[HeadlineRow]
    stories: Mapping[int, StoryRow]
    offset: int = 0


@dataclass(eq=False)
class ArticleLoaded(Message):
    """An article read from the cache, to be shown.

    ``marked``: what opening it marked read (for undo); ``related``: the
    sidebar's rows, or None when they must be read apart; ``scroll_y``:
    where to scroll to (a visit of the history)."""

    row: ArticleRow
    scroll_y: float = 0.0
    keep_walk: bool = False
    related: list[RelatedRow] | None = None
    marked: list[tuple[int, bool]] = field(default_factory=list)


@dataclass(eq=False)
class ArticleChanged(Message):
    """The open article's row again, after its state or its text changed."""

    row: ArticleRow


@dataclass(eq=False)
class PictureLoaded(Message):
    """One picture of an open article, decoded (``image``) or not (``problem``)."""

    article_id: int
    index: int
    image: PILImage | None
    problem: str | None = None


@dataclass(eq=False)
class RelatedLoaded(Message):
    article_id: int
    rows: list[RelatedRow]


@dataclass(eq=False)
class ReadStateChanged(Message):
    """Articles were marked read or unread (``previous`` undoes it), or an undo ran."""

    label: str
    previous: list[tuple[int, bool]]
    text: str | None = None
    undone: bool = False


@dataclass(eq=False)
class StoriesChanged(Message):
    """A story was muted or followed."""

    text: str


@dataclass(eq=False)
class StoryMembersLoaded(Message):
    story_id: int
    rows: Sequence[HeadlineRow]


@dataclass(eq=False)
class BookmarkToggled(Message):
    article_id: int
    kept: bool


@dataclass(eq=False)
class BookmarksChanged(Message):
    """The bookmarks screen changed bookmarks.toml."""

    text: str


@dataclass(eq=False)
class ArticleFound(Message):
    """A bookmark's article is in the cache: open it."""

    article_id: int


@dataclass(eq=False)
class RefreshStarted(Message):
    feeds: int


@dataclass(eq=False)
class RefreshProgress(Message):
    """One feed of a refresh is done (its record from the refresh process)."""

    record: dict[str, Any]


@dataclass(eq=False)
class RefreshDone(Message):
    """The refresh's summary record; empty when nothing was refreshed."""

    summary: dict[str, Any]


@dataclass(eq=False)
class FeedAdded(Message):
    """What adding a feed came to (a ``feeds.subscribe`` result)."""

    result: AddResult
    config: Config  # config.toml read again: it may have a new feed


@dataclass(eq=False)
class ConfigRead(Message):
    """config.toml read again (before a refresh of every feed)."""

    config: Config


@dataclass(eq=False)
class FullTextFetched(Message):
    """A full-text fetch ended (a ``feeds.fulltext`` outcome) with the article's row again."""

    outcome: FullTextOutcome
    row: ArticleRow | None


# -- the daily driver (newsreader.tui.screens.background_tasks) --------------------------


@dataclass(eq=False)
class FeedsDue(Message):
    """The schedule was read: the feeds to refresh now and when to look again
    (seconds since the epoch; None: no feed will fall due)."""

    urls: list[str]
    wakeup: int | None


@dataclass(eq=False)
class CacheChanged(Message):
    """Another process (or thread) wrote to the cache: the lists reload."""


@dataclass(eq=False)
class BriefingCounted(Message):
    """How many stories the Briefing lists, counted once the opening is noted."""

    stories: int


@dataclass(eq=False)
class OpenArticleGone(Message):
    """The open article is no longer in the cache (another process removed it)."""

    article_id: int


@dataclass(eq=False)
class OpenArticleRevised(Message):
    """Another process (a refresh, an import) changed the open article's
    title or body: ``row`` is its new version, still marked revised."""

    row: ArticleRow


@dataclass(eq=False)
class NewsToTell(Message):
    """What a refresh brought to notify about: rule matches by the rule's
    match text, and followed stories with new outlets."""

    matches: dict[str, list[int]]
    stories: list[StoryRow]


@dataclass(eq=False)
class StatusText(Message):
    """A line for the status bar (``where``: "status") or the source
    list's bottom border (``where``: "sync")."""

    text: str
    where: str = "status"
