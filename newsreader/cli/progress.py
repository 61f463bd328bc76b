"""A progress bar for long commands: on stderr, only when it is a terminal."""

from __future__ import annotations

import sys

from newsreader.core.sanitize import clean_line


class Progress:
    """``update(done, total, item)`` shows ``item.title``; silent when piped."""

    def __init__(self, total: int, label: str) -> None:
        self.bar = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            # markup=False: the titles come from feeds and pages.
            self.bar = RichProgress(
                TextColumn(label, markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}", markup=False),
                transient=True,
                console=Console(stderr=True),
            )
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def update(self, done: int, total: int, item) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, description=clean_line(item.title)[:40])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
