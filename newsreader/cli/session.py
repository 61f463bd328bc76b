"""What a command opens before it works: the user's cache, with repairs said."""

from __future__ import annotations

import sys

from newsreader.core.paths import Paths
from newsreader.store import Cache, open_cache_safely


def open_cache(paths: Paths | None = None) -> Cache:
    """The cache for a command; what opening it had to repair (a damaged file
    moved aside, say) is said on stderr. Raises
    :class:`~newsreader.store.CacheUnavailable` when the cache must not be used."""
    paths = paths or Paths.default()
    opened = open_cache_safely(paths.cache_db, paths.state_db)
    for message in opened.messages:
        print(message, file=sys.stderr)
    return opened.cache
