"""Subscribing when articles come from the sync server (``[sync] fetch = "server"``).

The device fetches nothing itself: the subscription goes into config.toml and
the outbox, and a sync at once asks the server to subscribe (the server finds
the feed of a page, fetches it, and the articles come with that sync). When
the server cannot be reached the subscription waits in the outbox for the
next sync; when the server refuses it, it is taken out of config.toml again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsreader.config.settings import add_feeds, remove_feed
from newsreader.core.models import Subscription
from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean_line
from newsreader.core.urls import check_url, normalize_url
from newsreader.store import record_subscriptions
from newsreader.sync.context import SyncError
from newsreader.sync.engine import sync_once

#: Seconds an add waits for a sync already under way (a timer's, a refresh's).
WAIT_FOR_SYNC = 30.0


@dataclass(slots=True)
class ServerSubscription:
    """What an add through the server did. ``status``: subscribed, waiting, exists, choose or failed."""

    status: str
    message: str
    feed_url: str | None = None
    candidates: list[str] = field(default_factory=list)  # the feeds a page links to (``choose``)

    @property
    def ok(self) -> bool:
        return self.status in ("subscribed", "waiting", "exists")


def subscribe_through_server(
    paths: Paths, url: str, *, title: str | None = None, tags: tuple[str, ...] = ()
) -> ServerSubscription:
    """Subscribe to ``url`` on the sync server (see the module's text)."""
    url = url.strip()
    reason = check_url(url)
    if reason:
        return ServerSubscription("failed", f"refused: {reason}")
    subscription = Subscription(url=url, title=title, tags=list(tags))
    added, problems = add_feeds(paths, [subscription])
    if not added:
        problem = problems[0] if problems else "not added"
        status = "exists" if problem.startswith("already subscribed") else "failed"
        return ServerSubscription(status, problem, feed_url=url)
    record_subscriptions(paths.state_db, [subscription])
    shown = clean_line(url)
    try:
        report = sync_once(paths, wait=WAIT_FOR_SYNC)
    except SyncError as exc:
        why = clean_line(str(exc)).removeprefix("sync: ")
        return ServerSubscription(
            "waiting", f"subscribed to {shown}; the sync server gets it at the next sync ({why})", feed_url=url
        )
    refused = report.refused.get(normalize_url(url))
    if refused is not None:
        line, candidates = refused
        remove_feed(paths, url)  # the server has it not: neither has this device
        return ServerSubscription("choose" if candidates else "failed", line, candidates=candidates)
    return ServerSubscription(
        "subscribed", f"subscribed to {shown} through the sync server: {report.articles} articles", feed_url=url
    )
