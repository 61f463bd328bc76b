"""Pilot tests for r / R / a: refreshing never blocks a key press."""

from __future__ import annotations

import asyncio
import time

from textual import events

from newsreader.config.settings import add_feeds
from newsreader.core.models import Subscription
from tests.support.app import make_app, settle, story_page
from tests.support.feedserver import FeedServer

SIZE = (130, 40)


async def press_and_wait(app, key: str, done, limit: float = 1.0) -> float:
    """Send one key the way a terminal does and return how long until ``done()``
    holds (Pilot.press would also wait for the whole app to go idle)."""
    started = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    while not done():
        if time.perf_counter() - started > limit:
            raise AssertionError(f"{key!r} had no effect within {limit} s")
        await asyncio.sleep(0.005)
    return time.perf_counter() - started


async def test_keys_answer_during_refresh_of_200_feeds(tmp_path):
    with FeedServer(feeds=200, latency=0.1) as server:
        app = make_app(tmp_path, story_page())
        add_feeds(app.services.paths, [Subscription(server.url(n)) for n in range(200)])
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            headlines = screen.query_one("#headlines")
            await pilot.press("R")
            await pilot.pause(0.1)
            assert screen.refreshing
            latencies = []
            for key, expected in (("j", 1), ("j", 2), ("k", 1), ("G", len(screen.headline_rows) - 1), ("g", 0)):
                latencies.append(
                    await press_and_wait(app, key, lambda expected=expected: headlines.highlighted == expected)
                )
                assert screen.refreshing, "the refresh ended before the keys were tried"
            assert max(latencies) < 0.5, latencies
            for _ in range(300):
                if not screen.refreshing:
                    break
                await asyncio.sleep(0.05)
            assert not screen.refreshing
            await settle(pilot)
            assert app.services.cache.totals()[0] == 3 + 600
            assert "200 feeds" in str(screen.query_one("#status").render())


async def test_r_refreshes_the_current_feed_and_shows_errors(tmp_path):
    with FeedServer(feeds=2) as server:
        app = make_app(tmp_path)
        add_feeds(app.services.paths, [Subscription(server.url(0), "Office Zero"), Subscription(server.url(1))])
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("R")
            for _ in range(100):
                await settle(pilot)
                if not app.screen.refreshing:
                    break
            screen = app.screen
            assert app.services.cache.totals()[0] == 6
            server.statuses["/feed/0.xml"] = 500
            sources = screen.query_one("#sources")
            sources.focus()
            ids = [sources.get_option_at_index(i).id for i in range(sources.option_count)]
            labels = {
                sources.get_option_at_index(i).id: sources.get_option_at_index(i).prompt
                for i in range(sources.option_count)
            }
            zero = next(i for i in ids if i.startswith("src:") and "Office Zero" in str(labels[i]))
            sources.highlighted = ids.index(zero)
            await settle(pilot)
            await pilot.press("r")
            for _ in range(100):
                await settle(pilot)
                if not screen.refreshing:
                    break
            await settle(pilot)
            label = str(sources.get_option_at_index(sources.get_option_index(zero)).prompt)
            assert "500" in label  # the error is shown next to the feed's name
            assert app.services.cache.totals()[0] == 6  # nothing lost


async def test_a_adds_a_feed_from_the_app(tmp_path):
    with FeedServer(feeds=1) as server:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await pilot.pause()
            app.screen.query_one("#add-input").value = server.url(0)
            await pilot.press("enter")
            for _ in range(100):
                await settle(pilot)
                if app.services.cache.totals()[0]:
                    break
            await settle(pilot)
            assert app.services.cache.totals()[0] == 3
            assert [f.url for f in app.services.config.feeds] == [server.url(0)]
            assert "Harbour Office 0" in [r.source for r in app.screen.headline_rows]
