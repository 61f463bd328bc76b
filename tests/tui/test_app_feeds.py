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


def refreshing(screen) -> bool:
    """The status line says a refresh is under way."""
    return str(screen.query_one("#status").render()).startswith(("Refreshing", "Adding"))


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
            assert refreshing(screen)
            latencies = []
            last = len(screen.headlines.entries) - 1
            for key, expected in (("j", 1), ("j", 2), ("k", 1), ("G", last), ("g", 0)):
                latencies.append(
                    await press_and_wait(app, key, lambda expected=expected: headlines.highlighted == expected)
                )
                assert refreshing(screen), "the refresh ended before the keys were tried"
            assert max(latencies) < 0.5, latencies
            for _ in range(300):
                if not refreshing(screen):
                    break
                await asyncio.sleep(0.05)
            assert not refreshing(screen)
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
                if not refreshing(app.screen):
                    break
            screen = app.screen
            assert app.services.cache.totals()[0] == 6
            server.statuses["/feed/0.xml"] = 500
            sources = screen.query_one("#sources")
            sources.focus()
            labels = [str(sources.get_option_at_index(i).prompt) for i in range(sources.option_count)]
            zero = next(i for i, key in enumerate(sources.keys) if key.is_source and "Office Zero" in labels[i])
            sources.highlighted = zero
            await settle(pilot)
            await pilot.press("r")
            for _ in range(100):
                await settle(pilot)
                if not refreshing(screen):
                    break
            await settle(pilot)
            label = str(sources.get_option_at_index(zero).prompt)
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
            assert "Harbour Office 0" in [e.row.source for e in app.screen.headlines.entries]


async def test_progress_lines_come_at_most_twice_a_second_and_the_last_one_shows(tmp_path):
    from newsreader.tui.screens import feed_actions

    app = make_app(tmp_path, story_page())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        feeds = screen.feeds
        feeds.refreshing = True
        status = lambda: str(screen.query_one("#status").render())  # noqa: E731
        for done in (1, 2, 3):
            feeds.progress({"done": done, "total": 3, "title": f"Feed {done}", "status": "ok", "new": 0})
        await pilot.pause()
        assert status().startswith("Refreshing 1/3")  # the first at once, the others wait their turn
        await asyncio.sleep(feed_actions.STATUS_EVERY + 0.1)
        await pilot.pause()
        assert status().startswith("Refreshing 3/3")  # the latest, not each in turn
        feeds.refreshing = False
