"""The fetcher's own transport (``feeds/http_transport.py``): a connection per
request, what httpx still routes elsewhere, and how a dropped answer reads."""

from __future__ import annotations

import socket
import threading

from newsreader.feeds.address_guard import PublicAddressesOnly
from newsreader.feeds.fetch import Fetcher
from newsreader.feeds.http_transport import StreamTransport
from tests.integration.fetcher import CAP, DEADLINE
from tests.support.hostile_routes import FEED_BODY


async def test_feeds_go_through_the_lean_transport_one_connection_each(server):
    before = server.connections
    async with Fetcher(deadline=DEADLINE, max_bytes=CAP) as fetcher:
        assert fetcher._client is not None
        assert isinstance(fetcher._client._transport, StreamTransport)
        results = [await fetcher.fetch(server.url(f"/feed?n={i}")) for i in range(3)]
    assert [(r.error, r.body) for r in results] == [(None, FEED_BODY)] * 3
    assert server.connections - before == 3


async def test_pictures_and_reused_connections_keep_httpx_own_transport(server):
    async with Fetcher(network_backend=PublicAddressesOnly()) as pictures:
        assert pictures._client is not None
        assert not isinstance(pictures._client._transport, StreamTransport)
    async with Fetcher(reuse_connections=True) as reusing:
        assert reusing._client is not None
        assert not isinstance(reusing._client._transport, StreamTransport)
        result = await reusing.fetch(server.url("/feed"))
    assert result.body == FEED_BODY


async def test_a_proxy_from_the_environment_still_carries_feeds(server, monkeypatch):
    # The feed's own address refuses connections: only the proxy (the test
    # server) can answer, asked for the feed's host.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    feed = f"http://proxied.test:{port}/feed"
    async with Fetcher(deadline=DEADLINE, max_bytes=CAP) as fetcher:
        result = await fetcher.fetch(feed)
    assert (result.error, result.body) == (None, FEED_BODY)
    assert server.requests[-1].headers["host"] == f"proxied.test:{port}"


def _answer_once(reply: bytes) -> tuple[int, threading.Thread]:
    """A one-shot server: reads a request, sends ``reply``, closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        sock, _ = listener.accept()
        with sock:
            sock.recv(65536)
            sock.sendall(reply)
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread


async def test_a_connection_closed_before_any_answer_is_one_clear_line():
    port, thread = _answer_once(b"")
    async with Fetcher(deadline=2) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    thread.join(2)
    assert result.body is None
    assert result.error == "the server broke HTTP: Server disconnected without sending a response."


async def test_a_body_ending_at_the_close_is_read_whole():
    body = b"<rss><channel><title>t</title></channel></rss>"
    port, thread = _answer_once(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n" + body)
    async with Fetcher(deadline=2) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    thread.join(2)
    assert (result.error, result.status, result.body) == (None, 200, body)


async def test_an_informational_answer_before_the_response_is_passed_over():
    reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
    port, thread = _answer_once(reply)
    async with Fetcher(deadline=2) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    thread.join(2)
    assert (result.error, result.status, result.body) == (None, 200, b"ok")
