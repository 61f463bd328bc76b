"""A screen whose cache, file and browser work runs on worker threads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from textual import on
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from newsreader.tui import display
from newsreader.tui.messages import Notice

ResultType = TypeVar("ResultType")

#: A job for a worker thread: it returns the message(s) that say what came of it.
Job = Callable[[], Message | Sequence[Message] | None]


class WorkingScreen(Screen[ResultType]):
    """Runs jobs on thread workers; their messages come back to this screen."""

    def background(self, job: Job, group: str, exclusive: bool = True) -> None:
        """Run ``job`` on a worker thread and post the message(s) it returns
        to this screen.

        A thread cannot be stopped: a job that a newer one of its ``exclusive``
        group replaced still runs to its end, and what it did (an article
        marked read) must still reach the screen, so its message is posted
        too. The handlers drop what no longer applies (another list, another
        article)."""

        def run() -> None:
            result = job()
            for message in [result] if isinstance(result, Message) else result or ():
                self.post_message(message)

        self.run_worker(run, name=group, group=group, thread=True, exclusive=exclusive, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one handler of every worker's failure: a message, not a crash."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.worker_failed(event.worker.group)
        # The error's text may quote a feed or a page: one clean line, never markup.
        text = display.safe(f"{event.worker.group} failed: {type(error).__name__}: {error}")
        self.notify(text, severity="error", timeout=6, markup=False)

    def worker_failed(self, group: str) -> None:
        """A job of ``group`` raised (it has been reported)."""

    @on(Notice)
    def show_notice(self, message: Notice) -> None:
        self.notify(message.text, title=message.title, severity=message.severity, timeout=message.timeout)
