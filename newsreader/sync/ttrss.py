"""The Tiny Tiny RSS backend: the server holds the shared state.

Subscriptions are tt-rss feeds (a feed's category is the subscription's
first tag); read state is ``unread``; a bookmark is a starred article and its
note the article's note (tags of bookmarks stay on the device). Story flags do
not sync through tt-rss. One sync:

1. logs in (password from ``password_command``, ``NEWSREADER_SYNC_PASSWORD``
   or a private config.toml);
2. sends waiting subscriptions and unsubscriptions, then takes the server's
   (a feed the server dropped since the last sync is dropped here);
3. pages through headlines newer than the last sync (with their content when
   ``fetch = "server"``, stored in the cache), learning the server's id of each
   article;
4. sends waiting read marks and bookmarks; each batch leaves the outbox only
   when the server answered it;
5. takes the server's unread and starred articles, except where a change of
   this device still waits to go out.

The server has no clock per change, so a change waiting here always wins.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from newsreader.config.settings import SyncSettings, load_config
from newsreader.core.models import Article, ParsedDocument
from newsreader.core.urls import normalize_url
from newsreader.parser.htmltext import html_to_text
from newsreader.store import BookmarkStore, Change, article_key_for, feed_articles, read_states, sync_key
from newsreader.sync.apply import apply_changes
from newsreader.sync.context import SyncContext, SyncError, SyncReport
from newsreader.sync.ttrss_client import TtrssClient

PAGE = 200
BATCH = 100
#: Seconds between checks of every feed's unread articles (else only feeds whose count changed).
FULL_CHECK_EVERY = 3600
SERVER = "server"


def _pages(client: TtrssClient, **params: Any) -> Iterable[list[dict[str, Any]]]:
    skip = 0
    while True:
        page = client.call("getHeadlines", limit=PAGE, skip=skip, **params)
        if not isinstance(page, list):
            raise SyncError("tt-rss getHeadlines: unexpected reply")
        rows = [h for h in page if isinstance(h, dict) and isinstance(h.get("id"), int)]
        yield rows
        if len(page) < PAGE:
            return
        skip += PAGE


def _article(head: dict[str, Any], with_content: bool) -> Article:
    link = head.get("link") if isinstance(head.get("link"), str) else None
    updated = head.get("updated")
    published = datetime.fromtimestamp(updated, UTC) if isinstance(updated, int) else None
    body = ""
    if with_content and isinstance(head.get("content"), str):
        body = html_to_text(head["content"], base_url=link)
    return Article(
        title=str(head.get("title") or link or "untitled"),
        body=body,
        url=link or None,
        published=published,
        precision="exact" if published else "unknown",
        author=head.get("author") or None,
        source=head.get("feed_title") or None,
    )


class TtrssBackend:
    def __init__(self, settings: SyncSettings, password: str) -> None:
        if settings.url is None or settings.user is None:
            raise SyncError("sync: tt-rss needs url and user")
        self.settings = settings
        self.client = TtrssClient(settings.url, settings.user, password, timeout=settings.timeout)
        self.feeds: dict[int, dict[str, Any]] = {}
        self.categories: dict[str, int] = {}  # folded title -> id

    def run(self, ctx: SyncContext) -> SyncReport:
        report = SyncReport()
        try:
            self.client.login()
            self._subscriptions(ctx, report)
            ids = self._headlines(ctx, report)
            self._push(ctx, ids, report)
            self._pull_state(ctx, ids, report)
        finally:
            self.client.close()
        return report

    # -- subscriptions ---------------------------------------------------

    def _server_feeds(self) -> dict[str, dict[str, Any]]:
        categories = {
            c["id"]: c.get("title") for c in self.client.call("getCategories", include_empty=True) or [] if "id" in c
        }
        self.categories = {str(t).casefold(): i for i, t in categories.items() if isinstance(i, int) and i > 0}
        feeds = self.client.call("getFeeds", cat_id=-3) or []
        self.feeds = {}
        found: dict[str, dict[str, Any]] = {}
        for feed in feeds:
            if isinstance(feed, dict) and isinstance(feed.get("id"), int) and feed.get("feed_url"):
                cat = feed.get("cat_id")
                feed["category"] = categories.get(cat) if isinstance(cat, int) and cat > 0 else None
                self.feeds[feed["id"]] = feed
                found[normalize_url(feed["feed_url"])] = feed
        return found

    def _subscribe(self, url: str, tags: list[str], report: SyncReport) -> None:
        category = next((self.categories[t.casefold()] for t in tags if t.casefold() in self.categories), 0)
        answer = self.client.call("subscribeToFeed", feed_url=url, category_id=category)
        code = answer.get("status", {}).get("code") if isinstance(answer, dict) else None
        if code not in (0, 1):  # 0: already subscribed, 1: added
            report.problems.append(f"tt-rss could not subscribe to {url} (code {code})")

    def _subscriptions(self, ctx: SyncContext, report: SyncReport) -> None:
        state = ctx.state
        server = self._server_feeds()
        pending = state.pending("feed")
        for change in pending:
            url = str(change.value.get("url") or change.key)
            if change.value.get("subscribed") and change.key not in server:
                self._subscribe(url, list(change.value.get("tags") or []), report)
            elif not change.value.get("subscribed") and change.key in server:
                self.client.call("unsubscribeFeed", feed_id=server[change.key]["id"])
            state.confirm([change])
            report.pushed += 1
        seen = state.known("feed")
        local = {normalize_url(f.url): f for f in load_config(ctx.paths).feeds}
        for key, mine in local.items():
            if key not in server and ("feed", key) not in seen:  # subscribed here before sync knew
                self._subscribe(mine.url, mine.tags, report)
        server = self._server_feeds()
        changes = []
        for key, feed in server.items():
            if key not in local:
                tags = [feed["category"]] if feed.get("category") else []
                value = {"subscribed": True, "url": feed["feed_url"], "title": feed.get("title"), "tags": tags}
                changes.append(Change("feed", key, value, 0, SERVER))
        for key, mine in local.items():
            if key not in server and ("feed", key) in seen:  # the server dropped it
                changes.append(Change("feed", key, {"subscribed": False, "url": mine.url}, 0, SERVER))
        waiting = {(c.kind, c.key) for c in state.pending("feed")}
        report.applied.merge(apply_changes(ctx.paths, ctx.cache, changes, waiting))
        report.received += len(changes)
        state.forget("feed", [k for (_, k) in seen if k not in server])
        state.remember(Change("feed", key, {"subscribed": True}, 0, SERVER) for key in server)

    # -- articles --------------------------------------------------------

    def _headlines(self, ctx: SyncContext, report: SyncReport) -> dict[str, int]:
        """Store new articles (server fetch) and learn their ids; key -> server id."""
        state = ctx.state
        since = int(state.facts().get("ttrss_max_id", "0") or 0)
        content = self.settings.server_fetch
        newest = since
        for page in _pages(
            self.client, feed_id=-4, view_mode="all_articles", since_id=since, show_content=content,
            order_by="date_reverse",
        ):  # fmt: skip
            by_feed: dict[int, list[tuple[dict[str, Any], Article]]] = {}
            for head in page:
                newest = max(newest, head["id"])
                by_feed.setdefault(head.get("feed_id") or 0, []).append((head, _article(head, content)))
            pairs: list[tuple[str, int]] = []
            for feed_id, items in by_feed.items():
                feed = self.feeds.get(feed_id)
                if feed is None:
                    continue
                url = feed["feed_url"]
                if content:
                    doc = ParsedDocument(format="rss", articles=[a for _, a in items], feed_url=url)
                    ctx.cache.import_document(doc, feed_url=url, feed_title=feed.get("title"), kind="feed")
                    report.articles += len(items)
                pairs.extend((article_key_for(url, art), head["id"]) for head, art in items)
            state.save_remote_ids(pairs)
        state.set_facts(ttrss_max_id=str(newest))
        return state.remote_ids()

    # -- read state and bookmarks -----------------------------------------

    def _update(self, ids: list[int], mode: int, field: int, data: str | None = None) -> None:
        for start in range(0, len(ids), BATCH):
            params: dict[str, Any] = {"mode": mode, "field": field}
            if data is not None:
                params["data"] = data
            self.client.call("updateArticle", article_ids=",".join(map(str, ids[start : start + BATCH])), **params)

    def _push(self, ctx: SyncContext, ids: dict[str, int], report: SyncReport) -> None:
        state = ctx.state
        stories = state.pending("story")
        state.confirm(stories)  # story flags do not sync through tt-rss
        reads = state.pending("read")
        not_here = [c for c in reads if c.key not in ids]
        state.confirm(not_here)  # articles the server never had
        for read in (True, False):
            batch = [c for c in reads if c.key in ids and bool(c.value.get("read")) is read]
            for start in range(0, len(batch), BATCH):
                part = batch[start : start + BATCH]
                self._update([ids[c.key] for c in part], 0 if read else 1, 2)
                state.confirm(part)
                report.pushed += len(part)
        for change in state.pending("bookmark"):
            remote = ids.get(change.key)
            if remote is not None:
                kept = bool(change.value.get("kept"))
                self._update([remote], 1 if kept else 0, 0)
                if kept:
                    self._update([remote], 0, 3, str(change.value.get("note") or ""))
                report.pushed += 1
            state.confirm([change])

    def _unread(self, ctx: SyncContext, ids: dict[str, int]) -> tuple[set[int], list[str]]:
        """The server's unread article ids, and the keys of the articles they were asked for.

        Only feeds whose unread count differs from the cache's are asked
        (a page of 200 headlines costs the server ~0.3 s); every feed once an hour.
        """
        facts = ctx.state.facts()
        full = time.time() - int(facts.get("ttrss_full_check", "0") or 0) > FULL_CHECK_EVERY
        local = feed_articles(ctx.cache)
        unread: set[int] = set()
        checked: list[str] = []
        for feed_id, feed in self.feeds.items():
            mine = local.get(feed["feed_url"], (0, []))
            if not full and feed.get("unread") == mine[0]:
                continue
            if feed.get("unread"):
                for page in _pages(self.client, feed_id=feed_id, view_mode="unread", show_content=False):
                    unread.update(h["id"] for h in page)
            checked.extend(k for k in mine[1] if k in ids)
        if full:
            ctx.state.set_facts(ttrss_full_check=str(int(time.time())))
        return unread, checked

    def _pull_state(self, ctx: SyncContext, ids: dict[str, int], report: SyncReport) -> None:
        state = ctx.state
        self._server_feeds()  # the unread counts after this device's changes went out
        unread, checked = self._unread(ctx, ids)
        by_id = {remote: key for key, remote in ids.items()}
        waiting = {(c.kind, c.key) for c in state.pending()}
        local = read_states(ctx.cache, checked)
        changes = [
            Change("read", key, {"read": ids[key] not in unread}, 0, SERVER)
            for key in checked
            if local.get(key) is not None and local[key] != (ids[key] not in unread)
        ]
        starred: dict[str, dict[str, Any]] = {}
        for page in _pages(self.client, feed_id=-1, view_mode="all_articles", show_content=False):
            for head in page:
                key = by_id.get(head["id"])
                if key is not None:
                    starred[key] = head
        store = BookmarkStore(ctx.paths.bookmarks_file).load()
        kept = {sync_key(b): b for b in store.all()}
        seen = state.known("bookmark")
        for key, head in starred.items():
            note = head.get("note") or ""
            mine = kept.get(key)
            if mine is None or mine.note != note:
                article = _article(head, False)
                value = {"kept": True, "title": article.title, "url": article.url, "note": note}
                value["source"] = article.source
                changes.append(Change("bookmark", key, value, 0, SERVER))
        for key, bookmark in kept.items():
            if key in starred or key not in ids or ("bookmark", key) in waiting:
                continue
            if ("bookmark", key) in seen:  # unstarred on the server since the last sync
                changes.append(Change("bookmark", key, {"kept": False}, 0, SERVER))
            else:  # kept here before the server knew: star it there
                self._update([ids[key]], 1, 0)
                if bookmark.note:
                    self._update([ids[key]], 0, 3, bookmark.note)
                starred[key] = {}
        report.applied.merge(apply_changes(ctx.paths, ctx.cache, changes, waiting))
        report.received += len(changes)
        state.forget("bookmark", [k for (_, k) in seen if k not in starred])
        state.remember(Change("bookmark", key, {"kept": True}, 0, SERVER) for key in starred)
