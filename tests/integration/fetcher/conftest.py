"""The fetcher tests' server, fetcher and loopback-only resolver."""

from __future__ import annotations

import socket

import pytest

from newsreader.feeds.fetch import Fetcher
from tests.integration.fetcher import CAP, DEADLINE
from tests.support.httpserver import HostileServer

_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """No proxies, and a resolver that knows only loopback and ``*.test``.

    ``a.test``, ``b.test``... resolve to 127.0.0.1 so one server can play
    several hosts; every other name fails the way a real lookup does, so no
    test can reach the network by accident.
    """
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)

    def resolve(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in ("127.0.0.1", "localhost") or name.endswith(".test"):
            return _real_getaddrinfo("127.0.0.1", *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture(scope="module")
def server():
    with HostileServer() as srv:
        yield srv


@pytest.fixture
async def fetcher():
    async with Fetcher(deadline=DEADLINE, max_bytes=CAP) as f:
        yield f
