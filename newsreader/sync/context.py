"""What a backend gets to work with, and what it reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsreader.core.paths import Paths
from newsreader.store import Cache, SyncState
from newsreader.sync.apply import Applied


class SyncError(Exception):
    """Sync could not run or finish; ``str(err)`` is one line, never a secret."""


@dataclass(slots=True)
class SyncContext:
    paths: Paths
    cache: Cache
    state: SyncState
    device: str


@dataclass(slots=True)
class SyncReport:
    pushed: int = 0  # local changes the other side confirmed
    received: int = 0  # changes from elsewhere that were newer than ours
    articles: int = 0  # articles that came from the server
    applied: Applied = field(default_factory=Applied)
    problems: list[str] = field(default_factory=list)
    #: subscriptions the server refused: key -> (one line, the feeds a page links to)
    refused: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{self.pushed} sent", f"{self.received} received"]
        if self.articles:
            parts.append(f"{self.articles} articles")
        return "synced: " + ", ".join(parts)
