"""Refresh subscribed feeds: fetch, parse and store, many at a time.

Fetching is asyncio + httpx (:mod:`newsreader.feeds.fetch`); parsing is CPU
work. A small refresh (or one on one core) fetches on this event loop and
parses on a thread; a big one fetches and parses in a forked worker process
(:mod:`newsreader.feeds.refresh_workers`). Storing runs on one writer thread,
many feeds per transaction (:mod:`newsreader.feeds.store_queue`), each in a
savepoint of its own, so a failing feed never touches the articles of
another. Nothing here knows about Textual: the app runs ``newsreader refresh
--jsonl`` in a child process (:mod:`newsreader.feeds.refresh_child`) and reads
its progress.

Each feed is refreshed under its lease (``store.take_leases``): one that
another process is refreshing is skipped ("refreshing elsewhere").
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field

from newsreader.config.settings import FeedConfig, FetchConfig
from newsreader.core.models import ParsedDocument, ParseError
from newsreader.core.sanitize import clean_line
from newsreader.feeds.fetch import Fetcher, FetchRequest, FetchResult, tls_context
from newsreader.feeds.policy import redirect_decision
from newsreader.feeds.refresh_workers import FetchWorker, parse_executor
from newsreader.feeds.store_queue import BATCH_SECONDS, StoreQueue
from newsreader.parser import detect, parse
from newsreader.store import (
    FEED_FORMATS,
    Cache,
    DeferredStories,
    FeedState,
    LeaseOwner,
    ensure_feed,
    feed_states,
    record_fetch,
    release_leases,
    take_leases,
    text_fields,
)
from newsreader.stories.signature import prepare_article


@dataclass(slots=True)
class FeedOutcome:
    url: str
    title: str
    status: str  # updated | unchanged | failed | skipped
    new: int = 0
    updated: int = 0
    error: str | None = None
    article_ids: list[int] = field(default_factory=list)
    #: New articles that a ``[[rule]]`` with ``notify`` matched.
    notify_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class RefreshReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def notify_ids(self) -> list[int]:
        return [i for o in self.outcomes for i in o.notify_ids]

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def new_articles(self) -> int:
        return sum(o.new for o in self.outcomes)

    def summary(self) -> str:
        # The counts in brackets are of feeds ("updated" beside "new
        # articles" read as articles).
        parts = [f"{self.count('updated')} fetched", f"{self.count('unchanged')} unchanged"]
        if self.count("skipped"):
            parts.append(f"{self.count('skipped')} skipped")
        parts.append(f"{self.failed} failed")
        return (
            f"{len(self.outcomes)} feeds: {self.new_articles} new articles ("
            + ", ".join(parts)
            + f") in {self.seconds:.1f} s"
        )


def parse_feed_body(body: bytes, url: str) -> ParsedDocument | str:
    """Parse a fetched body as a feed; a string is the one-line reason it is not one.

    Top-level so a process pool can run it.
    """
    try:
        fmt = detect(body)
        if fmt not in FEED_FORMATS:
            if fmt == "html":
                return "not a feed: the address serves an HTML page (newsreader add finds its feeds)"
            return f"not a feed: the address serves {fmt} content"
        doc = parse(body, url=url, format=fmt)
    except ParseError as exc:
        return clean_line(str(exc))
    except Exception as exc:  # noqa: BLE001 - one feed never stops a refresh
        return clean_line(f"{type(exc).__name__}: {exc}")[:200]
    _prepare_for_writer(doc)
    return doc


def _prepare_for_writer(doc: ParsedDocument) -> None:
    """Compute each article's row fields (text deflated) and story-clustering
    features here, in the parse worker: the one writer thread then only
    stores them, weighs and compares."""
    for art in doc.articles:
        try:
            art.cluster_features = prepare_article(art)
        except Exception:  # noqa: BLE001 - the writer computes them itself
            art.cluster_features = None
        try:
            art.stored_fields = text_fields(art)
        except Exception:  # noqa: BLE001 - likewise
            art.stored_fields = None
        else:
            # The row fields hold the packed body and, for the search index,
            # its text: the article's own copies need not travel as well.
            art.body, art.summary = "", None


ProgressCallback = Callable[[int, int, FeedOutcome], None]


async def _all_or_none(tasks: list[asyncio.Task]) -> None:
    """Wait for every task; if one fails, cancel the others and raise its error."""
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


ELSEWHERE = "refreshing elsewhere"  # why a feed another process holds is skipped


class Refresher:
    """Refresh feeds into ``cache`` under the ``[fetch]`` settings."""

    def __init__(
        self,
        cache: Cache,
        fetch_config: FetchConfig | None = None,
        *,
        parse_processes: int = 0,
        clock: Callable[[], float] = time.time,
        fetcher_options: dict | None = None,
    ) -> None:
        self.cache = cache
        self.fetch_config = fetch_config or FetchConfig()
        self.parse_processes = parse_processes
        self.clock = clock
        self.fetcher_options = fetcher_options or {}
        self.full_text_outcomes: list = []  # newsreader.feeds.fulltext.FullTextOutcome, from the last run
        self.owner = LeaseOwner.current()
        self._leased: set[str] = set()
        #: The writer's transaction's story assignments (_store_batch), else None.
        self._stories: DeferredStories | None = None

    def run_sync(
        self, feeds: list[FeedConfig], *, on_progress: ProgressCallback | None = None, force: bool = False
    ) -> RefreshReport:
        return asyncio.run(self.run(feeds, on_progress=on_progress, force=force))

    async def run(
        self, feeds: list[FeedConfig], *, on_progress: ProgressCallback | None = None, force: bool = False
    ) -> RefreshReport:
        started = time.perf_counter()
        report = RefreshReport()
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nr-store")
        parser = parse_executor(self.parse_processes)
        loop = asyncio.get_running_loop()
        try:
            states = await loop.run_in_executor(writer, self._prepare, feeds)
            now = int(self.clock())
            requests: dict[str, tuple[FeedConfig, FeedState]] = {}
            done = 0
            total = len(feeds)
            wanted = [f.url for f in feeds if not self._skip_reason(states[f.url], now, force)]
            elsewhere = set(await loop.run_in_executor(writer, self._take_leases, wanted, now))
            for feed in feeds:
                state = states[feed.url]
                skip = ELSEWHERE if feed.url in elsewhere else self._skip_reason(state, now, force)
                if skip:
                    outcome = FeedOutcome(feed.url, feed.title or state.title or feed.url, "skipped", error=skip)
                    report.outcomes.append(outcome)
                    done += 1
                    if on_progress:
                        on_progress(done, total, outcome)
                    continue
                requests[state.effective_url] = (feed, state)
            options = {
                "concurrency": self.fetch_config.concurrency,
                "per_host": self.fetch_config.per_host,
                "deadline": self.fetch_config.timeout,
                **self.fetcher_options,
            }
            progress = {"done": done}

            def finish(outcome: FeedOutcome) -> None:
                report.outcomes.append(outcome)
                progress["done"] += 1
                if on_progress:
                    on_progress(progress["done"], total, outcome)

            store = StoreQueue(self, writer, expected=len(requests))
            if self.parse_processes >= 1 and requests and sys.platform.startswith("linux"):
                await self._fetch_in_worker(requests, options, store, finish)
            else:
                await self._fetch_here(requests, options, parser, store, finish)
            if any(feed.full_text for feed in feeds):
                await self._fetch_full_text(feeds, report, parser, writer)
        finally:
            parser.shutdown(wait=True, cancel_futures=True)
            if isinstance(parser, ProcessPoolExecutor):
                gc.unfreeze()
            await loop.run_in_executor(writer, self._release_leases)
            await loop.run_in_executor(writer, self.cache.close_thread_connection)
            writer.shutdown(wait=True)
        report.seconds = time.perf_counter() - started
        return report

    async def _fetch_here(
        self,
        requests: dict[str, tuple[FeedConfig, FeedState]],
        options: dict,
        parser: Executor,
        store: StoreQueue,
        finish: Callable[[FeedOutcome], None],
    ) -> None:
        """Fetch on this event loop, parse on ``parser`` (a small refresh, or one core)."""
        # Feeds between their request and their stored outcome, at most:
        # enough to keep every connection and the parser busy, few enough
        # that a big refresh never holds all its bodies in memory at once.
        in_flight = asyncio.Semaphore(max(1, options["concurrency"]) + 2)

        async def settle(fetcher: Fetcher, feed: FeedConfig, state: FeedState, request: FetchRequest) -> None:
            await in_flight.acquire()
            holding = [True]

            def release() -> None:  # once: when nothing big is held any more, or at the end
                if holding[0]:
                    holding[0] = False
                    in_flight.release()

            try:
                result = await fetcher.fetch(request.url, etag=request.etag, last_modified=request.last_modified)
                if result.body is None:  # a 304 or a failure: nothing big to hold while it waits
                    release()
                outcome = await self._settle(feed, state, result, parser, store, release)
            finally:
                release()
            finish(outcome)

        async with Fetcher(**options) as fetcher:
            tasks = [
                asyncio.create_task(settle(fetcher, feed, st, FetchRequest(url, st.etag, st.last_modified)))
                for url, (feed, st) in requests.items()
            ]
            await _all_or_none(tasks)

    async def _fetch_in_worker(
        self,
        requests: dict[str, tuple[FeedConfig, FeedState]],
        options: dict,
        store: StoreQueue,
        finish: Callable[[FeedOutcome], None],
    ) -> None:
        """Fetch and parse in a forked worker (:mod:`newsreader.feeds.refresh_workers`);
        store each feed here as it arrives."""
        loop = asyncio.get_running_loop()
        wanted = list(requests.values())
        window = max(1, options["concurrency"]) + 2 * self.parse_processes
        tls_context()  # built before the fork: the worker inherits it ready
        worker = FetchWorker(
            [(url, st.etag, st.last_modified) for url, (_, st) in requests.items()],
            options,
            window,
            parse_feed_body,
        )
        tasks: list[asyncio.Task] = []

        async def settle(feed: FeedConfig, state: FeedState, result: FetchResult, doc) -> None:
            title = feed.title or state.title or feed.url
            waiting = [doc is not None]  # the worker waits to hear that a parsed feed is stored

            def stored() -> None:  # once: as soon as the writer is done with it, or at the end
                if waiting[0]:
                    waiting[0] = False
                    worker.stored()

            try:
                outcome = await store.store((feed, state, result, doc, title), stored)
            finally:
                stored()
            finish(outcome)

        try:
            arrivals = worker.arrivals(loop)
            while (arrival := await arrivals.get()) is not None:
                index, result, doc = arrival
                feed, state = wanted[index]
                tasks.append(asyncio.create_task(settle(feed, state, result, doc)))
            await _all_or_none(tasks)
        finally:
            for task in tasks:
                task.cancel()
            worker.close()
        if len(tasks) < len(wanted):
            raise RuntimeError(worker.failure or f"the fetch worker ended early (exit code {worker.exitcode})")

    async def _fetch_full_text(
        self, feeds: list[FeedConfig], report: RefreshReport, parser: Executor, writer: Executor
    ) -> None:
        """Full text for the new summary-only items of ``full_text = true`` feeds,
        on this refresh's executors (newsreader.feeds.fulltext: 2 requests per host).
        The outcomes are kept in ``self.full_text_outcomes``."""
        from newsreader.feeds.fulltext import full_text_after_refresh

        self.full_text_outcomes = await full_text_after_refresh(
            self.cache,
            feeds,
            report.outcomes,
            self.fetch_config,
            parser=parser,
            writer=writer,
            fetcher_options=self.fetcher_options,
        )

    # The bookkeeping below runs on the writer thread (SQLite connection affinity).

    def _take_leases(self, urls: list[str], now: int) -> list[str]:
        """Lease the feeds about to be fetched; those another process holds."""
        seconds = int(self.fetch_config.timeout) * 3 + 120  # the fetch, the parse and the wait to store
        taken, held = take_leases(self.cache, urls, self.owner, now=now, seconds=seconds)
        self._leased.update(taken)
        return held

    def _release_leases(self, urls: list[str] | None = None) -> None:
        done = list(self._leased) if urls is None else [u for u in urls if u in self._leased]
        if done:
            release_leases(self.cache, done, self.owner)
            self._leased.difference_update(done)

    def _prepare(self, feeds: list[FeedConfig]) -> dict[str, FeedState]:
        with self.cache.write():  # one commit for a thousand new feeds, not one each
            states = feed_states(self.cache, [f.url for f in feeds])
            for feed in feeds:
                if feed.url not in states:
                    ensure_feed(self.cache, feed.url, feed.title)
            missing = [f.url for f in feeds if f.url not in states]
            if missing:
                states.update(feed_states(self.cache, missing))
        return states

    @staticmethod
    def _skip_reason(state: FeedState, now: int, force: bool) -> str | None:
        if force:
            return None
        if state.gone:
            return "gone (410): not polled any more; remove it or refresh it by name to try again"
        if state.retry_after and state.retry_after > now:
            minutes = max(1, (state.retry_after - now) // 60)
            return f"the server asked us to wait; next try in {minutes} min"
        return None

    async def _settle(
        self,
        feed: FeedConfig,
        state: FeedState,
        result: FetchResult,
        parser: Executor,
        store: StoreQueue,
        on_stored: Callable[[], None],
    ) -> FeedOutcome:
        loop = asyncio.get_running_loop()
        title = feed.title or state.title or feed.url
        doc: ParsedDocument | str | None = None
        if result.ok and not result.not_modified and result.body is not None:
            doc = await loop.run_in_executor(parser, parse_feed_body, result.body, result.final_url)
            result.body = None  # parsed: the bytes need not wait for the writer
        return await store.store((feed, state, result, doc, title), on_stored)

    def _store_batch(self, items: Iterable[tuple]) -> list[FeedOutcome | Exception]:
        """Store feeds in one transaction, each in its own savepoint.

        A feed whose storing fails is rolled back alone and gets its
        exception. Takes no more feeds from ``items`` after half of
        :data:`BATCH_SECONDS` (their stories, placed after them,
        take about as long again), so other writers (the app marking an
        article read) never wait long. Should placing the stories fail, the
        transaction is rolled back and every feed of it gets that error.
        """
        started = time.perf_counter()
        results: list[FeedOutcome | Exception] = []
        stored: list[str] = []
        # The feeds' stories, placed at once before the commit (store.DeferredStories).
        stories = self._stories = DeferredStories()
        failed: Exception | None = None
        try:
            with self.cache.write() as conn:
                for args in items:
                    try:
                        results.append(self._store(*args))
                    except Exception as exc:  # noqa: BLE001 - handed to that feed's task
                        results.append(exc)
                    stored.append(args[0].url)
                    if time.perf_counter() - started > BATCH_SECONDS / 2:
                        break
                try:
                    stories.assign(conn)
                except Exception as exc:
                    failed = exc
                    raise
                self._release_leases(stored)
        except Exception:
            if failed is None:
                raise
            # The transaction rolled back: no feed of it was stored.
            return [failed] * len(results)
        finally:
            self._stories = None
        return results

    def _store(
        self, feed: FeedConfig, state: FeedState, result: FetchResult, doc: ParsedDocument | str | None, title: str
    ) -> FeedOutcome:
        now = int(self.clock())
        if not result.ok or isinstance(doc, str):
            error = doc if result.ok and isinstance(doc, str) else result.error
            retry = int(result.retry_after.timestamp()) if result.retry_after else None
            record_fetch(self.cache, feed.url, error=error, retry_after=retry, gone=result.gone, now=now)
            return FeedOutcome(feed.url, title, "failed", error=error)
        candidate, count, move = redirect_decision(
            state.redirect_candidate, state.redirect_count, result.permanent_redirect
        )
        moved_to = candidate if move else None
        if result.not_modified or doc is None:
            record_fetch(
                self.cache,
                feed.url,
                error=None,
                not_modified=True,
                etag=result.etag,
                last_modified=result.last_modified,
                redirect=(candidate, count),
                moved_to=moved_to,
                now=now,
            )
            return FeedOutcome(feed.url, title, "unchanged")
        stats = self.cache.import_document(
            doc, feed_url=feed.url, feed_title=feed.title, now=now, stories=self._stories
        )
        record_fetch(
            self.cache,
            feed.url,
            error=None,
            etag=result.etag,
            last_modified=result.last_modified,
            redirect=(candidate, count),
            moved_to=moved_to,
            now=now,
        )
        status = "updated" if stats.new or stats.updated else "unchanged"
        return FeedOutcome(
            feed.url,
            feed.title or doc.feed_title or title,
            status,
            stats.new,
            stats.updated,
            article_ids=stats.article_ids,
            notify_ids=stats.notify_ids,
        )
