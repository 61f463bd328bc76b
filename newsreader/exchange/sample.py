"""Open the user's cache and files: the one place that turns paths into objects."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

from newsreader.core.paths import Paths
from newsreader.store import Cache, CacheUnavailable, ImportStats, open_cache_safely

__all__ = ["CacheUnavailable", "load_sample", "open_cache", "open_cache_reporting", "sample_files"]


def open_cache_reporting(paths: Paths | None = None, *, check: bool = True) -> tuple[Cache, list[str]]:
    """The cache and what opening it had to do (a damaged file moved aside...).

    Raises :class:`CacheUnavailable` with a one-line reason when the cache
    must not be used (a newer schema, an unwritable folder).
    """
    paths = paths or Paths.default()
    opened = open_cache_safely(paths.cache_db, paths.state_db, check=check)
    return opened.cache, opened.messages


def open_cache(paths: Paths | None = None) -> Cache:
    """The cache for a command-line tool; repairs are reported on stderr."""
    import sys

    cache, messages = open_cache_reporting(paths)
    for message in messages:
        print(message, file=sys.stderr)
    return cache


def sample_files() -> list[tuple[str, bytes]]:
    """The bundled sample pages (name, bytes), in name order."""
    folder = resources.files("newsreader") / "sample"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            out.append((entry.name, entry.read_bytes()))
    return out


def load_sample(cache: Cache, as_of: datetime | None = None) -> ImportStats:
    """Import the sample set (as of now, so its ages read naturally)."""
    from newsreader.parser import parse

    as_of = as_of or datetime.now(UTC)
    stats = ImportStats()
    for _name, data in sample_files():
        stats.add(cache.import_document(parse(data, as_of=as_of), kind="sample"))
    return stats
