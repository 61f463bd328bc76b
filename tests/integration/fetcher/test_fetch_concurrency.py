"""How many fetches run at once: per host, overall, and what leaving early cancels."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from newsreader.feeds.fetch import Fetcher, FetchRequest
from tests.integration.fetcher import DEADLINE
from tests.support.hostile_routes import FEED_BODY, FEED_ETAG
from tests.support.httpserver import HostileServer

# ---------------------------------------------------------------- concurrency


@pytest.fixture
def quiet_server():
    """A fresh server: nothing left in flight from the hostile tests."""
    with HostileServer() as srv:
        yield srv


def _slow_urls(server, hosts, count, delay=0.1):
    return [f"http://{hosts[i % len(hosts)]}:{server.port}/slow-ok?delay={delay}&n={i}" for i in range(count)]


async def test_per_host_limit(quiet_server):
    urls = _slow_urls(quiet_server, ["a.test"], 8)
    async with Fetcher(per_host=2, concurrency=16, deadline=5) as f:
        results = [r async for r in f.fetch_many(urls)]
    assert sorted(r.url for r in results) == sorted(urls)
    assert all(r.body == FEED_BODY for r in results)
    assert quiet_server.gauge.peak == 2


async def test_per_host_limit_allows_other_hosts(quiet_server):
    urls = _slow_urls(quiet_server, ["a.test", "b.test"], 8)
    async with Fetcher(per_host=2, concurrency=16, deadline=5) as f:
        results = await f.fetch_all(urls)
    assert [r.url for r in results] == urls  # input order
    assert quiet_server.gauge.peak == 4


async def test_global_limit(quiet_server):
    urls = _slow_urls(quiet_server, ["a.test", "b.test", "c.test"], 9)
    async with Fetcher(per_host=4, concurrency=3, deadline=5) as f:
        results = [r async for r in f.fetch_many(urls)]
    assert all(r.error is None for r in results)
    assert quiet_server.gauge.peak == 3


async def test_deadline_starts_when_a_slot_is_free(quiet_server):
    """Four 0.15 s fetches in a row on one host take 0.6 s; none times out at 0.3 s."""
    urls = _slow_urls(quiet_server, ["a.test"], 4, delay=0.15)
    async with Fetcher(per_host=1, deadline=0.3) as f:
        results = await f.fetch_all(urls)
    assert [r.error for r in results] == [None] * 4


async def test_fetch_all_callback_and_validators(server):
    seen = []

    async def on_result(result):
        seen.append(result.url)

    requests = [FetchRequest(server.url("/feed"), etag=FEED_ETAG), server.url("/status/410")]
    async with Fetcher(deadline=DEADLINE) as f:
        results = await f.fetch_all(requests, on_result=on_result)
    assert sorted(seen) == sorted(server.url(p) for p in ("/feed", "/status/410"))
    assert results[0].not_modified and results[1].gone


async def test_leaving_fetch_many_cancels_the_rest(server):
    urls = [server.url("/feed")] + [server.url(f"/silent?n={i}") for i in range(3)]
    started = time.monotonic()
    async with Fetcher(deadline=10) as f:
        async with contextlib.aclosing(f.fetch_many(urls)) as stream:
            async for result in stream:
                assert result.body == FEED_BODY
                break
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert others == []
    assert time.monotonic() - started < 2
