"""What the store raises, so that callers never need to import ``sqlite3``."""

from __future__ import annotations

import sqlite3

#: Any failure of the cache's database (a full disk, a damaged file, a lock).
StoreError = sqlite3.Error


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` says another process holds the cache's write lock."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text
