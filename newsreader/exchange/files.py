"""Read documents from disk, and the bundled sample, into the cache (used by
the CLI and the app's workers)."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from newsreader.core.models import ParsedDocument, ParseError
from newsreader.core.sanitize import clean_line
from newsreader.parser import MAX_DOCUMENT_BYTES
from newsreader.parser.budget import parse_bounded
from newsreader.store import Cache, ImportStats

#: Directory entries never worth reading.
_SKIP_NAMES = {".git", "__pycache__", ".DS_Store"}


@dataclass(slots=True)
class ImportReport:
    stats: ImportStats = field(default_factory=ImportStats)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    subscriptions: int = 0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        text = f"{self.stats.new} new, {self.stats.updated} updated, {self.failed} failed"
        if self.subscriptions:
            text += f", {self.subscriptions} feeds subscribed"
        return text


def parse_as_of(text: str | None) -> datetime | None:
    """``--as-of``: ISO-8601 (a naive time is local time) or Unix seconds."""
    if text is None:
        return None
    text = text.strip()
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except ValueError:
        pass
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--as-of: not a timestamp: {clean_line(text)[:60]}") from None
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(UTC)


def expand_paths(paths: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files for ``paths`` (files, directories walked recursively, globs), and
    the ones that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for raw in paths:
        candidates: list[str]
        if os.path.exists(raw):
            candidates = [raw]
        elif glob.has_magic(raw):
            candidates = sorted(glob.glob(raw, recursive=True))
            if not candidates:
                missing.append((raw, "no file matches"))
                continue
        else:
            missing.append((raw, "no such file or directory"))
            continue
        for candidate in candidates:
            path = Path(candidate)
            if path.is_dir():
                for root, dirs, names in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if d not in _SKIP_NAMES and not d.startswith("."))
                    for name in sorted(names):
                        if name not in _SKIP_NAMES and not name.startswith("."):
                            files.append(Path(root) / name)
            else:
                files.append(path)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


def read_document(path: Path) -> bytes:
    """The file's bytes, refusing anything larger than a document may be."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(f"file too large (over {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB)")
    return data


def file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def parse_file(path: Path, as_of: datetime | None = None) -> ParsedDocument:
    """Parse one file; relative ages count from ``as_of`` or the file's mtime.

    A large file is parsed in a child process under a time and memory budget
    (:mod:`newsreader.parser.budget`), so no one document can stall or sink
    an import of many.
    """
    if not path.is_file():
        raise ParseError("not a regular file")
    data = read_document(path)
    return parse_bounded(data, as_of=as_of or file_time(path))


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, ParseError):
        return clean_line(str(exc))
    if isinstance(exc, OSError):
        return clean_line(exc.strerror or type(exc).__name__)
    return clean_line(f"{type(exc).__name__}: {exc}")[:200]


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
