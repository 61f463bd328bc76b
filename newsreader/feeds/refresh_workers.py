"""A big refresh's worker processes: the parse pool, and the fetch worker.

:func:`parse_processes_for` says how many worker processes a refresh gets;
:func:`parse_executor` is the pool that parses for the full-text pass (and
for nothing else now), :class:`FetchWorker` the process that fetches and
parses the feeds themselves.

The refresh process stores, on its one writer thread; the worker fetches
every feed and parses each body as it arrives, and sends each feed's
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
    """A forked process fetching and parsing ``requests``; read it with :meth:`arrivals`."""

    def __init__(
        self,
        requests: list[Request],
        options: dict,
        window: int,
        parse: Callable[[bytes, str], object],
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._results, results_end = context.Pipe(duplex=False)
        acks_end, self._acks = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve,
            args=(results_end, acks_end, requests, options, window, parse, os.getpid()),
            name="nr-fetch",
            daemon=True,
        )
        self.process.start()
        results_end.close()
        acks_end.close()
        self.failure: str | None = None

    def arrivals(self, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[Arrival | None]:
        """A queue of the worker's arrivals, filled by a reader thread; None once it is done."""
        queue: asyncio.Queue[Arrival | None] = asyncio.Queue()

        def read() -> None:
            try:
                while True:
                    message = self._results.recv()
                    if isinstance(message, str):  # the worker failed: its one-line reason
                        self.failure = message
                        break
                    loop.call_soon_threadsafe(queue.put_nowait, message)
            except (EOFError, OSError):
                pass
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        threading.Thread(target=read, name="nr-fetch-reader", daemon=True).start()
        return queue

    def stored(self) -> None:
        """One parsed feed is stored: the worker may fetch another."""
        try:
            self._acks.send(1)
        except OSError:  # the worker has ended
            pass

    def close(self) -> None:
        self._acks.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self._results.close()


def _serve(
    results: Connection,
    acks: Connection,
    requests: list[Request],
    options: dict,
    window: int,
    parse: Callable[[bytes, str], object],
    parent: int,
) -> None:
    _start_parse_worker(parent)
    try:
        asyncio.run(_fetch_and_parse(results, acks, requests, options, window, parse))
    except BaseException as exc:  # noqa: BLE001 - reported to the refresh, which fails with it
        with contextlib.suppress(OSError):
            results.send(clean_line(f"the fetch worker failed: {type(exc).__name__}: {exc}")[:300])
        sys.exit(1)


async def _fetch_and_parse(
    results: Connection,
    acks: Connection,
    requests: list[Request],
    options: dict,
    window: int,
    parse: Callable[[bytes, str], object],
) -> None:
    loop = asyncio.get_running_loop()
    room = asyncio.Semaphore(window)
    parent_gone = asyncio.Event()

    def acknowledged() -> None:
        try:
            count = acks.recv()
        except (EOFError, OSError):  # the refresh has ended or closed its end
            loop.remove_reader(acks.fileno())
            parent_gone.set()
            return
        for _ in range(count):
            room.release()

    loop.add_reader(acks.fileno(), acknowledged)

    async def one(index: int, url: str, etag: str | None, last_modified: str | None) -> None:
        await room.acquire()
        result = await fetcher.fetch(url, etag=etag, last_modified=last_modified)
        doc = None
        if result.ok and not result.not_modified and result.body is not None:
            # On a thread of its own, so that the loop keeps sending requests
            # and reading answers between the parse's turns at the interpreter.
            doc = await loop.run_in_executor(parsing, parse, result.body, result.final_url)
            result.body = None  # parsed: the bytes need not travel
        else:
            room.release()  # nothing big waits to be stored
        results.send((index, result, doc))

    parsing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nr-parse")
    async with Fetcher(**options) as fetcher:
        tasks = [asyncio.create_task(one(i, *request)) for i, request in enumerate(requests)]
        waiting = asyncio.ensure_future(parent_gone.wait())
        everything = asyncio.gather(*tasks)
        try:
            await asyncio.wait([everything, waiting], return_when=asyncio.FIRST_COMPLETED)  # type: ignore[type-var]
            if everything.done():
                everything.result()  # a task's exception is the worker's
        finally:
            waiting.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, waiting, return_exceptions=True)
            parsing.shutdown(wait=False, cancel_futures=True)
