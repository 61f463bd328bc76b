"""A refresh in a child process: what the app runs for ``R`` and ``r``.

Apart from :mod:`newsreader.feeds.refresh` so that starting one costs the
app no import of httpx, the parser or the fetcher: the child imports them,
and the app only reads its lines of JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from newsreader.core.sanitize import clean_line

if TYPE_CHECKING:
    import subprocess


class RefreshProcess:
    """A refresh in a child process (``newsreader refresh --jsonl``).

    The app uses this so that fetching, parsing and storing hundreds of feeds
    never competes with the interface for the interpreter lock: the app only
    reads one line of JSON per finished feed.
    """

    def __init__(self, paths, urls: list[str] | None = None, *, force: bool = False) -> None:
        self.paths = paths
        self.urls = urls or []
        self.force = force
        self.process: subprocess.Popen[bytes] | None = None

    def run(self, on_progress: Callable[[dict], None]) -> dict:
        """Run to the end; ``on_progress`` gets each feed's record. Returns the
        summary record (``{"summary", "failed", "new", "feeds"}``) or
        ``{"error": reason}``."""
        import json
        import os
        import subprocess
        import sys
        import tempfile

        command = [
            sys.executable,
            "-P",  # this newsreader, never a newsreader folder in the current directory
            "-m",
            "newsreader",
            "refresh",
            "--jsonl",
            *(["--force"] if self.force else []),
            *self.urls,
        ]
        env = {**os.environ, **self.paths.environment()}
        with tempfile.TemporaryFile() as errors:
            self.process = process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env
            )
            summary: dict = {}
            assert process.stdout is not None
            for raw in process.stdout:
                try:
                    record = json.loads(raw)
                except ValueError:
                    continue
                if "summary" in record:
                    summary = record
                elif isinstance(record, dict):
                    on_progress(record)
            process.wait()
            if not summary:
                errors.seek(0)
                lines = [line for line in errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
                summary = {"error": clean_line(lines[-1] if lines else f"refresh ended with code {process.returncode}")}
        return summary

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
