"""Sync's memory in ``state.sqlite3``: the outbox, the merged state, a few facts.

Every change the user makes to something that syncs (read state, bookmarks,
story flags, subscriptions) is recorded here in the same breath, whether or
not sync is set up: the **outbox** keeps the newest version per thing
(``kind``, ``key``), so it never grows beyond one row per article or feed
touched. A backend removes a row only once the other side confirmed it, and
only the version it pushed (``seq``): a change made while a push is under way
stays for the next one.

``sync_items`` holds the newest known version of each thing from any device
(the folder backend merges into it, last writer wins by ``(stamp, device)``).

Stamps are milliseconds of a hybrid clock: ``max(wall clock, newest stamp
seen + 1)``. A change made after this device has seen another device's
change therefore always wins over it, even when this clock is behind. Stamps
more than a day ahead of the wall clock are merged but do not move the clock.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader.core.models import Subscription
from newsreader.core.urls import normalize_url
from newsreader.store.schema import ensure_state_schema
from newsreader.store.transaction import immediate

__all__ = ["KINDS", "Change", "SyncState", "record", "record_change", "record_subscriptions"]

#: What syncs: the kinds of things in the outbox.
KINDS = ("read", "bookmark", "feed", "story")

#: A stamp further than this ahead of the wall clock does not move the clock.
CLOCK_SKEW_LIMIT_MS = 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class Change:
    """One version of one synced thing. ``value`` is a JSON object."""

    kind: str
    key: str
    value: dict[str, Any]
    stamp: int
    device: str = ""
    seq: int = 0

    def wins_over(self, other: Change | None) -> bool:
        """Last writer wins: the later stamp, ties broken by device id (and,
        should one device ever stamp two versions alike, by their text)."""
        if other is None:
            return True
        if (self.stamp, self.device) != (other.stamp, other.device):
            return (self.stamp, self.device) > (other.stamp, other.device)
        return _dump(self.value) > _dump(other.value)


def now_ms() -> int:
    return int(time.time() * 1000)


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _load(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _clock(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM state.sync_meta WHERE name = 'clock'").fetchone()
    return int(row[0]) if row else 0


def _advance_clock(conn: sqlite3.Connection, seen: int) -> None:
    if seen > now_ms() + CLOCK_SKEW_LIMIT_MS or seen <= _clock(conn):
        return
    conn.execute("INSERT OR REPLACE INTO state.sync_meta(name, value) VALUES ('clock', ?)", (str(seen),))


def record(conn: sqlite3.Connection, kind: str, key: str, value: dict[str, Any]) -> None:
    """Put a local change in the outbox (``conn`` has the state database attached as ``state``)."""
    stamp = max(now_ms(), _clock(conn) + 1)
    conn.execute("INSERT OR REPLACE INTO state.sync_meta(name, value) VALUES ('clock', ?)", (str(stamp),))
    conn.execute(
        """INSERT OR REPLACE INTO state.sync_outbox(kind, key, value, stamp, seq)
           VALUES (?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM state.sync_outbox))""",
        (kind, key, _dump(value), stamp),
    )


@contextmanager
def state_transaction(state_path: Path, *, timeout: float = 5.0) -> Iterator[sqlite3.Connection]:
    """A write transaction on the state database alone, attached as ``state``."""
    state_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(":memory:", timeout=timeout, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("ATTACH DATABASE ? AS state", (str(state_path),))
        conn.execute("PRAGMA state.journal_mode = WAL")
        ensure_state_schema(conn)
        with immediate(conn):
            yield conn
    finally:
        conn.close()


def record_change(state_path: Path, kind: str, key: str, value: dict[str, Any]) -> bool:
    """Record a change made outside the cache (bookmarks, subscriptions).

    False when the state database could not take it (the change itself
    stands; it only will not sync).
    """
    try:
        with state_transaction(state_path) as conn:
            record(conn, kind, key, value)
    except sqlite3.Error:
        return False
    return True


def record_subscriptions(state_path: Path, subscriptions: Iterable[Subscription]) -> bool:
    """Record new subscriptions (config.toml was edited by the caller)."""
    try:
        with state_transaction(state_path) as conn:
            for sub in subscriptions:
                value = {"subscribed": True, "url": sub.url, "title": sub.title, "tags": list(sub.tags)}
                record(conn, "feed", normalize_url(sub.url), value)
    except sqlite3.Error:
        return False
    return True


def _change(row: sqlite3.Row | tuple, device: str = "") -> Change:
    kind, key, value, stamp = row[0], row[1], row[2], row[3]
    return Change(kind, key, _load(value), int(stamp), device, int(row[4]) if len(row) > 4 else 0)


class SyncState:
    """The sync tables of one state database, for the sync engine."""

    def __init__(self, state_path: Path | str) -> None:
        self.state_path = Path(state_path)

    def _tx(self) -> Any:
        return state_transaction(self.state_path)

    # -- the outbox ------------------------------------------------------

    def pending(self, kind: str | None = None) -> list[Change]:
        """Local changes not yet confirmed, oldest first."""
        where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT kind, key, value, stamp, seq FROM state.sync_outbox {where} ORDER BY seq", params
            ).fetchall()
        return [_change(r) for r in rows]

    def pending_count(self) -> int:
        with self._tx() as conn:
            return int(conn.execute("SELECT count(*) FROM state.sync_outbox").fetchone()[0])

    def confirm(self, changes: Iterable[Change]) -> None:
        """The other side has these: drop them, unless changed again since."""
        with self._tx() as conn:
            conn.executemany(
                "DELETE FROM state.sync_outbox WHERE kind = ? AND key = ? AND seq = ?",
                [(c.kind, c.key, c.seq) for c in changes],
            )

    # -- the merged state ------------------------------------------------

    def known(self, kind: str | None = None) -> dict[tuple[str, str], Change]:
        where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        with self._tx() as conn:
            rows = conn.execute(f"SELECT kind, key, value, stamp, device FROM state.sync_items {where}", params)
            return {(r[0], r[1]): Change(r[0], r[1], _load(r[2]), int(r[3]), r[4]) for r in rows}

    def remember(self, changes: Iterable[Change]) -> None:
        """Store these as the newest known versions (the caller merged them)."""
        rows = [(c.kind, c.key, _dump(c.value), c.stamp, c.device) for c in changes]
        if not rows:
            return
        with self._tx() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO state.sync_items(kind, key, value, stamp, device) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            _advance_clock(conn, max(r[3] for r in rows))

    def forget(self, kind: str, keys: Iterable[str]) -> None:
        with self._tx() as conn:
            conn.executemany("DELETE FROM state.sync_items WHERE kind = ? AND key = ?", [(kind, k) for k in keys])

    # -- facts -----------------------------------------------------------

    def facts(self) -> dict[str, str]:
        with self._tx() as conn:
            return {r[0]: r[1] for r in conn.execute("SELECT name, value FROM state.sync_meta")}

    def set_facts(self, **values: str | None) -> None:
        with self._tx() as conn:
            for name, value in values.items():
                if value is None:
                    conn.execute("DELETE FROM state.sync_meta WHERE name = ?", (name,))
                else:
                    conn.execute(
                        "INSERT OR REPLACE INTO state.sync_meta(name, value) VALUES (?, ?)", (name, str(value))
                    )

    # -- the server's article ids (tt-rss) ------------------------------------

    def save_remote_ids(self, pairs: Iterable[tuple[str, int]]) -> None:
        with self._tx() as conn:
            conn.executemany("INSERT OR REPLACE INTO state.sync_remote(key, remote_id) VALUES (?, ?)", pairs)

    def remote_ids(self) -> dict[str, int]:
        """Article key -> the server's id, for every article the server sent."""
        with self._tx() as conn:
            return {r[0]: int(r[1]) for r in conn.execute("SELECT key, remote_id FROM state.sync_remote")}
