"""Notifications: what rules flagged ``notify`` and followed stories' new outlets.

:class:`NotificationBatcher` is pure (the clock is given): the reader adds
what each refresh brought and asks :meth:`~NotificationBatcher.due` on its
timer; it gives at most one :class:`Notification` every ``interval``
seconds, summing up what arrived meanwhile ("5 new articles match 'port
strike'"). A notification reaches the user as a terminal escape (OSC 9,
OSC 777; :func:`terminal_escape`) and, when ``[ui] notify_command`` is set,
by running that argument list (:func:`run_notify_command`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from newsreader.core.commands import CommandResult, fill, run_command
from newsreader.core.sanitize import clean_line
from newsreader.store import StoryRow

__all__ = [
    "Notification",
    "NotificationBatcher",
    "run_notify_command",
    "terminal_escape",
]

#: Seconds between two notifications, at least.
INTERVAL = 5.0
#: The longest title or body put in a notification.
MAX_TEXT = 200
#: How long a notify command may run.
COMMAND_TIMEOUT = 10.0
# Every C0 and C1 control and DEL (ESC and BEL would end or start an escape),
# and ';' which separates OSC 777's fields.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f;]")


@dataclass(frozen=True, slots=True)
class Notification:
    title: str
    body: str
    article_ids: tuple[int, ...] = ()
    story_ids: tuple[int, ...] = ()


@dataclass(slots=True)
class _Pending:
    # rule text -> article ids, in arrival order
    matches: dict[str, list[int]] = field(default_factory=dict)
    # story id -> (title, outlets now)
    stories: dict[int, tuple[str, int]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not self.matches and not self.stories


class NotificationBatcher:
    """Collects what should be told and lets it out at most once per ``interval``."""

    def __init__(self, clock: Callable[[], float], interval: float = INTERVAL) -> None:
        self.clock = clock
        self.interval = interval
        self._pending = _Pending()
        self._last: float | None = None
        self._told: set[int] = set()  # article ids already in a notification

    def add_matches(self, rule_match: str, article_ids: Iterable[int]) -> None:
        """New articles a rule with ``notify`` matched (``RuleOutcome``)."""
        fresh = [i for i in article_ids if i not in self._told]
        if fresh:
            ids = self._pending.matches.setdefault(rule_match, [])
            ids.extend(i for i in fresh if i not in ids)

    def add_stories(self, stories: Iterable[StoryRow]) -> None:
        """Followed stories with new outlets (``newsreader.store.followed_stories_with_news``)."""
        for story in stories:
            self._pending.stories[story.id] = (story.title, story.source_count)

    def due(self) -> Notification | None:
        """The notification to show now, if one is waiting and the last was
        at least ``interval`` ago; what it sums up is then forgotten."""
        if self._pending.empty():
            return None
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            return None
        pending, self._pending = self._pending, _Pending()
        self._last = now
        note = _compose(pending)
        self._told.update(note.article_ids)
        return note

    def next_at(self) -> float | None:
        """When :meth:`due` will have something to give (for a timer)."""
        if self._pending.empty():
            return None
        return self.clock() if self._last is None else max(self.clock(), self._last + self.interval)


def _quote(text: str, limit: int = 60) -> str:
    text = clean_line(text)
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def _compose(pending: _Pending) -> Notification:
    lines: list[str] = []
    ids: list[int] = []
    for match, found in pending.matches.items():
        ids.extend(found)
        noun = "article matches" if len(found) == 1 else "articles match"
        lines.append(f"{len(found)} new {noun} {_quote(match)}")
    for title, outlets in pending.stories.values():
        lines.append(f"{_quote(title)} is now told by {outlets} outlets")
    count = len(lines)
    title = lines[0] if count == 1 else f"newsreader: {count} updates"
    body = "; ".join(lines)
    return Notification(title=_clip(title), body=_clip(body), article_ids=tuple(ids), story_ids=tuple(pending.stories))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _safe(text: str) -> str:
    """Text that cannot end or extend an escape sequence."""
    return _UNSAFE.sub(" ", text)[:MAX_TEXT]


def terminal_escape(note: Notification, kind: str = "osc9") -> str:
    """The notification as a terminal escape: ``osc9`` (iTerm2, WezTerm,
    kitty, Windows Terminal) or ``osc777`` (rxvt, foot, Ghostty). No control
    character from a title can get inside it."""
    if kind == "osc777":
        return f"\x1b]777;notify;{_safe(note.title)};{_safe(note.body)}\x1b\\"
    return f"\x1b]9;{_safe(note.title)}: {_safe(note.body)}\x1b\\"


def run_notify_command(
    command: Sequence[str], note: Notification, *, timeout: float = COMMAND_TIMEOUT
) -> CommandResult:
    """Run ``[ui] notify_command`` with ``{title}`` and ``{body}`` filled in."""
    argv = fill(command, {"title": note.title, "body": note.body, "url": "", "file": ""})
    return run_command(argv, timeout=timeout)
