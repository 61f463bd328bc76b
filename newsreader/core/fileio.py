"""Safe writes for files the user owns (bookmarks.toml, config.toml, exports).

Temp file in the same directory, fsync, ``os.replace``, fsync the directory:
a crash or a full disk leaves either the old file or the new one, never half
of one. Symlinks are resolved first so dotfile managers keep their links.
One ``.bak`` of the previous version is kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes | str, *, backup: bool = True, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` atomically; keep the old file as ``path.bak``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    if backup and target.exists():
        bak = target.with_name(target.name + ".bak")
        try:
            shutil.copy2(target, bak)
        except OSError:
            pass  # a missing backup must not stop the save itself
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, os.stat(target).st_mode & 0o777 if target.exists() else mode)
        except OSError:
            pass
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
