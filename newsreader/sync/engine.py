"""Run one sync, and say how sync is doing.

For the reader: :func:`sync_once` (call it from a worker thread, e.g. a little
after a change or on a timer; it never waits on another sync) and
:func:`status_line` (``"synced 2 min ago"``, ``"sync: 12 changes waiting, server
unreachable"``; empty when sync is not set up).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsreader.config.settings import SyncSettings, load_config
from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean_line
from newsreader.store import Cache, CacheUnavailable, SyncState, open_cache_safely
from newsreader.sync.context import SyncContext, SyncError, SyncReport
from newsreader.sync.device import device_id
from newsreader.sync.folder import FolderBackend
from newsreader.sync.ttrss import TtrssBackend
from newsreader.sync.ttrss_client import LoginRefused

PASSWORD_ENV = "NEWSREADER_SYNC_PASSWORD"
#: After a refused login, a sync that was not asked for by hand waits this long (seconds).
LOGIN_BACKOFF = 15 * 60


def facts_refused(exc: SyncError, state: SyncState) -> str | None:
    """When the login was refused: since when (kept while it goes on being refused)."""
    if not isinstance(exc, LoginRefused):
        return None
    return state.facts().get("refused_login") or str(int(time.time()))


def password_for(settings: SyncSettings) -> str:
    """The tt-rss password: ``password_command``, the environment, or the (private) config file."""
    if settings.password_command:
        try:
            done = subprocess.run(
                settings.password_command, capture_output=True, timeout=30, stdin=subprocess.DEVNULL, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            reason = "timed out" if isinstance(exc, subprocess.TimeoutExpired) else (exc.strerror or "cannot run")
            raise SyncError(f"sync.password_command {settings.password_command[0]}: {reason}") from None
        if done.returncode != 0:
            raise SyncError(f"sync.password_command {settings.password_command[0]} failed (exit {done.returncode})")
        lines = done.stdout.decode("utf-8", "replace").splitlines()
        if not lines or not lines[0]:
            raise SyncError(f"sync.password_command {settings.password_command[0]} printed no password")
        return lines[0]
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if settings.password is not None:
        return settings.password
    raise SyncError(f"sync: no password (set sync.password_command, or {PASSWORD_ENV})")


@contextmanager
def _one_at_a_time(data_dir: Path, wait: float = 0.0) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / "sync.lock", os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise SyncError("sync: another sync is running") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)


def sync_settings(paths: Paths) -> SyncSettings:
    config = load_config(paths)
    if config.sync is None:
        raise SyncError(config.sync_error or "sync is not set up (add a [sync] table to config.toml)")
    return config.sync


def _backend(paths: Paths, settings: SyncSettings, state: SyncState, retry: bool) -> FolderBackend | TtrssBackend:
    if settings.backend == "folder":
        assert settings.path is not None
        return FolderBackend(settings.path)
    facts = state.facts()
    refused = facts.get("refused_login", "")
    if refused.isdigit() and not retry:
        try:
            edited = paths.config_file.stat().st_mtime > int(refused)
        except OSError:
            edited = False
        if time.time() - int(refused) < LOGIN_BACKOFF and not edited:
            raise LoginRefused(facts.get("last_error") or "tt-rss refused the login")
    return TtrssBackend(settings, password_for(settings))


def sync_once(
    paths: Paths | None = None, cache: Cache | None = None, *, retry_refused: bool = False, wait: float = 0.0
) -> SyncReport:
    """Send what waits, take what is new; raises :class:`SyncError` (one line) when it cannot.

    Opens the cache itself unless given one. The outcome is kept for
    :func:`status_line`. After the server refused the login, it is not tried
    again for 15 minutes or until config.toml changes (``retry_refused``: try
    anyway, as ``newsreader sync`` does), so a reader syncing on a timer makes
    no retry storm. Another sync under way is waited for up to ``wait``
    seconds (a refresh that syncs), else refused at once.
    """
    paths = paths or Paths.default()
    settings = sync_settings(paths)
    state = SyncState(paths.state_db)
    with _one_at_a_time(paths.data_dir, wait):
        state.set_facts(last_attempt=str(int(time.time())))
        own_cache = cache is None
        try:
            if cache is None:
                try:
                    cache = open_cache_safely(paths.cache_db, paths.state_db).cache
                except CacheUnavailable as exc:
                    raise SyncError(str(exc)) from None
            backend = _backend(paths, settings, state, retry_refused)
            ctx = SyncContext(paths, cache, state, device_id(paths.data_dir))
            try:
                report = backend.run(ctx)
            except OSError as exc:  # a file the sync reads or writes (the folder, config.toml, bookmarks)
                raise SyncError(f"sync: {clean_line(str(exc))[:160]}") from None
        except SyncError as exc:
            refused = facts_refused(exc, state)
            state.set_facts(
                last_error=clean_line(str(exc))[:200], last_error_at=str(int(time.time())), refused_login=refused
            )
            raise
        finally:
            if own_cache and cache is not None:
                cache.close()
        state.set_facts(last_success=str(int(time.time())), last_error=None, last_error_at=None, refused_login=None)
        return report


@dataclass(slots=True)
class SyncStatus:
    configured: bool
    problem: str | None  # why sync is off (settings)
    last_success: int | None
    last_error: str | None  # the last sync's error, if it failed
    waiting: int
    paused_until: int | None = None  # after a refused login: no sync on its own before this

    def pause_note(self) -> str:
        if self.paused_until is None or self.paused_until <= time.time():
            return ""
        return f"; paused until {time.strftime('%H:%M', time.localtime(self.paused_until))}"

    def lines(self) -> list[str]:
        if not self.configured:
            return [self.problem or "sync is not set up"]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.last_success)) if self.last_success else "never"
        return [
            f"last success: {when}",
            f"waiting: {self.waiting} changes",
            f"last error: {self.last_error or 'none'}{self.pause_note()}",
        ]


def sync_status(paths: Paths | None = None) -> SyncStatus:
    paths = paths or Paths.default()
    config = load_config(paths)
    state = SyncState(paths.state_db)
    try:
        facts = state.facts()
        waiting = state.pending_count()
    except Exception:  # noqa: BLE001 - a status line must not fail; an unreadable state reads as nothing known
        facts, waiting = {}, 0
    success = facts.get("last_success")
    refused = facts.get("refused_login", "")
    return SyncStatus(
        configured=config.sync is not None,
        problem=config.sync_error,
        last_success=int(success) if success and success.isdigit() else None,
        last_error=facts.get("last_error"),
        waiting=waiting,
        paused_until=int(refused) + LOGIN_BACKOFF if refused.isdigit() else None,
    )


def _ago(seconds: float) -> str:
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"


def status_line(paths: Paths | None = None, *, now: float | None = None) -> str:
    """One line for the status bar; empty when sync is not set up and nothing is wrong.

    What waits comes first ("sync: 3 changes waiting, server unreachable"):
    a narrow border cuts the end of a long reason, never the count.
    """
    status = sync_status(paths)
    if not status.configured:
        return f"sync off: {status.problem}" if status.problem else ""
    waiting = f"{status.waiting} changes waiting" if status.waiting else ""
    if status.last_error:
        reason = status.last_error.removeprefix("sync: ")
        return f"sync: {waiting + ', ' if waiting else ''}{reason}{status.pause_note()}"
    if status.last_success is None:
        return f"sync: not yet synced{', ' + waiting if waiting else ''}"
    ago = _ago((now if now is not None else time.time()) - status.last_success)
    return f"synced {ago}{', ' + waiting if waiting else ''}"
