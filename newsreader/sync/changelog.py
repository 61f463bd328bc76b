"""Change logs in a synced folder: one JSON-lines file per device.

A device appends only to its own ``<device>.jsonl`` and reads every other
``*.jsonl`` in the folder. The first line names the format and an *epoch*
(new at each compaction, so readers know to start over); each further line
is one change::

    {"newsreader_sync": 1, "device": "laptop-1a2b3c4d", "epoch": "9f0e..."}
    {"kind": "read", "key": "5d1c...", "value": {"read": true}, "stamp": 1796640000000, "device": "laptop-1a2b3c4d"}

What file-sync tools do to such files is expected: a last line still being
copied (no newline yet) is left for a later read; a conflict copy
(``x (conflicted copy).jsonl``, ``x.sync-conflict-….jsonl``) is read like any
other log (each line names its device, and reading a change twice changes
nothing); a log written by a newer newsreader is skipped with one line;
hidden and temporary files are ignored.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.store import KINDS, Change

FORMAT = 1
SUFFIX = ".jsonl"
#: Longest line read; a longer one is skipped (a log is not a place for articles).
MAX_LINE = 256 * 1024


@dataclass(slots=True)
class ReadResult:
    changes: list[Change] = field(default_factory=list)
    #: file name -> (epoch, offset of the first byte not yet read)
    positions: dict[str, tuple[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _header(device: str, epoch: str) -> bytes:
    return (json.dumps({"newsreader_sync": FORMAT, "device": device, "epoch": epoch}) + "\n").encode()


def _line(change: Change) -> bytes:
    entry = {"kind": change.kind, "key": change.key, "value": change.value, "stamp": change.stamp}
    entry["device"] = change.device
    return (json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode()


def _change(entry: Any) -> Change | None:
    if not isinstance(entry, dict):
        return None
    kind, key, value = entry.get("kind"), entry.get("key"), entry.get("value")
    stamp, device = entry.get("stamp"), entry.get("device")
    if kind not in KINDS or not isinstance(key, str) or not key or not isinstance(value, dict):
        return None
    if isinstance(stamp, bool) or not isinstance(stamp, int) or not isinstance(device, str) or not device:
        return None
    return Change(kind, key, value, stamp, device)


class ChangeLog:
    """The logs in ``folder``, as seen by ``device``."""

    def __init__(self, folder: Path, device: str) -> None:
        self.folder = folder
        self.device = device
        self.own = folder / f"{device}{SUFFIX}"

    def check(self) -> str | None:
        """None when the folder can be used, else one line saying why not."""
        if not self.folder.is_dir():
            return f"{self.folder}: the sync folder does not exist (create it, or fix sync.path)"
        if not os.access(self.folder, os.W_OK | os.X_OK):
            return f"{self.folder}: the sync folder is not writable"
        return None

    # -- writing ---------------------------------------------------------

    def append(self, changes: Iterable[Change]) -> None:
        """Add changes to this device's log and flush them to disk."""
        data = b"".join(_line(c) for c in changes)
        if not data:
            return
        fd = os.open(self.own, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size == 0:
                os.write(fd, _header(self.device, secrets.token_hex(8)))
            else:
                # A line cut short when an earlier write was killed: drop it (its
                # change is still in the outbox and is written again below).
                tail = os.pread(fd, min(size, MAX_LINE), max(0, size - MAX_LINE))
                if not tail.endswith(b"\n"):
                    keep = size - len(tail) + tail.rfind(b"\n") + 1 if b"\n" in tail else 0
                    os.ftruncate(fd, keep)
                    if keep == 0:
                        os.write(fd, _header(self.device, secrets.token_hex(8)))
            os.lseek(fd, 0, os.SEEK_END)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def compact(self) -> int:
        """Rewrite this device's log with only the newest change per thing; lines kept."""
        if not self.own.exists():
            return 0
        result = ReadResult()
        self._read_file(self.own, ("", 0), result, own=True)
        newest: dict[tuple[str, str], Change] = {}
        for change in result.changes:
            if change.wins_over(newest.get((change.kind, change.key))):
                newest[(change.kind, change.key)] = change
        temp = self.folder / f".{self.device}{SUFFIX}.tmp"
        with open(temp, "wb") as out:
            out.write(_header(self.device, secrets.token_hex(8)))
            for change in sorted(newest.values(), key=lambda c: c.stamp):
                out.write(_line(change))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, self.own)
        return len(newest)

    def own_size(self) -> int:
        try:
            return self.own.stat().st_size
        except OSError:
            return 0

    # -- reading ---------------------------------------------------------

    def logs(self) -> list[Path]:
        """Every other device's log (conflict copies included), by name."""
        found = []
        for path in self.folder.iterdir():
            name = path.name
            if not name.endswith(SUFFIX) or name.startswith((".", "~")) or path == self.own:
                continue
            if path.is_file():
                found.append(path)
        return sorted(found)

    def read(self, positions: dict[str, tuple[str, int]]) -> ReadResult:
        """Changes added to the other logs since ``positions`` (from an earlier read)."""
        result = ReadResult()
        for path in self.logs():
            self._read_file(path, positions.get(path.name, ("", 0)), result)
        return result

    def _read_file(self, path: Path, position: tuple[str, int], result: ReadResult, own: bool = False) -> None:
        try:
            with open(path, "rb") as handle:
                first = handle.readline(MAX_LINE)
                if not first.endswith(b"\n"):
                    return  # not even the header is whole yet
                try:
                    header = json.loads(first)
                except ValueError:
                    header = None
                if not isinstance(header, dict) or not isinstance(header.get("newsreader_sync"), int):
                    result.problems.append(f"{path.name}: not a newsreader sync log; skipped")
                    return
                if header["newsreader_sync"] > FORMAT:
                    result.problems.append(
                        f"{path.name}: written by a newer newsreader (format {header['newsreader_sync']}); skipped"
                    )
                    return
                epoch = str(header.get("epoch", ""))
                offset = position[1] if position[0] == epoch and position[1] >= len(first) else len(first)
                handle.seek(offset)
                data = handle.read()
        except OSError as exc:
            result.problems.append(f"{path.name}: {exc.strerror or exc}")
            return
        whole = data[: data.rfind(b"\n") + 1]  # a last line still being copied waits
        bad = 0
        for raw in whole.splitlines():
            if not raw.strip():
                continue
            try:
                change = _change(json.loads(raw)) if len(raw) <= MAX_LINE else None
            except ValueError:
                change = None
            if change is None:
                bad += 1
            else:
                result.changes.append(change)
        if bad and not own:
            result.problems.append(f"{path.name}: {bad} unreadable lines skipped")
        result.positions[path.name] = (epoch, offset + len(whole))
