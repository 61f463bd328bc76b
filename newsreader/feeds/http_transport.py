"""A lean HTTP/1.1 transport for httpx: h11 over asyncio streams, one connection per request.

httpx's own transport goes through httpcore's connection pool and anyio,
which costs about twice the CPU of the request itself for what a feed fetch
needs (benchmarks/MEASUREMENTS.md, issue 16): one GET on a connection of
its own, read to its end. This transport does that and nothing more, under
the same :class:`~newsreader.feeds.fetch.Fetcher`: redirects, the deadline,
the size caps, the concurrency limits and decompression stay there, and
httpx still builds the request (headers, validators) and routes addresses
to proxies from the environment through its own transports.

What it keeps of httpcore's behaviour, so that a failure reads the same:
HTTP/1.1 only, 100 KiB of response headers at most, reads of up to 64 KiB,
the trace events the fetcher names its phases by, and errors raised as
httpx's (``ConnectError`` with the OS error as its cause, ``ReadError``,
``WriteError``, ``RemoteProtocolError``). The TLS context every fetcher
of a process shares is built here too (:func:`prepare_tls`,
:func:`tls_context`). Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import AsyncIterator
from concurrent.futures import Future

import h11
import httpx

#: As httpcore: the most bytes one read asks for, and the most a response's
#: headers may take before the answer is refused.
READ_BYTES = 64 * 1024
MAX_HEADER_BYTES = 100 * 1024


class _Exchange:
    """One request's connection: the stream pair and h11's view of it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)

    async def send(self, request: httpx.Request) -> None:
        data = self.h11.send(
            h11.Request(method=request.method, target=request.url.raw_path, headers=request.headers.raw)
        )
        data += self.h11.send(h11.EndOfMessage())
        try:
            self.writer.write(data)
            await self.writer.drain()
        except OSError as exc:
            raise httpx.WriteError(str(exc) or type(exc).__name__) from exc

    async def next_event(self) -> object:
        """h11's next event, reading from the socket as it asks."""
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            try:
                data = await self.reader.read(READ_BYTES)
            except OSError as exc:
                raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
            if not data and self.h11.their_state == h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            try:
                self.h11.receive_data(data)
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc

    def close(self) -> None:
        self.writer.close()


class _Body(httpx.AsyncByteStream):
    """The response body as it arrives; closing it closes the connection."""

    def __init__(self, exchange: _Exchange) -> None:
        self.exchange = exchange

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            event = await self.exchange.next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                return
            else:  # h11 paused: asking again would spin without ever awaiting
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} in the body")

    async def aclose(self) -> None:
        self.exchange.close()


class StreamTransport(httpx.AsyncBaseTransport):
    """Send each request on a new connection (TLS with ``tls``) and close it after the body."""

    def __init__(self, tls: ssl.SSLContext) -> None:
        self.tls = tls

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{url.scheme}://'.")
        host = url.raw_host.decode("ascii")
        port = url.port or (443 if url.scheme == "https" else 80)
        trace = request.extensions.get("trace")

        async def phase(name: str) -> None:
            if trace is not None:
                await trace(name, {})

        await phase("connection.connect_tcp.started")
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        exchange = _Exchange(reader, writer)
        try:
            if url.scheme == "https":
                await phase("connection.start_tls.started")
                try:
                    await writer.start_tls(self.tls, server_hostname=host)
                except (OSError, ssl.SSLError) as exc:
                    raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
            await phase("http11.send_request_headers.started")
            await exchange.send(request)
            await phase("http11.receive_response_headers.started")
            while True:
                event = await exchange.next_event()
                if isinstance(event, h11.Response):
                    break
                if isinstance(event, h11.ConnectionClosed):
                    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
                if not isinstance(event, h11.InformationalResponse):  # paused: it would spin, never awaiting
                    raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} before the response")
        except BaseException:
            exchange.close()
            raise
        return httpx.Response(
            event.status_code,
            headers=event.headers.raw_items(),
            stream=_Body(exchange),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": event.reason},
        )


_TLS: Future[ssl.SSLContext] | None = None
_TLS_LOCK = threading.Lock()


def prepare_tls() -> None:
    """Start building the TLS context every fetcher of this process shares.

    Reading the CA bundle takes tens of milliseconds, mostly outside the
    GIL: a refresh calls this first thing, so the bundle loads while its
    modules import and the cache opens, not before the first request.
    The context is httpx's own default one (same trust, same options)."""
    global _TLS
    with _TLS_LOCK:
        if _TLS is not None:
            return
        future: Future[ssl.SSLContext] = Future()
        _TLS = future

    def build() -> None:
        try:
            future.set_result(httpx.create_ssl_context())
        except Exception as exc:  # noqa: BLE001  (raised again in the fetcher that waits for it)
            future.set_exception(exc)

    threading.Thread(target=build, name="nr-tls", daemon=True).start()


def tls_context() -> ssl.SSLContext:
    """The TLS context every fetcher of this process shares, built once (waits for it)."""
    prepare_tls()
    assert _TLS is not None
    return _TLS.result()
