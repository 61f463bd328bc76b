"""Sync a little after the user changed something, in the background.

The reader calls :meth:`SyncTrigger.changed` after each change that syncs
(read marks, bookmarks, subscriptions, story flags); one sync runs ``delay``
seconds after the last of a burst, on its own thread, so marking twenty
articles read makes one sync, and the interface never waits on the server.
:meth:`SyncTrigger.now` asks for one at once (a refresh key, a timer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from newsreader.core.paths import Paths
from newsreader.sync.context import SyncError, SyncReport
from newsreader.sync.engine import sync_once


class SyncTrigger:
    def __init__(
        self,
        paths: Paths,
        *,
        delay: float = 5.0,
        done: Callable[[SyncReport | None, str | None], None] | None = None,
    ) -> None:
        """``done(report, error)`` is called on the sync's thread when it ends."""
        self.paths = paths
        self.delay = delay
        self.done = done
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def changed(self) -> None:
        """A change was made: sync ``delay`` seconds from now (a later change moves it on)."""
        self._schedule(self.delay)

    def now(self) -> None:
        self._schedule(0)

    def _schedule(self, delay: float) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(delay, self._run)
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _run(self) -> None:
        report: SyncReport | None = None
        problem: str | None = None
        try:
            report = sync_once(self.paths)
        except SyncError as exc:
            problem = str(exc)
        except Exception as exc:  # noqa: BLE001 - on a timer thread, a failure is a line, never a traceback
            problem = f"sync failed: {type(exc).__name__}: {exc}"
        if self.done is not None:
            self.done(report, problem)
