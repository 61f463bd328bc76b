"""The TLS context a refresh prepares ahead is the one its fetchers use."""

from __future__ import annotations

import asyncio
import ssl

from newsreader.feeds import http_transport
from newsreader.feeds.fetch import Fetcher, prepare_tls
from newsreader.feeds.http_transport import StreamTransport


def _client_context(fetcher: Fetcher) -> ssl.SSLContext:
    client = fetcher._client
    assert client is not None
    transport = client._transport
    assert isinstance(transport, StreamTransport)
    return transport.tls


def test_fetchers_share_the_context_prepared_ahead():
    prepare_tls()
    assert http_transport._TLS is not None
    prepared = http_transport._TLS.result(timeout=10)

    async def contexts() -> list[ssl.SSLContext]:
        seen = []
        for _ in range(2):
            async with Fetcher() as fetcher:
                seen.append(_client_context(fetcher))
        return seen

    assert asyncio.run(contexts()) == [prepared, prepared]
    # httpx's default: certificates and host names checked.
    assert prepared.verify_mode == ssl.CERT_REQUIRED
    assert prepared.check_hostname


def test_prepare_tls_twice_builds_once():
    prepare_tls()
    first = http_transport._TLS
    prepare_tls()
    assert http_transport._TLS is first
