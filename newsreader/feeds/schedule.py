"""When each feed is next refreshed: pure, so the reader's timer and tests
can ask it with any clock.

A feed is due ``interval_minutes`` (its own, else ``[fetch]``'s) after its
last attempt, plus a stable offset of its own so that a hundred feeds added
together do not all fall due in the same second. A feed whose last attempt
failed waits longer each time: as long as it has been failing (at least one
interval, at most :data:`MAX_BACKOFF`), so the wait doubles with every
failure. What the server asked for (Retry-After) is never cut short, and a
feed that is gone (410) is never due. The reader calls
:func:`due_feeds` when its timer fires and sleeps until :func:`next_wakeup`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from newsreader.config.settings import Config, FeedConfig
from newsreader.store import FeedState

__all__ = [
    "MAX_BACKOFF",
    "FeedSchedule",
    "due_feeds",
    "feed_schedule",
    "next_wakeup",
    "schedule",
    "stagger",
    "start_refresh",
]

#: The longest a failing feed waits between attempts, in seconds.
MAX_BACKOFF = 24 * 3600
#: The spread of the per-feed offsets, at most (and at most a quarter interval).
MAX_STAGGER = 300


@dataclass(frozen=True, slots=True)
class FeedSchedule:
    """One feed's place in the schedule; ``next_due`` None: never (gone)."""

    feed: FeedConfig
    next_due: int | None
    due: bool
    reason: str  # new | interval | back-off | retry-after | gone


def stagger(url: str, interval: int) -> int:
    """A stable offset in seconds for ``url``, the same in every process."""
    spread = max(1, min(MAX_STAGGER, interval // 4))
    digest = hashlib.blake2b(url.encode("utf-8", "replace"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % spread


def _failing(state: FeedState) -> bool:
    if not state.last_error or state.last_attempt is None:
        return False
    return state.last_success is None or state.last_attempt > state.last_success


def feed_schedule(feed: FeedConfig, state: FeedState | None, now: int, default_minutes: int) -> FeedSchedule:
    interval = 60 * (feed.interval_minutes or default_minutes)
    if state is None or state.last_attempt is None:
        return FeedSchedule(feed, now, True, "new")
    if state.gone:
        return FeedSchedule(feed, None, False, "gone")
    offset = stagger(feed.url, interval)
    if _failing(state):
        failing_for = state.last_attempt - (state.last_success or state.last_attempt)
        wait = min(MAX_BACKOFF, max(interval, failing_for))
        due, reason = state.last_attempt + wait + offset, "back-off"
    else:
        due, reason = state.last_attempt + interval + offset, "interval"
    if state.retry_after and state.retry_after > due:
        due, reason = state.retry_after, "retry-after"
    return FeedSchedule(feed, due, due <= now, reason)


def schedule(config: Config, states: dict[str, FeedState], now: int) -> list[FeedSchedule]:
    """Every configured feed's schedule (``states`` from ``newsreader.store.feed_states``)."""
    return [feed_schedule(f, states.get(f.url), now, config.fetch.interval_minutes) for f in config.feeds]


def due_feeds(config: Config, states: dict[str, FeedState], now: int) -> list[FeedConfig]:
    """The feeds to refresh now, the longest overdue first."""
    due = [s for s in schedule(config, states, now) if s.due]
    due.sort(key=lambda s: s.next_due or 0)
    return [s.feed for s in due]


def next_wakeup(config: Config, states: dict[str, FeedState], now: int) -> int | None:
    """When the next feed falls due (``now`` if one is due already); None: never."""
    times = [s.next_due for s in schedule(config, states, now) if s.next_due is not None]
    return max(now, min(times)) if times else None


def start_refresh(config: Config, states: dict[str, FeedState], now: int) -> list[FeedConfig]:
    """What the reader refreshes as it starts: the due feeds, or none when
    ``[fetch] refresh_on_start = false``."""
    return due_feeds(config, states, now) if config.fetch.refresh_on_start else []
