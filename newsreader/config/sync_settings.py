"""The ``[sync]`` table of config.toml (what newsreader.sync needs to run).

```toml
[sync]
backend = "ttrss"                          # or "folder"
url = "https://rss.example.org/tt-rss/"    # ttrss: the server (http or https)
user = "me"
password_command = ["pass", "show", "ttrss"]   # run without a shell; first line is the password
fetch = "server"                           # ttrss: articles come from the server ("device": fetch here)
timeout = 20                               # seconds per request

[sync]
backend = "folder"
path = "~/Sync/newsreader"                 # a folder another tool (Syncthing, Dropbox...) copies around
```

The password may also come from ``NEWSREADER_SYNC_PASSWORD``; written in the
file as ``password = "..."`` it is refused unless the file is private (0600).
Every problem is one line (``sync.url: ...``) and turns sync off; the reader
works on. The password never appears in a message.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsreader.core.sanitize import clean_line

__all__ = ["BACKENDS", "SyncSettings", "read_sync"]

BACKENDS = ("ttrss", "folder")
_KNOWN = ("backend", "url", "user", "password", "password_command", "path", "fetch", "timeout")


@dataclass(slots=True)
class SyncSettings:
    backend: str
    url: str | None = None
    user: str | None = None
    password_command: list[str] = field(default_factory=list)
    password: str | None = field(default=None, repr=False)
    path: Path | None = None
    fetch: str = "device"
    timeout: float = 20.0

    @property
    def server_fetch(self) -> bool:
        """Articles come from the sync server; this device fetches no feed itself."""
        return self.backend == "ttrss" and self.fetch == "server"


class _Refused(Exception):
    pass


def _text(table: dict[str, Any], name: str) -> str | None:
    value = table.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _Refused(f"sync.{name}: expected a non-empty string")
    return value.strip()


def _private(config_file: Path | None) -> bool:
    if config_file is None:
        return False
    try:
        return os.stat(config_file).st_mode & 0o077 == 0
    except OSError:
        return False


def _ttrss(table: dict[str, Any], config_file: Path | None, settings: SyncSettings) -> None:
    url = _text(table, "url")
    if url is None:
        raise _Refused("sync.url: missing (the tt-rss address, e.g. https://example.org/tt-rss/)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Refused(f"sync.url: expected an http(s) address, got {clean_line(url)[:80]!r}")
    settings.url = url if url.endswith("/") else url + "/"
    settings.user = _text(table, "user")
    if settings.user is None:
        raise _Refused("sync.user: missing")
    command = table.get("password_command")
    if command is not None:
        if not isinstance(command, list) or not command or not all(isinstance(part, str) and part for part in command):
            raise _Refused('sync.password_command: expected a list of strings, e.g. ["pass", "show", "ttrss"]')
        settings.password_command = list(command)
    if "password" in table:
        if not isinstance(table["password"], str):
            raise _Refused("sync.password: expected a string")
        if not _private(config_file):
            raise _Refused(
                "sync.password: refused: config.toml is readable by others (chmod 600 it, "
                "or use password_command or NEWSREADER_SYNC_PASSWORD)"
            )
        settings.password = table["password"]
    fetch = table.get("fetch", "server")
    if fetch not in ("server", "device"):
        raise _Refused('sync.fetch: expected "server" or "device"')
    settings.fetch = fetch


def read_sync(table: Any, config_file: Path | None = None) -> tuple[SyncSettings | None, str | None]:
    """(settings, None), or (None, one line saying why sync is off)."""
    if table is None:
        return None, None
    if not isinstance(table, dict):
        return None, "sync: expected a table ([sync])"
    try:
        for name in table:
            if name not in _KNOWN:
                raise _Refused(f"sync.{clean_line(str(name))[:40]}: unknown setting")
        backend = table.get("backend")
        if backend not in BACKENDS:
            shown = clean_line(repr(backend))[:40]
            raise _Refused(f"sync.backend: expected one of {', '.join(BACKENDS)}, got {shown}")
        settings = SyncSettings(backend=backend)
        timeout = table.get("timeout", 20)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout):
            raise _Refused("sync.timeout: expected a number of seconds")
        settings.timeout = min(max(float(timeout), 1.0), 300.0)
        if backend == "ttrss":
            _ttrss(table, config_file, settings)
        else:
            path = _text(table, "path")
            if path is None:
                raise _Refused("sync.path: missing (the synced folder, e.g. ~/Sync/newsreader)")
            settings.path = Path(path).expanduser()
    except _Refused as why:
        return None, str(why)
    return settings, None
