"""A lease per feed refresh, so two processes never refresh one feed at once.

``newsreader refresh`` from cron runs beside an open reader; each takes a
feed's lease (a row in ``feed_leases``) before fetching it and gives it back
once the result is stored. Leases are taken in a ``BEGIN IMMEDIATE``
transaction, so two processes cannot both see a feed free and both take it.
A lease ends by itself at ``expires``, and sooner when its owner was a
process on this machine that is no longer running (it crashed or was
killed): nobody waits for a dead refresher.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.store.articlerows import chunks

if TYPE_CHECKING:
    from newsreader.store.cache import Cache

__all__ = ["LeaseOwner", "release_leases", "take_leases"]


@dataclass(frozen=True, slots=True)
class LeaseOwner:
    """Who holds a lease: host, process id, and a token per refresher
    (two refreshers of one process do not share their leases)."""

    host: str
    pid: int
    token: str

    @classmethod
    def current(cls) -> LeaseOwner:
        return cls(socket.gethostname(), os.getpid(), secrets.token_hex(6))

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    @classmethod
    def parse(cls, text: str) -> LeaseOwner | None:
        host, _, rest = text.rpartition(":")
        host, _, pid = host.rpartition(":")
        return cls(host, int(pid), rest) if pid.isdigit() else None


def _alive(owner: LeaseOwner | None) -> bool:
    """Whether the owner may still be running: a process on another machine
    is assumed to be until its lease expires."""
    if owner is None:
        return False
    if owner.host != socket.gethostname():
        return True
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


def take_leases(
    cache: Cache, urls: Iterable[str], owner: LeaseOwner, *, now: int, seconds: int
) -> tuple[list[str], list[str]]:
    """Take the leases of ``urls`` for ``seconds``: (taken, held by another live refresher)."""
    wanted = list(dict.fromkeys(urls))
    taken: list[str] = []
    held: list[str] = []
    mine = str(owner)
    with cache.write() as conn:
        current: dict[str, tuple[str, int]] = {}
        for chunk in chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(f"SELECT url, owner, expires FROM feed_leases WHERE url IN ({marks})", chunk):
                current[row["url"]] = (row["owner"], int(row["expires"]))
        for url in wanted:
            holder = current.get(url)
            if holder is not None and holder[0] != mine and holder[1] > now and _alive(LeaseOwner.parse(holder[0])):
                held.append(url)
                continue
            conn.execute(
                "INSERT OR REPLACE INTO feed_leases(url, owner, expires) VALUES (?, ?, ?)", (url, mine, now + seconds)
            )
            taken.append(url)
    return taken, held


def release_leases(cache: Cache, urls: Iterable[str], owner: LeaseOwner) -> None:
    """Give back ``owner``'s leases of ``urls`` (another's are left alone)."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return
    with cache.write() as conn:
        for chunk in chunks(wanted, 500):
            conn.execute(
                f"DELETE FROM feed_leases WHERE owner = ? AND url IN ({','.join('?' * len(chunk))})",
                (str(owner), *chunk),
            )
