"""benchmarks/scale.py, part 2: the store alone, and the app driven by its keys.

The app runs under ``App.run_test`` in a child process (so its peak RSS is
its own), started as ``newsreader`` starts it; :class:`Probe` notes the
frame after each ``show_*`` call the screen makes, and every figure is the
time from a key to that frame (see scale.py for the whole procedure).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.scale_feeds import prepare_refresh

PYTHON = sys.executable
#: The benchmark's entry point: child processes (the in-app part, the feed
#: server) are this script run with an internal option.
SCALE = Path(__file__).with_name("scale.py")
#: Set by ``scale.py --tree`` (and so seen by its child processes): the
#: newsreader checkout measured, when it is not the one this script is in.
TREE_VARIABLE = "NEWSREADER_SCALE_TREE"


def tree() -> Path:
    """The newsreader checkout measured: ``--tree``, else this script's."""
    return Path(os.environ.get(TREE_VARIABLE) or REPO)


def import_from_tree() -> None:
    """Make ``import newsreader`` find the measured checkout's code first."""
    path = str(tree())
    if sys.path[0] != path:
        sys.path.insert(0, path)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return (
        {
            "n": len(values),
            "p50": statistics.median(values),
            "p95": percentile(values, 0.95),
            "min": min(values),
            "max": max(values),
        }
        if values
        else {"n": 0}
    )


class Probe:
    """Wraps the methods by which the panes draw what the screen hands them
    (a page of headlines, the article, the related list, the source list):
    a waiter gets the time of the first frame drawn after the matching call."""

    def __init__(self, app, screen) -> None:
        self.app = app
        self.waiters: list[tuple[str, object, asyncio.Future]] = []
        for name, pane, method in (
            ("show_headlines", "#headlines", "show_page"),
            ("show_article", "#article", "_draw"),
            ("show_related", "#related", "show_items"),
            ("show_sources", "#sources", "show_listing"),
        ):
            widget = screen.query_one(pane)
            setattr(widget, method, self._wrap(name, getattr(widget, method)))

    def _wrap(self, name: str, original):
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            for waiter in list(self.waiters):
                wanted, test, future = waiter
                if wanted == name and not future.done() and test(args):
                    self.waiters.remove(waiter)
                    self.app.call_after_refresh(lambda f=future: f.done() or f.set_result(time.perf_counter()))
            return result

        return wrapper

    def expect(self, name: str, test=lambda args: True) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((name, test, future))
        return future


def send_key(app, key: str) -> None:
    """Post a key the way a terminal would, without waiting for anything."""
    from textual import events

    char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def _drawn(app) -> float:
    future = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: future.done() or future.set_result(time.perf_counter()))
    return await asyncio.wait_for(future, 10)


async def _settle(seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)


async def measure_key_moves(app, listing, count: int, *, stop=None) -> list[float]:
    """``j``/``k`` in ``listing``: ms until the moved highlight is drawn."""
    times: list[float] = []
    for i in range(count):
        if stop is not None and stop():
            break
        before = listing.highlighted
        started = time.perf_counter()
        send_key(app, "j" if i % 2 == 0 else "k")
        deadline = started + 10
        while listing.highlighted == before and time.perf_counter() < deadline:
            await asyncio.sleep(0.0005)
        times.append((await _drawn(app) - started) * 1000)
        await _settle(0.08)
    return times


def search_queries(cache, count: int) -> list[str]:
    """Different queries of everyday shapes, from words the cache holds."""
    import random

    rng = random.Random(5)
    conn = cache.connection()
    titles = [r[0] for r in conn.execute("SELECT title FROM articles ORDER BY id DESC LIMIT 4000")]
    words = sorted({w.strip(",.").lower() for t in titles for w in t.split() if len(w.strip(",.")) > 4})
    rng.shuffle(words)
    names = [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY id LIMIT 200")]
    shapes = [
        lambda i: words[i],
        lambda i: f"{words[i]} {words[i + 1]}",
        lambda i: f"{words[i][:4]}*",
        lambda i: f'"{" ".join(titles[i * 7].split()[1:3])}"',
        lambda i: f"{words[i]} is:unread",
        lambda i: f'source:"{names[i % len(names)]}"',
    ]
    return [shapes[i % len(shapes)](i * 2) for i in range(count)]


async def measure_in_app(home: Path, tries: int, refresh_feeds: list[str]) -> dict:
    import gc

    import_from_tree()
    from newsreader.core.paths import Paths
    from newsreader.tui.app import NewsReaderApp
    from newsreader.tui.keys import ALL, SEARCH, ListKind
    from newsreader.tui.services import Services
    from newsreader.tui.widgets.lists import KeyList

    # Started as ``newsreader`` starts it (cli_app.py): the collector off
    # until the first frame, where the app turns it back on.
    if _has_first_screen():
        gc.disable()
    services = Services.for_paths(Paths.under(home))
    app = start_app(NewsReaderApp, services)
    out: dict[str, list[float]] = {}
    notes: list[str] = []
    peaks: list[str] = []

    def peak(after: str) -> None:
        peaks.append(f"{after} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")

    async with app.run_test(size=(200, 50)) as pilot:
        while type(app.screen).__name__ != "MainScreen":
            await pilot.pause()
        screen = app.screen
        probe = Probe(app, screen)
        headlines = screen.query_one("#headlines", KeyList)
        sources = screen.query_one("#sources", KeyList)
        for _ in range(200):
            if headlines.option_count and sources.option_count > 3:
                break
            await asyncio.sleep(0.05)
        # Start-up is over when the background check of a big cache is.
        while any(w.group == "check" and not w.is_finished for w in app.workers):
            await asyncio.sleep(0.05)
        await _settle(0.5)
        await _no_scheduled_refresh(screen)
        peak("start-up")

        # Switching source: j in the source list, until the new list is drawn.
        sources.focus()
        await pilot.pause()
        # The rows are found by their keys: the list above the sources (Briefing,
        # All, Unread, Bookmarks, saved searches) changes as features come.
        all_row = sources.keys.index(ALL)
        sources.highlighted = next(
            i for i, k in enumerate(sources.keys) if k is not None and k.kind is ListKind.SOURCE
        )  # the first source
        await _settle(0.5)
        times = []
        for _ in range(tries):
            before = sources.highlighted
            waiter = probe.expect("show_headlines", lambda a, b=before: a[0].key == sources.keys[b + 1])
            started = time.perf_counter()
            send_key(app, "j")
            times.append((await asyncio.wait_for(waiter, 10) - started) * 1000)
            await _settle()
        out["source switch"] = times
        peak("source switches")

        # Opening an article, and the related sidebar ready: Enter on a headline.
        sources.highlighted = all_row
        await _settle(0.5)
        headlines.focus()
        await pilot.pause()
        opened, related = [], []
        view, sidebar_pane = screen.query_one("#article"), screen.query_one("#related")
        for _ in range(tries):
            before = headlines.highlighted
            send_key(app, "j")
            await _settle(0.03)
            deadline = time.perf_counter() + 10
            while headlines.highlighted == before and time.perf_counter() < deadline:
                await asyncio.sleep(0.005)  # a loaded machine may take longer than 30 ms to move it
            article_id = headlines.highlighted_key
            shown = probe.expect("show_article", lambda a, i=article_id, v=view: v.article.id == i)
            sidebar = probe.expect(
                "show_related", lambda a, i=article_id, p=sidebar_pane: p.related and p.related.article_id == i
            )
            started = time.perf_counter()
            send_key(app, "enter")
            opened.append((await asyncio.wait_for(shown, 10) - started) * 1000)
            related.append((await asyncio.wait_for(sidebar, 10) - started) * 1000)
            await _settle(0.15)  # the source counts reload after each open
        out["open article"] = opened
        out["related ready"] = related
        peak("opening articles")

        # Search: type in the search box, then Enter until the results are drawn.
        times = []
        for query in search_queries(services.cache, tries):
            await pilot.press("slash")
            await pilot.pause()
            app.screen.query_one("#search-input").value = query  # as if typed
            await pilot.pause()
            results = probe.expect("show_headlines", lambda a: a[0].key == SEARCH)
            started = time.perf_counter()
            send_key(app, "enter")
            try:
                times.append((await asyncio.wait_for(results, 10) - started) * 1000)
            except TimeoutError:
                notes.append(f"search {query!r} showed nothing within 10 s")
                await pilot.press("escape")
            await _settle(0.2)
        out["search"] = times

        # The search bar closing by itself: what hiding it and redrawing
        # costs (part of every "search" figure above, drawn in the same frame
        # as the results).
        bar = screen.query_one("#search-bar")
        times = []
        for _ in range(tries):
            await pilot.press("slash")
            await pilot.pause()
            await _settle(0.05)
            started = time.perf_counter()
            bar.close()
            screen.query_one("#headlines").focus()
            times.append((await _drawn(app) - started) * 1000)
            await _settle(0.2)
        out["search bar closing alone"] = times
        peak("searches")

        # A key press with no refresh, then during one.
        sources.highlighted = all_row
        await _settle(0.5)
        headlines.focus()
        await pilot.pause()
        out["key press, idle"] = await measure_key_moves(app, headlines, tries)
        if refresh_feeds:
            progress: list[float] = []
            real_progress = screen.feeds.progress
            screen.feeds.progress = lambda record: (progress.append(time.perf_counter()), real_progress(record))
            if screen.feeds.refreshing:
                notes.append("a refresh was already running when the measured one was asked for")
            started = time.perf_counter()
            screen.feeds.refresh_all()  # the feeds prepare_refresh wrote to config.toml
            while not progress and time.perf_counter() - started < 30:
                await asyncio.sleep(0.01)
            # Keys until the refresh ends, however long it takes: the figure is of a whole refresh.
            times = await measure_key_moves(app, headlines, 100_000, stop=lambda: not screen.feeds.refreshing)
            while screen.feeds.refreshing and time.perf_counter() - started < 300:
                await asyncio.sleep(0.1)
            out["key press during refresh"] = times
            peak("the refresh")
            notes.append(
                f"refresh of {len(refresh_feeds)} feeds took {time.perf_counter() - started:.1f} s, "
                f"{len(progress)} progress records, {len(times)} key presses during it; "
                f"status: {screen.query_one('#status').render()}"
            )
    notes.append("peak RSS (MB) after " + ", ".join(peaks))
    return {
        "times": {k: summary(v) for k, v in out.items()},
        "notes": notes,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def _no_scheduled_refresh(screen) -> None:
    """Stop the schedule's timer: the feeds ``prepare_refresh`` wrote were
    never fetched, so they fall due at its first wake (a minute after start),
    and that refresh would run under the figures measured before the one
    this benchmark starts itself (and be taken for it)."""
    tasks = getattr(screen, "daily", None)
    for _ in range(100):
        if tasks is None or getattr(tasks, "wake", None) is not None:
            break
        await asyncio.sleep(0.05)  # the schedule's worker has not answered yet
    if tasks is not None and tasks.wake is not None:
        tasks.wake.stop()


def _has_first_screen() -> bool:
    """Whether the newsreader measured has first_screen.py (the tree's own
    files: an editable install may answer an import from another tree)."""
    import newsreader

    package = Path(newsreader.__file__).parent
    return (package / "tui" / "first_screen.py").exists() or (package / "first_screen.py").exists()


def start_app(app_class, services):
    """The app as ``newsreader`` starts it (cli_app.py); a newsreader from
    before first_screen.py is started the way it was then, so the same
    script measures the code before and after a change."""
    if not _has_first_screen():
        return app_class(services)
    try:
        from newsreader.tui.first_screen import FirstScreen
    except ImportError:  # the tree before the packages
        from newsreader.first_screen import FirstScreen  # type: ignore[no-redef]

    return app_class(services, FirstScreen(services).start(), freeze_startup=True)


def counts_of(services) -> object:
    """What the source list needs (first_screen.source_counts, or the same queries before it)."""
    if not _has_first_screen():
        from newsreader.store.searching import count_articles

        cache = services.cache
        keys = [b.article_key for b in services.bookmarks.all() if b.article_key]
        return (
            cache.sources(),
            cache.totals(),
            [
                count_articles(cache, s.parsed.with_filter(read=False), bookmarked_keys=keys)
                for s in services.config.searches
            ],
        )
    from newsreader.tui.first_screen import source_counts

    return source_counts(services)


def measure_store(home: Path, tries: int) -> dict[str, dict]:
    """The store's share of each interaction, no interface: ms per call."""
    import random

    HEADLINE_PAGE = 300
    import_from_tree()
    from newsreader.core.paths import Paths
    from newsreader.store.related import related_stories
    from newsreader.store.story_rows import stories_for_articles
    from newsreader.tui.services import Services

    services = Services.for_paths(Paths.under(home))
    cache = services.cache
    conn = cache.connection()
    rng = random.Random(8)
    source_ids = [r.id for r in cache.sources()]
    article_ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id DESC LIMIT 5000")]

    def timed(fn, args_list) -> dict:
        times = []
        for args in args_list:
            started = time.perf_counter()
            fn(*args)
            times.append((time.perf_counter() - started) * 1000)
        return summary(times)

    def page(source_id: int) -> None:
        rows = cache.headlines(source_id, limit=HEADLINE_PAGE)
        stories_for_articles(conn, [r.id for r in rows])

    out = {
        "source counts (all sources, totals, saved searches)": timed(lambda: counts_of(services), [()] * tries),
        "a source's first page + its stories": timed(page, [(rng.choice(source_ids),) for _ in range(tries)]),
        "an article (with its body)": timed(cache.article, [(rng.choice(article_ids),) for _ in range(tries)]),
        "related stories of an article": timed(
            lambda i: related_stories(cache, i), [(rng.choice(article_ids),) for _ in range(tries)]
        ),
        "search (first page of 300)": timed(
            lambda q: cache.search(q, limit=HEADLINE_PAGE), [(q,) for q in search_queries(cache, tries)]
        ),
    }
    cache.close()
    return out


def run_in_app_child(copy: Path, tries: int, refresh_count: int, workdir: Path) -> dict:
    """Run the in-app part in a child process on ``copy`` (a copy of the
    home: it is changed), return its figures and peak RSS."""
    urls, server, _base = (
        prepare_refresh(copy, workdir / "feeds", refresh_count, 20) if refresh_count else ([], None, None)
    )
    result_file = workdir / "in_app.json"
    try:
        child = subprocess.Popen(
            [
                PYTHON,
                str(SCALE),
                "--in-app-child",
                str(copy),
                "--tries",
                str(tries),
                "--result",
                str(result_file),
                *[a for u in urls for a in ("--feed", u)],
            ]
        )
        _pid, status, usage = os.wait4(child.pid, 0)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    if status != 0 or not result_file.exists():
        raise RuntimeError(f"the in-app measurement failed (status {status})")
    result = json.loads(result_file.read_text())
    # wait4's figure is the largest of the app and the processes it waited
    # for: the refresh child and its parse workers.
    result["maxrss_with_children_mb"] = usage.ru_maxrss / 1024
    return result
