"""An SQLite library too old for the cache is one clear line, and no file is touched."""

from __future__ import annotations

import sqlite3

import pytest

from newsreader.core.paths import Paths
from newsreader.store.opener import CacheUnavailable, open_cache_safely


def _pretend_sqlite(monkeypatch, version: tuple[int, int, int]) -> None:
    """Make this Python's sqlite3 module claim SQLite ``version``."""
    monkeypatch.setattr(sqlite3, "sqlite_version_info", version)
    monkeypatch.setattr(sqlite3, "sqlite_version", ".".join(map(str, version)))


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_cache_waiting_for_an_upgrade_is_left_as_it_was(tmp_path, monkeypatch):
    paths = Paths.under(tmp_path / "home")
    open_cache_safely(paths.cache_db, paths.state_db).cache.close()
    conn = sqlite3.connect(paths.cache_db)
    conn.execute("PRAGMA user_version = 4")  # the next open would run step 5, which drops a column
    conn.close()
    before = _files(paths.cache_db.parent)
    _pretend_sqlite(monkeypatch, (3, 31, 1))  # no DROP COLUMN
    with pytest.raises(CacheUnavailable) as caught:
        open_cache_safely(paths.cache_db, paths.state_db)
    assert str(caught.value) == (
        f"{paths.cache_db}: the cache needs SQLite 3.35 or newer, and this Python uses SQLite 3.31.1; "
        "nothing was changed (a newer Python or system brings a newer SQLite)"
    )
    assert _files(paths.cache_db.parent) == before


def test_no_cache_is_started_with_an_old_sqlite(tmp_path, monkeypatch):
    _pretend_sqlite(monkeypatch, (3, 34, 1))
    paths = Paths.under(tmp_path / "home")
    with pytest.raises(CacheUnavailable, match=r"needs SQLite 3\.35 or newer, and this Python uses SQLite 3\.34\.1"):
        open_cache_safely(paths.cache_db, paths.state_db)
    assert not paths.cache_db.exists()
    assert not paths.state_db.exists()


def test_the_oldest_sqlite_that_works_is_let_through(tmp_path, monkeypatch):
    _pretend_sqlite(monkeypatch, (3, 35, 0))
    paths = Paths.under(tmp_path / "home")
    open_cache_safely(paths.cache_db, paths.state_db).cache.close()
    assert paths.cache_db.exists()
