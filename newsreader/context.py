"""Open the user's cache and files: the one place that turns paths into objects."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources

from .paths import Paths
from .store.cache import Cache
from .store.records import ImportStats


def open_cache(paths: Paths | None = None) -> Cache:
    paths = paths or Paths.default()
    return Cache(paths.cache_db, paths.state_db)


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
    from .parser import parse

    as_of = as_of or datetime.now(timezone.utc)
    stats = ImportStats()
    for _name, data in sample_files():
        stats.add(cache.import_document(parse(data, as_of=as_of), kind="sample"))
    return stats
