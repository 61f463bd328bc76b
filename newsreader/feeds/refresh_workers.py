"""A big refresh's worker processes: the parse pool, and the fetch worker.

:func:`parse_processes_for` says how many worker processes a refresh gets;
:func:`parse_executor` is the pool that parses for the full-text pass (and
for nothing else now), :class:`FetchWorker` the process that fetches and
parses the feeds themselves.

The refresh process stores, on its one writer thread; the worker fetches
the feeds (all but the first few of a refresh that may be all 304s: see
:class:`FetchWorker`) and parses each body as it arrives, and sends each feed's
:class:`~newsreader.feeds.fetch.FetchResult` (without its body) and parsed
document back. Both halves cost about the same CPU, so on two cores
neither waits for the other: fetching beside the writer made the refresh
process the slower one, and the two competed for its interpreter lock.

The worker never runs ahead of the writer by more than ``window`` parsed
feeds: the refresh acknowledges each one it has stored, so a big refresh
never holds all its documents in memory at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.connection import Connection

from newsreader.core.sanitize import clean_line
from newsreader.feeds.fetch import Fetcher, FetchResult

#: Refreshes of fewer feeds parse on a thread: a worker process would cost
#: more to start and to hold in memory than it saves.
PROCESS_REFRESH_FEEDS = 50


def parse_processes_for(feeds: int, cores: int | None) -> int:
    """Worker processes for a refresh of ``feeds`` feeds on ``cores`` cores.

    0 (fetching on this process's loop, parsing on a thread) for a small
    refresh or a single core. Otherwise one per core besides the one this
    process keeps busy storing, at most two. The feeds themselves are
    fetched and parsed by one :class:`FetchWorker` whatever the number (its
    work and the writer's take about the same CPU); the number sizes the
    parse pool of the full-text pass and how far the worker may run ahead.
    """
    if feeds < PROCESS_REFRESH_FEEDS or not cores or cores < 2:
        return 0
    return min(2, cores - 1)


def parse_executor(processes: int) -> Executor:
    """Where pages and small refreshes are parsed: ``processes`` forked workers, or one thread when 0.

    Called at the start of a refresh, before the :class:`FetchWorker` is
    forked. The pool's workers are forked when the first page is to be
    parsed (none for most refreshes), from a process whose objects
    existing now are frozen (``gc.freeze``): the collector then never writes
    to the pages the workers share with it, so they stay shared rather than
    being copied into every worker. The caller unfreezes after shutting the
    pool down.
    """
    if processes < 1:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="nr-parse")
    # Fork where it is the platform's way (Linux): the workers start in
    # milliseconds and share this process's modules. Elsewhere the default.
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    gc.freeze()
    pool = ProcessPoolExecutor(
        max_workers=processes, mp_context=context, initializer=_start_parse_worker, initargs=(os.getpid(),)
    )
    return pool


def _start_parse_worker(parent: int) -> None:
    """In each parse worker: let go of the refresh's standard output, and end
    with the refresh. The app reads ``refresh --jsonl``'s output until every
    holder closes it, and a worker left behind by a killed refresh would
    otherwise wait for tasks forever, holding it open."""
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.close(quiet)
    threading.Thread(target=_end_with, args=(parent,), name="nr-parent-watch", daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


#: (index of the request, its result without the body, the parsed document
#: or the one-line reason the body is not a feed, or None when nothing was parsed)
Arrival = tuple[int, FetchResult, object]

Request = tuple[str, str | None, str | None]  # url, etag, last_modified


class FetchWorker:
    """Fetches and parses ``requests`` for a refresh; read it with :meth:`arrivals`.

    When every request carries a validator (ETag or Last-Modified), the
    fetching starts on the refresh's own event loop, and the worker process
    is forked at the first answer with a body: a refresh whose feeds all
    answer 304 (or fail) never forks one, and so never holds a second
    interpreter's memory. The fork takes every request not yet sent; the
    requests already under way finish here, and the bodies they bring are
    handed over to the worker to parse (so is the first). A request with no
    validator will bring a body: then the worker is forked at once with all
    of them (the refresh process fetching first would only add its own copy
    of the HTTP client's memory).
    """

    def __init__(
        self,
        requests: list[Request],
        options: dict,
        window: int,
        parse: Callable[[bytes, str], object],
    ) -> None:
        self._requests = requests
        self._options = options
        self._window = window
        self._parse = parse
        self.process: multiprocessing.process.BaseProcess | None = None
        self._results: Connection | None = None
        self._acks: Connection | None = None
        self._fetching: asyncio.Task | None = None
        self.failure: str | None = None

    def arrivals(self, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[Arrival | None]:
        """A queue of the arrivals, here and from the worker; None once all are in."""
        queue: asyncio.Queue[Arrival | None] = asyncio.Queue()
        sources = [1]  # the fetching here, then the worker's reader thread too

        def one_done() -> None:
            sources[0] -= 1
            if not sources[0]:
                queue.put_nowait(None)

        def forked(results: Connection) -> None:
            sources[0] += 1
            threading.Thread(
                target=self._read, args=(results, loop, queue, one_done), name="nr-fetch-reader", daemon=True
            ).start()

        self._fetching = loop.create_task(self._fetch_until_a_body(queue, forked, one_done))
        return queue

    async def _fetch_until_a_body(
        self, queue: asyncio.Queue[Arrival | None], forked: Callable[[Connection], None], done: Callable[[], None]
    ) -> None:
        pending = list(reversed(list(enumerate(self._requests))))  # popped from the end: in order
        if any(etag is None and last_modified is None for _, (_, etag, last_modified) in pending):
            # A feed with nothing to answer 304 to brings a body: fork at once.
            forked(self._fork([(i, *request) for i, request in reversed(pending)], None))
            pending.clear()

        async def send(fetcher: Fetcher) -> None:
            while pending:
                index, (url, etag, last_modified) = pending.pop()
                result = await fetcher.fetch(url, etag=etag, last_modified=last_modified)
                if result.ok and not result.not_modified and result.body is not None:
                    if self.process is None:
                        left = [(i, *request) for i, request in reversed(pending)]
                        pending.clear()
                        forked(self._fork(left, (index, result)))
                    else:
                        self._hand_over((index, result))
                else:
                    queue.put_nowait((index, result, None))

        try:
            if pending:
                async with Fetcher(**self._options) as fetcher:
                    await asyncio.gather(*(send(fetcher) for _ in range(max(1, self._options["concurrency"]))))
        except Exception as exc:  # noqa: BLE001 - reported as the worker's failure, which fails the refresh
            self.failure = clean_line(f"fetching failed: {type(exc).__name__}: {exc}")[:300]
        finally:
            self._hand_over(None)  # no more bodies for the worker
            done()

    def _fork(
        self, requests: list[tuple[int, str, str | None, str | None]], first: tuple[int, FetchResult] | None
    ) -> Connection:
        context = multiprocessing.get_context("fork")
        results, results_end = context.Pipe(duplex=False)
        acks_end, self._acks = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve,
            args=(results_end, acks_end, requests, first, self._options, self._window, self._parse, os.getpid()),
            name="nr-fetch",
            daemon=True,
        )
        self.process.start()
        results_end.close()
        acks_end.close()
        self._results = results
        return results

    def _hand_over(self, message: tuple[int, FetchResult] | None) -> None:
        """A body fetched here, for the worker to parse; None: there are no more."""
        if self._acks is not None:
            with contextlib.suppress(OSError):  # the worker has ended: the refresh hears it
                self._acks.send(message)

    def _read(
        self, results: Connection, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue, done: Callable[[], None]
    ) -> None:
        try:
            while True:
                message = results.recv()
                if isinstance(message, str):  # the worker failed: its one-line reason
                    self.failure = message
                    break
                loop.call_soon_threadsafe(queue.put_nowait, message)
        except (EOFError, OSError):
            pass
        finally:
            loop.call_soon_threadsafe(done)

    def stored(self) -> None:
        """One parsed feed is stored: the worker may fetch another."""
        if self._acks is not None:
            with contextlib.suppress(OSError):  # the worker has ended
                self._acks.send(1)

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode if self.process is not None else None

    def close(self) -> None:
        if self._fetching is not None and not self._fetching.done():
            self._fetching.cancel()
        if self.process is None:
            return
        assert self._acks is not None and self._results is not None
        self._acks.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self._results.close()


def _serve(
    results: Connection,
    acks: Connection,
    requests: list[tuple[int, str, str | None, str | None]],
    first: tuple[int, FetchResult] | None,
    options: dict,
    window: int,
    parse: Callable[[bytes, str], object],
    parent: int,
) -> None:
    _start_parse_worker(parent)
    try:
        asyncio.run(_fetch_and_parse(results, acks, requests, first, options, window, parse))
    except BaseException as exc:  # noqa: BLE001 - reported to the refresh, which fails with it
        with contextlib.suppress(OSError):
            results.send(clean_line(f"the fetch worker failed: {type(exc).__name__}: {exc}")[:300])
        sys.exit(1)


async def _fetch_and_parse(
    results: Connection,
    acks: Connection,
    requests: list[tuple[int, str, str | None, str | None]],
    first: tuple[int, FetchResult] | None,
    options: dict,
    window: int,
    parse: Callable[[bytes, str], object],
) -> None:
    """Fetch ``requests`` and parse their bodies; parse ``first`` and the
    other bodies the refresh hands over, until it sends None."""
    loop = asyncio.get_running_loop()
    room = asyncio.Semaphore(window)
    parent_gone = asyncio.Event()
    handed_over = asyncio.Event()
    handed: list[asyncio.Task] = []

    async def parsed(index: int, result: FetchResult) -> None:
        # On a thread of its own, so that the loop keeps sending requests
        # and reading answers between the parse's turns at the interpreter.
        assert result.body is not None
        doc = await loop.run_in_executor(parsing, parse, result.body, result.final_url)
        result.body = None  # parsed: the bytes need not travel
        results.send((index, result, doc))

    async def given(index: int, result: FetchResult) -> None:
        await room.acquire()
        await parsed(index, result)

    def heard() -> None:
        try:
            message = acks.recv()
        except (EOFError, OSError):  # the refresh has ended or closed its end
            loop.remove_reader(acks.fileno())
            parent_gone.set()
            return
        if message is None:
            handed_over.set()
        elif isinstance(message, int):
            for _ in range(message):
                room.release()
        else:
            handed.append(asyncio.create_task(given(*message)))

    async def one(index: int, url: str, etag: str | None, last_modified: str | None) -> None:
        await room.acquire()
        result = await fetcher.fetch(url, etag=etag, last_modified=last_modified)
        if result.ok and not result.not_modified and result.body is not None:
            await parsed(index, result)
        else:
            room.release()  # nothing big waits to be stored
            results.send((index, result, None))

    async def everything() -> None:
        await asyncio.gather(*tasks)
        await handed_over.wait()
        await asyncio.gather(*handed)

    parsing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nr-parse")
    if first is not None:
        handed.append(asyncio.create_task(given(*first)))
    loop.add_reader(acks.fileno(), heard)
    async with Fetcher(**options) as fetcher:
        tasks = [asyncio.create_task(one(*request)) for request in requests]
        waiting = asyncio.ensure_future(parent_gone.wait())
        work = asyncio.ensure_future(everything())
        try:
            await asyncio.wait([work, waiting], return_when=asyncio.FIRST_COMPLETED)
            if work.done():
                work.result()  # a task's exception is the worker's
        finally:
            waiting.cancel()
            work.cancel()
            for task in [*tasks, *handed]:
                task.cancel()
            await asyncio.gather(*tasks, *handed, work, waiting, return_exceptions=True)
            parsing.shutdown(wait=False, cancel_futures=True)
