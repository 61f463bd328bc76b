"""What a command opens before it works: the user's cache, with repairs said."""

from __future__ import annotations

import sys

from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean_line
from newsreader.store import Cache, open_cache_safely


def open_cache(paths: Paths | None = None, *, rules: bool = True) -> Cache:
    """The cache for a command; what opening it had to repair (a damaged file
    moved aside, say) is said on stderr. Raises
    :class:`~newsreader.store.CacheUnavailable` when the cache must not be used.

    With ``rules``, the ``[[rule]]`` tables of ``config.toml`` apply to every
    article the command stores (a rule that cannot be used is one line on
    stderr; the others still apply)."""
    paths = paths or Paths.default()
    opened = open_cache_safely(paths.cache_db, paths.state_db)
    for message in opened.messages:
        print(message, file=sys.stderr)
    if rules:
        from newsreader.config.settings import load_config

        config = load_config(paths)
        for warning in config.warnings:
            if ": rule " in warning or ": rule:" in warning:
                print(clean_line(warning), file=sys.stderr)
        opened.cache.rules = config.rules
        opened.cache.keep_revisions = config.ui.keep_revisions
    return opened.cache
