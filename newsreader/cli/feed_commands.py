"""``newsreader add``, ``remove``, ``feeds``, ``refresh`` and ``export``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from newsreader.cli.output import error
from newsreader.cli.progress import Progress
from newsreader.core.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.feeds.subscribe import Candidate


def add_feed_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("add", help="subscribe to a feed (or a page that links to feeds)")
    p.add_argument("url")
    p.add_argument("--title", help="the name to show instead of the feed's own")
    p.add_argument("--tag", action="append", default=[], dest="tags", help="a tag (repeatable)")
    p.add_argument("--first", action="store_true", help="when a page links to several feeds, take the first")

    p = sub.add_parser("remove", help="unsubscribe from a feed (and drop its cached articles)")
    p.add_argument("url")

    p = sub.add_parser("feeds", help="list subscriptions with their status")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("refresh", help="fetch new articles from every feed (or the ones named)")
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--force", action="store_true", help="also poll feeds that are gone or asked us to wait")
    p.add_argument("--jsonl", action="store_true", help="report progress as one JSON object per line (for the app)")

    p = sub.add_parser("export", help="write the subscriptions out")
    p.add_argument("--opml", action="store_true", required=True, help="as OPML 2.0")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def run_feed_command(args: argparse.Namespace) -> int:
    handlers = {"add": run_add, "remove": run_remove, "feeds": run_feeds, "refresh": run_refresh, "export": run_export}
    handler = handlers.get(args.command)
    if handler is None:
        return 2
    return handler(args)


def _first_candidate(candidates: list[Candidate]) -> str | None:
    return candidates[0][0]


def _choose_interactively(candidates: list[Candidate]) -> str | None:
    print("This page links to several feeds:")
    for number, (url, title, kind) in enumerate(candidates, 1):
        print(f"  {number}. {clean_line(title or url)}  <{clean_line(url)}>  ({kind})")
    try:
        answer = input(f"Subscribe to which one? [1-{len(candidates)}, Enter for none] ").strip()
    except EOFError:
        return None
    if answer.isdigit() and 1 <= int(answer) <= len(candidates):
        return candidates[int(answer) - 1][0]
    return None


def run_add(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.core.paths import Paths
    from newsreader.feeds.subscribe import add_url

    if _server_fetches():
        from newsreader.cli.sync_commands import add_through_server

        return add_through_server(args)
    choose = None
    if args.first:
        choose = _first_candidate
    elif sys.stdin.isatty():
        choose = _choose_interactively
    cache = open_cache()
    try:
        result = add_url(Paths.default(), cache, args.url, title=args.title, tags=tuple(args.tags), choose=choose)
    finally:
        cache.close()
    if result.status == "choose":
        error(result.message)
        for url, title, kind in result.candidates:
            print(f"{clean_line(url)}\t{clean_line(title or '')}\t{kind}")
        return 2
    (print if result.ok else error)(clean_line(result.message))
    return 0 if result.ok else 1


def _server_fetches() -> bool:
    """``[sync] fetch = "server"``: the sync server fetches the feeds, not this device."""
    from newsreader.config.settings import load_config
    from newsreader.core.paths import Paths

    sync = load_config(Paths.default()).sync
    return sync is not None and sync.server_fetch


def run_remove(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.config.settings import remove_feed
    from newsreader.core.paths import Paths
    from newsreader.store import remove_feed as forget_feed

    problem = remove_feed(Paths.default(), args.url)
    if problem:
        error(problem)
        return 1
    cache = open_cache()
    try:
        dropped = forget_feed(cache, args.url.strip())
    finally:
        cache.close()
    print(f"unsubscribed from {clean_line(args.url)} ({dropped} cached articles dropped)")
    return 0


def _when(timestamp: int | None) -> str:
    if not timestamp:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def run_feeds(args: argparse.Namespace) -> int:
    import json

    from newsreader.cli.session import open_cache
    from newsreader.config.settings import load_config
    from newsreader.core.paths import Paths
    from newsreader.store import feed_states

    paths = Paths.default()
    config = load_config(paths)
    for line in ([config.error] if config.error else []) + config.warnings:
        error(line)
    cache = open_cache()
    try:
        states = feed_states(cache)
    finally:
        cache.close()
    rows: list[_FeedListing] = []
    for feed in config.feeds:
        state = states.get(feed.url)
        rows.append(
            _FeedListing(
                url=feed.url,
                title=feed.title or (state.title if state else None),
                tags=feed.tags,
                articles=state.articles if state else 0,
                last_success=state.last_success if state else None,
                last_error=state.last_error if state else None,
                gone=bool(state and state.gone),
                moved_to=state.fetch_url if state else None,
            )
        )
    if args.json:
        json.dump([asdict(row) for row in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("no subscriptions yet: newsreader add URL, or newsreader import subscriptions.opml")
        return 0
    by_server = config.sync is not None and config.sync.server_fetch
    for row in rows:
        status = "gone (410)" if row.gone else ("error: " + clean_line(row.last_error) if row.last_error else "ok")
        print(f"{clean_line(row.title or row.url)}")
        print(f"    {clean_line(row.url)}")
        moved = f" · moved to {clean_line(row.moved_to)}" if row.moved_to else ""
        fetched = "fetched by the sync server" if by_server else f"last success {_when(row.last_success)}"
        print(f"    {row.articles} articles · {fetched} · {status}{moved}")
    return 0


@dataclass(slots=True)
class _FeedListing:
    """One subscription as ``newsreader feeds`` shows it (``--json``: its fields)."""

    url: str
    title: str | None
    tags: list[str]
    articles: int
    last_success: int | None
    last_error: str | None
    gone: bool
    moved_to: str | None


def run_refresh(args: argparse.Namespace) -> int:
    from newsreader.feeds.fetch import prepare_tls

    prepare_tls()  # the CA bundle loads while the rest imports and the cache opens
    from newsreader.cli.session import open_cache
    from newsreader.config.settings import FeedConfig, load_config
    from newsreader.core.paths import Paths
    from newsreader.feeds.refresh import Refresher
    from newsreader.feeds.refresh_workers import parse_processes_for
    from newsreader.store import remove_sample

    paths = Paths.default()
    config = load_config(paths)
    if config.error:
        error(config.error)
    if config.sync is not None and config.sync.server_fetch:
        from newsreader.cli.sync_commands import refresh_through_server

        return refresh_through_server(args)
    feeds = config.feeds
    if args.urls:
        wanted = {u.strip() for u in args.urls}
        feeds = [f for f in feeds if f.url in wanted]
        unknown = wanted - {f.url for f in feeds}
        for url in sorted(unknown):
            error(f"{url}: not subscribed (newsreader add {url})")
        if unknown:
            return 1
    if not feeds:
        print("no feeds to refresh: newsreader add URL, or newsreader import subscriptions.opml")
        return 0
    if args.jsonl:
        _yield_to_the_reader()
    cache = open_cache()
    json_progress = _JsonProgress() if args.jsonl else None
    progress = json_progress if json_progress is not None else Progress(len(feeds), "refreshing")
    try:
        workers = parse_processes_for(len(feeds), os.cpu_count())
        report = Refresher(cache, config.fetch, parse_processes=workers).run_sync(
            [FeedConfig(f.url, f.title, f.tags, f.full_text) for f in feeds],
            on_progress=progress.update,
            force=args.force or bool(args.urls),
        )
        if report.new_articles:
            remove_sample(cache)
        dropped = _apply_retention(cache, paths, config)
    finally:
        progress.close()
        cache.close()
    from newsreader.cli.sync_commands import sync_after_refresh

    synced = sync_after_refresh(config)
    if json_progress is not None:
        json_progress.finish(report, synced)
        return 1 if report.failed else 0
    for outcome in report.outcomes:
        if outcome.status == "failed":
            error(f"{outcome.url}: {outcome.error}")
        elif outcome.status == "skipped":
            error(f"{outcome.url}: skipped: {outcome.error}")
    print(report.summary())
    if synced:
        print(synced)
    if dropped:
        print(
            f"retention: dropped {dropped} articles (older than {config.retention.keep_days} days, "
            f"or beyond {config.retention.keep_items} per feed; bookmarked and young unread ones kept)"
        )
    return 1 if report.failed else 0


def _apply_retention(cache, paths, config) -> int:
    """The ``[retention]`` policy after a refresh (store/retention.py); how many went."""
    from newsreader.store import StoreError, retention_for_paths

    try:
        report = retention_for_paths(cache, paths, config)
    except StoreError as exc:
        error(f"retention skipped: {exc}")
        return 0
    return report.deleted if report else 0


def _yield_to_the_reader() -> None:
    """``--jsonl`` is the reader's own refresh (``R``): it runs beside the
    interface, on a machine that may have two cores for both. At a lower
    CPU priority (inherited by its parse workers) the interface answers a
    key at once; the refresh only waits while the interface works."""
    try:
        os.nice(10)
    except (AttributeError, OSError):  # not on this platform, or not allowed
        pass


class _JsonProgress:
    """One JSON line per finished feed, then a summary line: the app reads these."""

    def update(self, done: int, total: int, outcome) -> None:
        import json

        record = {
            "done": done,
            "total": total,
            "url": outcome.url,
            "title": outcome.title,
            "status": outcome.status,
            "new": outcome.new,
            "updated": outcome.updated,
            "error": outcome.error,
            "notify_ids": outcome.notify_ids,  # new articles a notify rule matched
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def finish(self, report, synced: str = "") -> None:
        import json

        sys.stdout.write(
            json.dumps(
                {
                    "summary": report.summary() + (f"; {synced}" if synced else ""),
                    "failed": report.failed,
                    "new": report.new_articles,
                    "feeds": len(report.outcomes),
                }
            )
            + "\n"
        )
        sys.stdout.flush()

    def close(self) -> None:
        return None


def run_export(args: argparse.Namespace) -> int:
    from newsreader.config.settings import load_config
    from newsreader.core.fileio import atomic_write
    from newsreader.core.paths import Paths
    from newsreader.exchange.opml_export import to_opml

    config = load_config(Paths.default())
    if config.error:
        error(config.error)
        return 1
    data = to_opml([f.to_subscription() for f in config.feeds])
    if args.output:
        from pathlib import Path

        atomic_write(Path(args.output), data, backup=False)
        print(f"{len(config.feeds)} feeds written to {clean_line(args.output)}")
    else:
        sys.stdout.buffer.write(data)
    return 0
