"""A small client for the Tiny Tiny RSS JSON API (level 15 and later).

Requests are POSTs of a JSON object to ``<url>/api/``; every reply is
``{"seq", "status", "content"}``. The client logs in when it first needs a
session and once more when the server answers ``NOT_LOGGED_IN`` (a session
ended); a refused login is one :class:`LoginRefused`, never retried. Every
reply is read with a size cap and strict timeouts; a reply that is not JSON,
an HTTP error, a time-out or an unreachable server is one
:class:`~newsreader.sync.context.SyncError` line. The password is never part
of a message.

httpx is used directly: the feed fetcher (``newsreader.feeds.fetch``) only
GETs public addresses, while a sync server is often on the local network.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from newsreader import __version__
from newsreader.sync.context import SyncError

#: The largest reply read (a page of 200 headlines with content is a few MB).
MAX_REPLY = 32 * 1024 * 1024


class LoginRefused(SyncError):
    """The server refused the user name or password (or API access is off)."""


class TtrssClient:
    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        *,
        timeout: float = 20.0,
        max_reply: int = MAX_REPLY,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api = url.rstrip("/") + "/api/"
        self.user = user
        self._password = password
        self.max_reply = max_reply
        self.sid: str | None = None
        self.api_level = 0
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": f"newsreader/{__version__} (sync)"},
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TtrssClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def login(self) -> None:
        reply = self._post({"op": "login", "user": self.user, "password": self._password})
        content = reply.get("content")
        if reply.get("status") != 0 or not isinstance(content, dict) or not content.get("session_id"):
            error = content.get("error") if isinstance(content, dict) else None
            if error == "API_DISABLED":
                raise LoginRefused(f"tt-rss: API access is off for {self.user} (Preferences: enable API access)")
            raise LoginRefused(f"tt-rss refused the login of {self.user} (wrong user name or password)")
        self.sid = str(content["session_id"])
        self.api_level = int(content.get("api_level") or 0)
        if self.api_level < 15:
            raise SyncError(f"tt-rss API level {self.api_level} is too old (15 or later is needed)")

    def call(self, op: str, **params: Any) -> Any:
        """The ``content`` of a successful call; logs in (again, once) when needed."""
        if self.sid is None:
            self.login()
        for attempt in range(2):
            reply = self._post({"op": op, "sid": self.sid, **params})
            content = reply.get("content")
            if reply.get("status") == 0:
                return content
            error = content.get("error") if isinstance(content, dict) else None
            if error == "NOT_LOGGED_IN" and attempt == 0:
                self.login()
                continue
            raise SyncError(f"tt-rss {op}: {str(error or 'failed')[:80]}")
        raise SyncError(f"tt-rss {op}: not logged in")

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            with self._http.stream("POST", self.api, json=body) as response:
                if response.status_code >= 500:
                    raise SyncError(f"tt-rss server error (HTTP {response.status_code})")
                if response.status_code != 200:
                    raise SyncError(f"tt-rss answered HTTP {response.status_code} at {self.api}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_reply:
                    raise SyncError(f"tt-rss reply too large ({int(declared) // 1_000_000} MB); not read")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_reply:
                        raise SyncError(f"tt-rss reply larger than {self.max_reply // 1_000_000} MB; stopped reading")
                    chunks.append(chunk)
        except httpx.TimeoutException:
            raise SyncError("sync: server timed out") from None
        except httpx.TransportError:
            raise SyncError("sync: server unreachable") from None
        try:
            reply = json.loads(b"".join(chunks))
        except ValueError:
            raise SyncError(f"tt-rss: the reply is not JSON (is {self.api} a tt-rss API?)") from None
        if not isinstance(reply, dict):
            raise SyncError("tt-rss: unexpected reply")
        return reply
