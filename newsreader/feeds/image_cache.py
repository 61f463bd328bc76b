"""Pictures fetched for articles, kept on disk within a size budget.

One folder under the user's cache folder (``images/``). Each address is kept
as one file named by the SHA-256 of the address: ``.pic`` holds bytes that
were fetched and decoded once (they are decoded again, under the same rules,
when read back), ``.refused`` holds the one-line reason a picture was not
shown (too large, an SVG …) so it is not fetched again at every opening.
Network failures are not kept: the next opening tries again.

After each write the folder is brought back under its budget
(``[fetch] image_cache_mb``) by deleting the files used longest ago; a read
touches its file. Writes are atomic. The cache can always be deleted.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from newsreader.core.fileio import atomic_write

__all__ = ["ImageCache"]

MiB = 1024 * 1024
_KINDS = (".pic", ".refused")


class ImageCache:
    """``get``/``put`` pictures and refusals by address in ``folder``."""

    def __init__(self, folder: Path, budget_bytes: int) -> None:
        self.folder = folder
        self.budget = max(0, budget_bytes)

    def _path(self, url: str, kind: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:40] + kind)

    def get(self, url: str) -> bytes | str | None:
        """The kept bytes, the kept refusal (a str), or None."""
        for kind in _KINDS:
            path = self._path(url, kind)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            try:
                os.utime(path)  # used now: evicted last
            except OSError:
                pass
            return data if kind == ".pic" else data.decode("utf-8", "replace")
        return None

    def put_picture(self, url: str, data: bytes) -> None:
        self._put(url, ".pic", data)

    def put_refusal(self, url: str, reason: str) -> None:
        self._put(url, ".refused", reason.encode("utf-8"))

    def _put(self, url: str, kind: str, data: bytes) -> None:
        if self.budget <= 0 or len(data) > self.budget:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self._path(url, kind), data, backup=False)
        except OSError:
            return  # a full disk or a read-only cache: the picture is shown, not kept
        self.trim()

    def trim(self) -> int:
        """Delete the files used longest ago until the folder fits its budget;
        return how many were deleted."""
        entries: list[tuple[float, int, Path]] = []
        try:
            with os.scandir(self.folder) as found:
                for entry in found:
                    if not entry.name.endswith(_KINDS) or not entry.is_file(follow_symlinks=False):
                        continue
                    info = entry.stat(follow_symlinks=False)
                    entries.append((info.st_mtime, info.st_size, Path(entry.path)))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        deleted = 0
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.budget:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            deleted += 1
        return deleted

    def size(self) -> int:
        """Bytes the kept files take."""
        try:
            return sum(p.stat().st_size for p in self.folder.iterdir() if p.name.endswith(_KINDS))
        except OSError:
            return 0
