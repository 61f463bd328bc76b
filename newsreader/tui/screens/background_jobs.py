"""What the daily driver's workers do (:mod:`.background_tasks`, :mod:`.out_actions`):
the refresh schedule, notifications, the article out of the reader, sync.

Like :mod:`.jobs`, each runs on a worker thread and returns the message that
says what came of it; nothing here touches a widget.
"""

from __future__ import annotations

from dataclasses import replace

from newsreader.exchange.article_out import OutError, pipe_article, save_article
from newsreader.feeds.notify import Notification, run_notify_command
from newsreader.feeds.schedule import due_feeds, feed_schedule, next_wakeup, start_refresh
from newsreader.store import ArticleRow, feed_states, followed_stories_with_news, matching_ids, note_opened
from newsreader.tui import display
from newsreader.tui.messages import (
    ArticleChanged,
    FeedsDue,
    NewsToTell,
    Notice,
    OpenArticleGone,
    OpenArticleRevised,
    StatusText,
)
from newsreader.tui.services import Services


def epoch(services: Services) -> int:
    return int(services.clock().timestamp())


# -- the schedule ----------------------------------------------------------------


def feeds_due(services: Services, starting: bool) -> FeedsDue:
    """The feeds due now (at start: only with ``[fetch] refresh_on_start``)."""
    config, now = services.config, epoch(services)
    if config.sync is not None and config.sync.server_fetch:
        return FeedsDue([], None)  # the sync server fetches the feeds; the reader syncs on its own timer
    states = feed_states(services.cache)
    due = start_refresh(config, states, now) if starting else due_feeds(config, states, now)
    return FeedsDue([f.url for f in due], next_wakeup(config, states, now))


def ago(seconds: int) -> str:
    """``12 min``, ``3 h``, ``2 d``."""
    seconds = max(0, seconds)
    if seconds < 3600:
        return f"{max(1, seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def feed_status(services: Services, feed_url: str) -> StatusText:
    """One line on a feed: when it was last refreshed, when it is next due,
    and why it failed with how long it waits."""
    config, now = services.config, epoch(services)
    state = feed_states(services.cache, [feed_url]).get(feed_url)
    feed = next((f for f in config.feeds if f.url == feed_url), None)
    if feed is None or state is None:
        return StatusText("Not in config.toml: refreshed only with r.")
    plan = feed_schedule(feed, state, now, config.fetch.interval_minutes)
    parts = [f"refreshed {ago(now - state.last_success)} ago" if state.last_success else "never refreshed"]
    if plan.reason == "gone":
        parts.append("gone (410): never refreshed again")
    elif plan.next_due is not None:
        parts.append("due now" if plan.due else f"next in {ago(plan.next_due - now)}")
    if state.last_error and plan.reason in ("back-off", "retry-after"):
        parts.append(f"failed: {display.safe(state.last_error)[:80]} ({plan.reason})")
    return StatusText(display.safe(feed.title or feed_url)[:40] + ": " + ", ".join(parts))


# -- notifications --------------------------------------------------------------


def news_to_tell(services: Services, notify_ids: list[int]) -> NewsToTell:
    """Which notify rule matched which of ``notify_ids``, and the followed
    stories an outlet joined."""
    matches: dict[str, list[int]] = {}
    left = set(notify_ids)
    for rule in services.config.rules:
        if rule.notify and left:
            found = matching_ids(services.cache, rule.query, within=sorted(left))
            if found:
                matches[rule.match] = found
                left.difference_update(found)
    if left:
        matches["a notify rule"] = sorted(left)
    return NewsToTell(matches, followed_stories_with_news(services.cache))


def notify_command(services: Services, note: Notification) -> Notice | None:
    command = services.config.ui.notify_command
    if not command:
        return None
    result = run_notify_command(command, note)
    return None if result.ok else Notice(display.safe(f"notify_command: {result.error}"), "warning")


# -- the article out of the reader ------------------------------------------------


def pipe(services: Services, row: ArticleRow) -> Notice:
    command = services.config.ui.pipe_command
    if not command:
        return Notice("Set [ui] pipe_command in config.toml to pipe articles.", "warning")
    result = pipe_article(command, row)
    if not result.ok:
        return Notice(display.safe(f"pipe_command: {result.error}"), "warning")
    return Notice(f"pipe_command exited with status {result.status}.")


def save(services: Services, row: ArticleRow) -> Notice:
    try:
        path = save_article(row, services.config.ui.save_dir)
    except OutError as exc:
        return Notice(display.safe(str(exc)), "warning", timeout=6)
    return Notice(display.safe(f"Saved to {path}"), timeout=6)


def open_article_again(
    services: Services, shown: ArticleRow
) -> OpenArticleGone | OpenArticleRevised | ArticleChanged | None:
    """The open article after another process wrote: gone, with a new title
    or body (a refresh revised it: the reader sees the new version now, so
    it is noted as opened), otherwise changed (a sync marked it), or as shown."""
    row = services.cache.article(shown.id)
    if row is None:
        return OpenArticleGone(shown.id)
    if (row.title, row.body) != (shown.title, shown.body) and row.revised:
        note_opened(services.cache, row.id)
        return OpenArticleRevised(row)
    # "Updated" stays on the article opened with it, as when nothing was written.
    return None if replace(row, revised=shown.revised) == shown else ArticleChanged(row)


# -- sync -----------------------------------------------------------------------


def sync_status(services: Services) -> StatusText:
    from newsreader.sync import status_line

    return StatusText(display.safe(status_line(services.paths)), "sync")
