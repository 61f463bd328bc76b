"""The writer's side of a refresh: feeds handed to one thread, many per transaction.

:class:`StoreQueue` lives on the refresh's event loop; the feeds it is given
are stored on the writer thread by ``Refresher._store_batch`` (SQLite
connections belong to one thread), and each feed's outcome comes back to its
task once the transaction holding it is committed.
"""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.feeds.refresh import FeedOutcome, Refresher

#: Longest a storing transaction goes on taking more feeds, in seconds.
BATCH_SECONDS = 0.25


#: A feed for the writer: ``Refresher._store``'s arguments, the future of its
#: outcome, and what to call from the writer thread once it is stored.
_Arrival = tuple[tuple, asyncio.Future, Callable[[], object]]


class StoreQueue:
    """Feeds on their way to the writer thread, stored many per transaction.

    A commit writes every page the transaction touched (the article rows,
    each of their indexes, the search and story tables) to the WAL, and a
    feed's rows touch hundreds of pages: committed feed by feed, the same
    pages are written again and again. So the writer keeps a transaction open while more feeds
    are on their way, storing each as it arrives (in a savepoint of its own),
    and commits after :data:`BATCH_SECONDS`, or at once when no feed is left
    to come. The first feed of a refresh is committed alone, at once: the
    open app shows the first new articles without waiting for a batch.
    """

    def __init__(self, refresher: Refresher, writer: Executor, expected: int) -> None:
        self.refresher = refresher
        self.writer = writer
        self.arrivals: queue.SimpleQueue[_Arrival] = queue.SimpleQueue()
        #: Feeds that have yet to arrive (the writer waits for more only while some will).
        self.expected = expected
        self.transactions = 0
        self.draining = False
        self.drainer: asyncio.Task | None = None  # held: the loop keeps only a weak reference

    async def store(self, args: tuple, on_stored: Callable[[], None]) -> FeedOutcome:
        """Store one feed (``Refresher._store``'s arguments); its outcome once
        committed. ``on_stored`` is called on the event loop as soon as the
        writer has stored it (its memory is free) or given up on it."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.expected -= 1
        self.arrivals.put((args, future, lambda: loop.call_soon_threadsafe(on_stored)))
        if not self.draining:
            self.draining = True
            self.drainer = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while not self.arrivals.empty():
                taken: list[_Arrival] = []
                try:
                    results = await loop.run_in_executor(
                        self.writer, self.refresher._store_batch, self._arrivals(taken)
                    )
                except BaseException as exc:  # the transaction itself failed: every feed in it did
                    for _, future, _ in taken:
                        if not future.done():
                            future.set_exception(exc)
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    continue
                for (_, future, _), result in zip(taken, results):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.draining = False
            while not self.arrivals.empty():
                _, future, _ = self.arrivals.get_nowait()
                if not future.done():
                    future.cancel()

    def _arrivals(self, taken: list[_Arrival]) -> Iterator[tuple]:
        """One transaction's feeds, read on the writer thread: those waiting,
        then, while more are to come, each as it arrives until the batch's
        time is up (only those waiting for the first transaction). Asked for
        the next, it reports the last one stored."""
        first = self.transactions == 0
        self.transactions += 1
        deadline = time.perf_counter() + BATCH_SECONDS
        while True:
            if taken:
                taken[-1][2]()
            try:
                item = self.arrivals.get_nowait()
            except queue.Empty:
                wait = deadline - time.perf_counter()
                if first or self.expected <= 0 or wait <= 0:
                    return
                try:
                    item = self.arrivals.get(timeout=wait)
                except queue.Empty:
                    return
            taken.append(item)
            yield item[0]
