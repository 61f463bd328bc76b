"""The reader as a daily driver, for the main screen: feeds refreshed on
their schedule, other processes' writes shown, notifications, the sync line.

* A timer wakes when the next feed falls due (``newsreader.feeds.schedule``)
  and runs the due feeds through the refresh of ``R`` (a child process); at
  start the feeds that are due are refreshed (``[fetch] refresh_on_start``).
* Every second a cheap check (``PRAGMA data_version``, and bookmarks.toml's
  time and size) runs on one thread of its own (the check compares with what
  the same connection saw last): when another process or a sync wrote, the
  lists reload, keeping the cursor, the open article, the history and a search.
* What notify rules matched and followed stories' new outlets go through a
  :class:`~newsreader.feeds.notify.NotificationBatcher`: at most one
  notification every few seconds, as a terminal escape and ``notify_command``.
* With ``[sync]`` set up, the source list's bottom border shows
  ``newsreader.sync.status_line``; the reader syncs at start, every five
  minutes, and a few seconds after each local change (``SyncTrigger``).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

from textual.timer import Timer

from newsreader.feeds.notify import Notification, NotificationBatcher, terminal_escape
from newsreader.store import ArticleRow, changed_since_last_check
from newsreader.tui.keys import ListKey
from newsreader.tui.messages import CacheChanged, FeedsDue, NewsToTell, OpenArticleGone, StatusText
from newsreader.tui.screens import background_jobs, jobs

if TYPE_CHECKING:
    from newsreader.sync import SyncReport, SyncTrigger
    from newsreader.tui.screens.main_screen import MainScreen

#: Seconds between two looks for other processes' writes.
WATCH_EVERY = 1.0
#: The schedule is looked at again at least this often, and at most this often.
WAKE_AT_LEAST, WAKE_AT_MOST = 60, 3600
#: Seconds after the last article opened before the source counts are
#: recounted in full (saved searches, a story's other versions); the opened
#: article's own source and the Unread count change at once.
RECOUNT_AFTER = 1.0
#: Seconds between two readings of the sync status line.
SYNC_STATUS_EVERY = 30.0
#: Seconds between two syncs while the reader is open (changes elsewhere come in).
SYNC_EVERY = 300.0


def escape_kind() -> str:
    """OSC 777 for the terminals that read it (rxvt, foot, Ghostty), else OSC 9."""
    term, program = os.environ.get("TERM", ""), os.environ.get("TERM_PROGRAM", "").lower()
    return "osc777" if term.startswith(("rxvt", "foot")) or program == "ghostty" else "osc9"


class BackgroundTasks:
    """The timers and what their workers' messages change."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        services = screen.services
        self.batcher = NotificationBatcher(lambda: services.clock().timestamp())
        self.told: list[Notification] = []  # every notification given (tests read it)
        self.stories_told: set[tuple[int, int]] = set()  # (story id, outlets) already told
        self.notify_ids: list[int] = []  # from the refresh under way
        self.watcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsreader-watch")
        self.watching = False
        self.wake: Timer | None = None
        self.trigger: SyncTrigger | None = None
        self.recount: Timer | None = None  # a pending full recount of the sources

    def start(self) -> None:
        screen = self.screen
        screen.set_interval(WATCH_EVERY, self.watch)
        screen.set_interval(1.0, self.tell)
        self.plan(starting=True)
        if self.syncing():
            self.read_sync_status()
            screen.set_interval(SYNC_STATUS_EVERY, self.read_sync_status)
            if screen.services.config.sync is not None:
                self.sync_trigger().now()  # sync at start, and now and then while the reader is open
                screen.set_interval(SYNC_EVERY, self.sync_trigger().now)

    def stop(self) -> None:
        self.watcher.submit(self.screen.services.cache.close_thread_connection)
        self.watcher.shutdown(wait=False, cancel_futures=True)
        if self.trigger is not None:
            self.trigger.cancel()

    def opened(self, row: ArticleRow, marked: list[tuple[int, bool]]) -> None:
        """Opening ``row`` marked ``marked`` read (its story's other versions too)."""
        screen = self.screen
        self.local_change()
        if screen.sources.count_as_read(row) or len(marked) > 1:
            # The saved searches' counts follow in one recount once the reader pauses.
            if self.recount is not None:
                self.recount.stop()
            self.recount = screen.set_timer(RECOUNT_AFTER, screen.load_sources)

    # -- the schedule ----------------------------------------------------------

    def plan(self, starting: bool = False) -> None:
        self.screen.background(partial(background_jobs.feeds_due, self.screen.services, starting), "schedule")

    def due(self, message: FeedsDue) -> None:
        feeds = self.screen.feeds
        if message.urls and not feeds.refreshing:
            feeds.start(None, message.urls)
        now = background_jobs.epoch(self.screen.services)
        wait = WAKE_AT_MOST if message.wakeup is None else message.wakeup - now
        if self.wake is not None:
            self.wake.stop()
        self.wake = self.screen.set_timer(min(WAKE_AT_MOST, max(WAKE_AT_LEAST, wait)), self.plan)

    def show_feed(self, key: ListKey) -> None:
        """The highlighted source is a feed: its schedule on the status line."""
        if key.is_source and not self.screen.feeds.refreshing:
            self.screen.background(partial(feed_status_of, self.screen.services, key.number), "feed-status")

    # -- other processes' writes -------------------------------------------------

    def watch(self) -> None:
        if self.watching:
            return
        self.watching = True
        try:
            future = self.watcher.submit(other_writes, self.screen.services)
        except RuntimeError:  # shut down: the screen is closing
            return
        future.add_done_callback(self.watched)

    def watched(self, future: Future[bool]) -> None:
        # On the watcher's thread; post_message is safe from any thread.
        self.watching = False
        if not future.cancelled() and future.exception() is None and future.result():
            self.screen.post_message(CacheChanged())

    def cache_changed(self) -> None:
        screen = self.screen
        screen.bookmarked = screen.bookmark_keys()
        if not screen.feeds.refreshing:
            # During the reader's own refresh the cache changes every second:
            # its progress reloads the lists (at most once a second) and its
            # end once more, so a second reload here would only double the work.
            screen.reload()
        if screen.article is not None:
            screen.background(partial(background_jobs.open_article_again, screen.services, screen.article), "gone")

    def article_gone(self, message: OpenArticleGone) -> None:
        screen = self.screen
        if screen.article is not None and screen.article.id == message.article_id:
            screen.notify("Another process removed this article from the cache.", timeout=4)

    # -- notifications ---------------------------------------------------------

    def refreshed(self, record: dict[str, object]) -> None:
        """One feed of a refresh is done: keep what a notify rule matched."""
        ids = record.get("notify_ids")
        if isinstance(ids, list):
            self.notify_ids.extend(i for i in ids if isinstance(i, int))

    def refresh_done(self) -> None:
        ids, self.notify_ids = self.notify_ids, []
        self.screen.background(partial(background_jobs.news_to_tell, self.screen.services, ids), "notify", False)

    def news(self, message: NewsToTell) -> None:
        for match, ids in message.matches.items():
            self.batcher.add_matches(match, ids)
        fresh = [s for s in message.stories if (s.id, s.source_count) not in self.stories_told]
        self.stories_told.update((s.id, s.source_count) for s in fresh)
        self.batcher.add_stories(fresh)
        self.tell()

    def tell(self) -> None:
        note = self.batcher.due()
        if note is None:
            return
        self.told.append(note)
        driver = self.screen.app._driver  # Textual has no public way to write an escape
        if driver is not None:
            driver.write(terminal_escape(note, escape_kind()))
        self.screen.background(partial(background_jobs.notify_command, self.screen.services, note), "notify", False)

    # -- sync ------------------------------------------------------------------

    def syncing(self) -> bool:
        config = self.screen.services.config
        return config.sync is not None or config.sync_error is not None

    def read_sync_status(self) -> None:
        self.screen.background(partial(background_jobs.sync_status, self.screen.services), "sync-status")

    def local_change(self) -> None:
        """Read marks, bookmarks or story flags changed: sync a few seconds later."""
        if not self.syncing():
            return
        self.screen.background(self.sync_trigger().changed, "sync", False)

    def sync_trigger(self) -> SyncTrigger:
        if self.trigger is None:
            from newsreader.sync import SyncTrigger

            self.trigger = SyncTrigger(self.screen.services.paths, done=self.synced)
        return self.trigger

    def synced(self, report: SyncReport | None, problem: str | None) -> None:
        # On the sync's thread: the line is read there too.
        self.screen.post_message(background_jobs.sync_status(self.screen.services))

    def show(self, message: StatusText) -> None:
        if message.where == "sync":
            self.screen.sources.border_subtitle = message.text or None
        else:
            self.screen.set_status(message.text)


def other_writes(services) -> bool:
    """Whether another process (or a sync) changed the cache or bookmarks.toml since
    the last look (on the watcher's thread; the bookmarks are re-read then)."""
    bookmarks = services.bookmarks.reload_if_changed()
    return changed_since_last_check(services.cache) or bookmarks


def feed_status_of(services, source_id: int) -> StatusText | None:
    feeds = jobs.feeds_of_source(services, source_id)
    return background_jobs.feed_status(services, feeds[0].url) if feeds else None
