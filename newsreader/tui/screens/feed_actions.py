"""Refreshing and adding feeds (``r``, ``R``, ``a``) and fetching a full
text (``f``), for the main screen.

A refresh runs in a child process watched by a thread worker, so the event
loop only ever receives progress messages: keys are answered at once even
while hundreds of feeds are fetched and parsed. New articles are merged into
the lists without moving the reader's cursor or the article's scroll.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from newsreader.tui import display
from newsreader.tui.messages import (
    ConfigRead,
    FeedAdded,
    FullTextFetched,
    RefreshDone,
    RefreshProgress,
    RefreshStarted,
)
from newsreader.tui.screens import jobs
from newsreader.tui.screens.feed_dialogs import AddFeedScreen, ChooseFeedScreen

if TYPE_CHECKING:
    from newsreader.feeds.refresh_child import RefreshProcess
    from newsreader.tui.screens.main_screen import MainScreen

#: Redraw the lists at most this often while a refresh brings news.
RELOAD_EVERY = 1.0
#: Seconds between two progress lines on the status line. The status line
#: is the screen's bottom line: drawn in the same frame as a key's change
#: near the top, it makes Textual composite every line between the two.
STATUS_EVERY = 0.5

FeedMessage = ConfigRead | FeedAdded | FullTextFetched | RefreshDone | RefreshProgress | RefreshStarted


class FeedActions:
    """What ``r``, ``R``, ``a`` and ``f`` do, and what their workers' messages change."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.refreshing = False
        self.process: RefreshProcess | None = None
        self.last_reload = 0.0  # time.monotonic() of the last reload during a refresh
        self.last_status = 0.0  # time.monotonic() of the last progress line shown
        self.status_due: str | None = None  # a progress line waiting for its turn
        self.full_text_ids: set[int] = set()  # articles whose full text is being fetched

    def stop(self) -> None:
        """Stop a refresh's child process (the app is closing)."""
        if self.process is not None:
            self.process.stop()

    def handle(self, message: FeedMessage) -> None:
        screen = self.screen
        match message:
            case RefreshStarted(feeds=feeds):
                screen.set_status(f"Refreshing {feeds} feeds…")
            case ConfigRead(config=config):
                screen.services.use_config(config)
            case RefreshProgress(record=record):
                self.progress(record)
            case RefreshDone(summary=summary):
                self.done(summary)
            case FeedAdded():
                self.added(message)
            case FullTextFetched():
                self.fetched(message)

    # -- refresh ---------------------------------------------------------------

    def refresh_source(self) -> None:
        key = self.screen.list_key
        if not key.is_source:
            self.screen.notify("r refreshes the feed you are on; R refreshes every feed.", timeout=3)
            return
        self.start(key.number)

    def refresh_all(self) -> None:
        self.start(None)

    def start(self, source_id: int | None, urls: list[str] | None = None) -> None:
        screen = self.screen
        if self.refreshing:
            screen.notify("A refresh is already running.", timeout=2)
            return
        self.refreshing = True
        screen.background(
            partial(jobs.refresh, screen.services, source_id, screen.post_message, self.started, urls), "refresh"
        )

    def started(self, process: RefreshProcess) -> None:
        # Called on the refresh's thread, before the child process starts: a
        # plain assignment, so that leaving the app can stop the child even
        # before any message has been handled.
        self.process = process

    def progress(self, record: dict[str, object]) -> None:
        self.screen.daily.refreshed(record)
        status = record.get("status")
        mark = "!" if status == "failed" else ("+" if record.get("new") else "·")
        title = display.safe(str(record.get("title", "")))[:50]
        self.show_progress(f"Refreshing {record.get('done')}/{record.get('total')} {mark} {title}")
        now = time.monotonic()
        if (record.get("new") or status == "failed") and now - self.last_reload >= RELOAD_EVERY:
            self.last_reload = now
            self.screen.reload()

    def show_progress(self, text: str) -> None:
        """The progress line now, or the latest one when its turn comes."""
        wait = self.last_status + STATUS_EVERY - time.monotonic()
        if wait <= 0:
            self.last_status = time.monotonic()
            self.screen.set_status(text)
            return
        if self.status_due is None:
            self.screen.set_timer(wait, self.show_due_progress)
        self.status_due = text

    def show_due_progress(self) -> None:
        text, self.status_due = self.status_due, None
        if text is not None and self.refreshing:
            self.show_progress(text)

    def done(self, summary: dict[str, object]) -> None:
        screen = self.screen
        self.refreshing = False
        self.status_due = None
        self.process = None
        if screen.daily.syncing():  # with fetch = "server" the refresh was a sync
            screen.daily.read_sync_status()
        if not summary:
            return  # nothing was refreshed; a notice said why
        if "error" in summary:
            screen.set_status("Refresh failed: " + display.safe(str(summary["error"])))
            screen.notify("Refresh failed: " + str(summary["error"]), severity="error", timeout=6)
            return
        screen.set_status(display.safe(str(summary.get("summary", ""))))
        screen.reload()
        screen.daily.refresh_done()
        screen.background(partial(jobs.followed_news, screen.services), "stories", False)
        if summary.get("failed"):
            screen.notify(
                f"{summary['failed']} feeds failed; the source list shows why.", severity="warning", timeout=4
            )

    # -- add -------------------------------------------------------------------

    def add(self) -> None:
        self.screen.app.push_screen(AddFeedScreen(), self.add_url)

    def add_url(self, url: str | None) -> None:
        if url:
            self.screen.set_status(f"Adding {display.safe(url)[:60]}…")
            self.screen.background(partial(jobs.add_feed, self.screen.services, url), "add", False)

    def added(self, message: FeedAdded) -> None:
        screen, result = self.screen, message.result
        screen.services.use_config(message.config)
        screen.set_status(display.safe(result.message))
        if result.status == "choose":
            screen.app.push_screen(ChooseFeedScreen(result.candidates), self.add_url)
            return
        screen.notify(result.message, severity="information" if result.ok else "warning", timeout=4)
        screen.reload()

    # -- full text ---------------------------------------------------------------

    def fetch_full(self) -> None:
        screen = self.screen
        target = screen.target_id()
        if target is None:
            screen.notify("Open a story first: f fetches its full text.", timeout=2)
            return
        article = screen.article
        if article is not None and article.id == target and not article.summary_only:
            screen.notify("This story already has its full text.", timeout=2)
            return
        if target in self.full_text_ids:
            screen.notify("Already fetching the full text of this story…", timeout=2)
            return
        self.full_text_ids.add(target)
        screen.notify("Fetching the full text…", timeout=2)
        screen.background(partial(jobs.fetch_full_text, screen.services, target), "fulltext", False)

    def fetched(self, message: FullTextFetched) -> None:
        screen, outcome, row = self.screen, message.outcome, message.row
        self.full_text_ids.discard(outcome.article_id)
        if row is not None and screen.article is not None and screen.article.id == row.id:
            screen.article = row
        if outcome.ok:
            screen.notify(display.safe(f"Full text fetched from {outcome.host or 'the page'}."), timeout=3)
            screen.reload()  # the headline loses its "summary" mark
        elif outcome.status == "failed":
            reason = outcome.reason or "the page could not be read"
            screen.notify(display.safe("Kept the summary: " + reason), severity="warning", timeout=5)
        else:
            reason = outcome.reason or "nothing to fetch"
            screen.notify(display.safe(reason[:1].upper() + reason[1:] + "."), timeout=3)
