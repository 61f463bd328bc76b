"""Open the cache whatever state the disk left it in.

The cache is rebuildable (SECURITY.md, trap 9): a file that is not SQLite, a
truncated or damaged database, or another application's database at our path
is moved aside (never deleted) and a new cache is started; read state and
bookmarks live elsewhere and survive. A cache written by a newer newsreader
is refused, not touched: that newer version still needs it. An unwritable
directory is a one-line error, and so is an SQLite library too old for the
cache, said before anything touches a file.

Both files are looked at read-only before anything writes to them: a
connection that switches a database to WAL rewrites its header, so a foreign
or newer file must be judged before :class:`Cache` opens it. A damaged read
state file is moved aside on its own (the cache is not blamed for it) and
refilled from the read marks the cache still holds.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.store.cache import Cache
from newsreader.store.schema import APPLICATION_ID, SCHEMA_VERSION, SchemaError

#: Databases up to this size are checked with ``PRAGMA quick_check`` when
#: opened; bigger ones are checked by the app in the background.
QUICK_CHECK_LIMIT = 64 * 1024 * 1024

_SIDE_FILES = ("-wal", "-shm", "-journal")

#: The oldest SQLite the cache works with: the upgrade to schema 5 drops a
#: column (3.35), schema 6 has a generated column (3.31).
MIN_SQLITE = (3, 35, 0)


class CacheUnavailable(Exception):
    """The cache cannot be used; ``str(err)`` says why in one line."""


@dataclass
class OpenedCache:
    cache: Cache
    messages: list[str] = field(default_factory=list)
    checked: bool = False


def move_aside(path: Path, why: str) -> Path:
    """Rename ``path`` (and its WAL/SHM files) to ``path.broken-<time>``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    os.replace(path, target)
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def quick_check(cache: Cache) -> str | None:
    """None when SQLite finds the database sound, else its first complaint."""
    try:
        rows = cache.connection().execute("PRAGMA main.quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else str(first)


def damage_marker(db_path: Path) -> Path:
    """A file saying a background check found the cache damaged: the next
    open moves the cache aside (it cannot be done while the app has it open)."""
    return db_path.with_name(db_path.name + ".damaged")


def mark_damaged(db_path: Path, problem: str) -> None:
    damage_marker(db_path).write_text(problem + "\n", encoding="utf-8")


def _new_enough_sqlite(db_path: Path) -> None:
    """Refuse an SQLite library older than :data:`MIN_SQLITE`, before any file is touched."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        needed = ".".join(map(str, MIN_SQLITE[:2]))
        raise CacheUnavailable(
            f"{db_path}: the cache needs SQLite {needed} or newer, and this Python uses SQLite "
            f"{sqlite3.sqlite_version}; nothing was changed (a newer Python or system brings a newer SQLite)"
        )


def _writable_dir(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheUnavailable(f"{directory}: cannot create the folder: {exc.strerror}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise CacheUnavailable(f"{directory}: the folder is not writable")


def open_cache_safely(db_path: Path, state_path: Path, *, check: bool = True) -> OpenedCache:
    """Open (or rebuild) the cache; raises :class:`CacheUnavailable` when it must not."""
    _new_enough_sqlite(db_path)
    _writable_dir(db_path.parent)
    _writable_dir(state_path.parent)
    messages: list[str] = []
    state_moved = _set_aside_broken_state(state_path, messages)
    marker = damage_marker(db_path)
    if marker.exists():
        marked = marker.read_text(encoding="utf-8", errors="replace").strip()[:200]
        if db_path.exists():
            moved = move_aside(db_path, "broken")
            messages.append(f"{db_path}: damaged ({marked}); moved it to {moved.name} and started a new cache")
        marker.unlink()
    for attempt in range(2):
        try:
            _judge_before_writing(db_path)
            cache = Cache(db_path, state_path)
        except SchemaError as exc:
            text = str(exc)
            if "newer" in text:
                raise CacheUnavailable(f"{db_path}: {text}; use that newsreader, or move the file away") from None
            moved = move_aside(db_path, "foreign")
            messages.append(f"{db_path}: {text}; moved it to {moved.name} and started a new cache")
            continue
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise CacheUnavailable(
                    f"{db_path}: the cache is busy (another newsreader is writing); try again"
                ) from None
            if attempt == 0 and _is_damage(exc):
                moved = move_aside(db_path, "broken")
                messages.append(f"{db_path}: unreadable ({exc}); moved it to {moved.name} and started a new cache")
                continue
            raise CacheUnavailable(f"{db_path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            if attempt == 0:
                moved = move_aside(db_path, "broken")
                messages.append(
                    f"{db_path}: not a usable database ({exc}); moved it to {moved.name} and started a new cache"
                )
                continue
            raise CacheUnavailable(f"{db_path}: {exc}") from None
        checked = False
        if check and db_path.exists() and db_path.stat().st_size <= QUICK_CHECK_LIMIT:
            checked = True
            problem = quick_check(cache)
            if problem is not None:
                cache.close()
                if attempt == 0:
                    moved = move_aside(db_path, "broken")
                    messages.append(f"{db_path}: damaged ({problem}); moved it to {moved.name} and started a new cache")
                    continue
                raise CacheUnavailable(f"{db_path}: damaged: {problem}")
        if state_moved:
            _refill_read_state(cache)
        return OpenedCache(cache, messages, checked)
    raise CacheUnavailable(f"{db_path}: could not start a new cache")


def _look_at(path: Path) -> sqlite3.Connection:
    """A connection that only reads: no journal mode is set, nothing is created.

    (A ``mode=ro`` connection would leave ``-wal``/``-shm`` files behind a WAL
    database; a plain one that only reads removes them again on close.)
    """
    return sqlite3.connect(str(path), timeout=5.0)


def _judge_before_writing(db_path: Path) -> None:
    """Raise :class:`SchemaError` for a foreign or newer database without writing to it.

    A file SQLite cannot read raises :class:`sqlite3.DatabaseError` here, as
    it would from :class:`Cache`.
    """
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return
    conn = _look_at(db_path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        conn.close()
    if version == 0 and tables == 0:
        return  # an empty database: Cache creates the schema
    if app_id != APPLICATION_ID:
        raise SchemaError("not a newsreader cache (another application's database)")
    if version > SCHEMA_VERSION:
        raise SchemaError(f"cache schema {version} is newer than this newsreader understands ({SCHEMA_VERSION})")


def _set_aside_broken_state(state_path: Path, messages: list[str]) -> bool:
    """Move an unreadable read-state file aside; True when it was."""
    if not state_path.is_file() or state_path.stat().st_size == 0:
        return False
    try:
        conn = _look_at(state_path)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
        problem = None if rows and rows[0][0] == "ok" else str(rows[0][0] if rows else "no answer")
    except sqlite3.OperationalError as exc:
        if not _is_damage(exc):
            raise CacheUnavailable(f"{state_path}: {exc}") from None
        problem = str(exc)
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    if problem is None:
        return False
    moved = move_aside(state_path, "broken")
    messages.append(
        f"{state_path}: read state unreadable ({problem}); moved it to {moved.name}; "
        "read marks kept in the cache were saved again"
    )
    return True


def _refill_read_state(cache: Cache) -> None:
    """After a broken state file was set aside: save the cache's read marks again."""
    with cache.write() as conn:
        conn.execute(
            """INSERT OR IGNORE INTO state.read_state(article_key, is_read, changed_at)
               SELECT key, is_read, updated_at FROM articles WHERE is_read = 1"""
        )


def _is_damage(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("malformed", "not a database", "disk image", "corrupt", "no such table"))


def check_in_background(cache: Cache, db_path: Path) -> str | None:
    """Check an open cache (a big one is checked after start-up rather than
    before it); a damaged one is marked to be rebuilt at the next open.
    Returns the problem, or None when the cache is sound."""
    problem = quick_check(cache)
    if problem is not None:
        mark_damaged(db_path, problem)
    return problem
