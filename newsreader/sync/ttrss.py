"""The Tiny Tiny RSS backend: the server holds the shared state.

Subscriptions are tt-rss feeds (a feed's category is the subscription's
first tag), known by the server's feed id once it answered, so a feed the
server keeps under another URL (a redirect, a page's feed) is one
subscription; read state is ``unread``; a bookmark is a starred article, its
note and tags the article's note (:mod:`newsreader.sync.ttrss_notes`). Story
flags do not sync through tt-rss. One sync:

1. logs in (password from ``password_command``, ``NEWSREADER_SYNC_PASSWORD``
   or a private config.toml);
2. sends waiting subscriptions and unsubscriptions (a new feed is fetched by
   the server at once), then takes the server's (a feed the server dropped
   since the last sync is dropped here);
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

import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from newsreader.config.settings import SyncSettings, load_config
from newsreader.core.models import Article, ParsedDocument
from newsreader.core.sanitize import clean_line
from newsreader.core.urls import normalize_url
from newsreader.parser.htmltext import html_to_text
from newsreader.store import (
    Bookmark,
    BookmarkStore,
    Change,
    article_key_for,
    feed_articles,
    read_states,
    remove_sample,
    sync_key,
)
from newsreader.sync.apply import apply_changes
from newsreader.sync.context import SyncContext, SyncError, SyncReport
from newsreader.sync.ttrss_client import TtrssClient
from newsreader.sync.ttrss_notes import note_with_tags, split_note

PAGE = 200
BATCH = 100
#: Seconds between checks of every feed's unread articles (else only feeds whose count changed).
FULL_CHECK_EVERY = 3600
SERVER = "server"
#: What tt-rss's subscribeToFeed codes 2 to 7 mean.
_REFUSALS = {
    2: "not a valid URL",
    3: "the page links to no feed",
    4: "the page links to several feeds; add one of them",
    5: "the server could not download it",
    6: "not a valid feed",
    7: "the server could not store it",
}


def _feed_ids(text: str | None) -> dict[str, int]:
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return {}
    return {k: v for k, v in raw.items() if isinstance(v, int)} if isinstance(raw, dict) else {}


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
        self.feed_ids: dict[str, int] = {}  # subscription key -> the server's feed id
        self.urls: dict[int, str] = {}  # the server's feed id -> the URL this device stores its articles under

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
        """The server's feeds by the key of this device's subscription to each.

        A feed this device subscribed to under another URL than the server
        keeps (a redirect, a page whose feed the server found) is known by its
        server id, and listed under the URL this device subscribed to.
        """
        categories = {
            c["id"]: c.get("title") for c in self.client.call("getCategories", include_empty=True) or [] if "id" in c
        }
        self.categories = {str(t).casefold(): i for i, t in categories.items() if isinstance(i, int) and i > 0}
        feeds = self.client.call("getFeeds", cat_id=-3) or []
        self.feeds = {}
        for feed in feeds:
            if isinstance(feed, dict) and isinstance(feed.get("id"), int) and feed.get("feed_url"):
                cat = feed.get("cat_id")
                feed["category"] = categories.get(cat) if isinstance(cat, int) and cat > 0 else None
                self.feeds[feed["id"]] = feed
        mapped = {fid: key for key, fid in self.feed_ids.items() if fid in self.feeds}
        return {mapped.get(fid) or normalize_url(feed["feed_url"]): feed for fid, feed in self.feeds.items()}

    def _subscribe(self, url: str, tags: list[str], report: SyncReport) -> None:
        category = next((self.categories[t.casefold()] for t in tags if t.casefold() in self.categories), 0)
        answer = self.client.call("subscribeToFeed", feed_url=url, category_id=category)
        status = answer.get("status") if isinstance(answer, dict) else None
        status = status if isinstance(status, dict) else {}
        code, feed_id = status.get("code"), status.get("feed_id")
        if code in (0, 1):  # 0: already subscribed, 1: added
            if isinstance(feed_id, int):
                self.feed_ids[normalize_url(url)] = feed_id
                if code == 1:  # fetched at once, so the articles come with this sync
                    try:
                        self.client.call("updateFeed", feed_id=feed_id)
                    except SyncError as exc:  # the server's own updater fetches it later
                        report.problems.append(str(exc))
            return
        found = status.get("feeds")
        candidates = [str(u) for u in found] if isinstance(found, dict) else []
        why = _REFUSALS.get(code, f"code {code}") if isinstance(code, int) else "unexpected reply"
        if code == 5 and isinstance(status.get("message"), str):
            why += f" ({clean_line(status['message'])[:80]})"
        line = f"tt-rss could not subscribe to {url}: {why}"
        report.problems.append(line)
        report.refused[normalize_url(url)] = (line, candidates)

    def _subscriptions(self, ctx: SyncContext, report: SyncReport) -> None:
        state = ctx.state
        self.feed_ids = _feed_ids(state.facts().get("ttrss_feed_ids"))
        server = self._server_feeds()
        pending = state.pending("feed")
        for change in pending:
            url = str(change.value.get("url") or change.key)
            if change.value.get("subscribed") and change.key not in server:
                self._subscribe(url, list(change.value.get("tags") or []), report)
            elif not change.value.get("subscribed") and change.key in server:
                self.client.call("unsubscribeFeed", feed_id=server[change.key]["id"])
                self.feed_ids.pop(change.key, None)
            state.confirm([change])
            report.pushed += 1
        seen = state.known("feed")
        local = {normalize_url(f.url): f for f in load_config(ctx.paths).feeds}
        for key, mine in local.items():
            asked = key in self.feed_ids or key in report.refused  # by a waiting change, just now
            if key not in server and not asked and ("feed", key) not in seen:  # subscribed here before sync knew
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
        self.feed_ids = {key: feed["id"] for key, feed in server.items()}
        state.set_facts(ttrss_feed_ids=json.dumps(self.feed_ids, sort_keys=True))
        urls = {normalize_url(f.url): f.url for f in load_config(ctx.paths).feeds}
        self.urls = {feed["id"]: urls.get(key, feed["feed_url"]) for key, feed in server.items()}

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
                url = self.urls.get(feed_id, feed["feed_url"])
                if content:
                    doc = ParsedDocument(format="rss", articles=[a for _, a in items], feed_url=url)
                    ctx.cache.import_document(doc, feed_url=url, feed_title=feed.get("title"), kind="feed")
                    report.articles += len(items)
                pairs.extend((article_key_for(url, art), head["id"]) for head, art in items)
            state.save_remote_ids(pairs)
        state.set_facts(ttrss_max_id=str(newest))
        if report.articles:
            remove_sample(ctx.cache)  # the first articles of your own make way for the sample's
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
                    tags = change.value.get("tags")
                    tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
                    self._update([remote], 0, 3, note_with_tags(str(change.value.get("note") or ""), tags))
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
            mine = local.get(self.urls.get(feed_id, feed["feed_url"]), (0, []))
            if not full and feed.get("unread") == mine[0]:
                continue
            if feed.get("unread"):
                for page in _pages(self.client, feed_id=feed_id, view_mode="unread", show_content=False):
                    unread.update(h["id"] for h in page)
            checked.extend(k for k in mine[1] if k in ids)
        if full:
            ctx.state.set_facts(ttrss_full_check=str(int(time.time())))
        return unread, checked

    def _send_tags_once(
        self, ctx: SyncContext, starred: dict[str, dict[str, Any]], kept: dict[Any, Any], waiting: set[tuple[str, str]]
    ) -> None:
        """Bookmark tags stayed on the device before they travelled in notes: send them once,
        so that the first sync that reads tags from notes does not take them away."""
        if ctx.state.facts().get("ttrss_tags_in_notes"):
            return
        for key, head in starred.items():
            mine = kept.get(key)
            note = head.get("note") or ""
            if mine is not None and mine.tags and not split_note(note)[1] and ("bookmark", key) not in waiting:
                head["note"] = note_with_tags(note, mine.tags)
                self._update([head["id"]], 0, 3, head["note"])
        ctx.state.set_facts(ttrss_tags_in_notes="1")

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
        self._send_tags_once(ctx, starred, kept, waiting)
        for key, head in starred.items():
            note, tags = split_note(head.get("note") or "")
            mine = kept.get(key)
            if mine is None or mine.note != note or mine.tags != tags:
                article = _article(head, False)
                value = Bookmark.from_article(article, article_key=key, note=note, tags=tags).to_sync()
                changes.append(Change("bookmark", key, value, 0, SERVER))
        for key, bookmark in kept.items():
            if key in starred or key not in ids or ("bookmark", key) in waiting:
                continue
            if ("bookmark", key) in seen:  # unstarred on the server since the last sync
                changes.append(Change("bookmark", key, {"kept": False}, 0, SERVER))
            else:  # kept here before the server knew: star it there
                self._update([ids[key]], 1, 0)
                if bookmark.note or bookmark.tags:
                    self._update([ids[key]], 0, 3, note_with_tags(bookmark.note, bookmark.tags))
                starred[key] = {}
        report.applied.merge(apply_changes(ctx.paths, ctx.cache, changes, waiting))
        report.received += len(changes)
        state.forget("bookmark", [k for (_, k) in seen if k not in starred])
        state.remember(Change("bookmark", key, {"kept": True}, 0, SERVER) for key in starred)
