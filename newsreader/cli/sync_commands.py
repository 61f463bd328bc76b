"""``newsreader sync``: run one sync, or say how sync is doing.

With ``[sync] fetch = "server"`` the device fetches no feed itself:
``newsreader refresh`` (and the app's ``R``, which runs ``refresh --jsonl``)
runs a sync instead, and ``newsreader add`` subscribes on the server. Else a
refresh with sync set up ends with a sync.
"""

from __future__ import annotations

import argparse
import json
import sys

from newsreader.cli.output import error
from newsreader.core.sanitize import clean_line

#: Seconds a refresh waits for a sync already under way before it gives up.
REFRESH_WAITS = 60.0


def add_sync_command(sub) -> None:
    p = sub.add_parser("sync", help="sync with tt-rss or a synced folder ([sync] in config.toml)")
    p.add_argument("--status", action="store_true", help="last success, what is waiting, last error")


def run_sync(args: argparse.Namespace) -> int:
    from newsreader.sync import SyncError, sync_once, sync_status

    if args.status:
        status = sync_status()
        for line in status.lines():
            print(line)
        return 0 if status.configured else 1
    try:
        report = sync_once(retry_refused=True)
    except SyncError as exc:
        error(str(exc))
        waiting = sync_status().waiting
        if waiting:
            error(f"{waiting} changes wait for the next sync")
        return 1
    for problem in report.problems + report.applied.problems:
        error(problem)
    print(report.summary())
    return 0


def refresh_through_server(args: argparse.Namespace) -> int:
    """``newsreader refresh`` when articles come from the sync server: one sync.

    ``--jsonl`` (the app's refresh) prints the one summary record the app
    reads; an ``error`` in it only when the refresh was asked for by hand
    (``R``, or ``r`` on one feed), not for the schedule's (feeds named, no
    ``--force``), so a server that is down is not a notice every minute.
    """
    from newsreader.sync import SyncError, sync_once

    if not args.jsonl:
        print('articles come from the sync server ([sync] fetch = "server"): syncing instead')
        return run_sync(argparse.Namespace(status=False))
    record: dict[str, object]
    try:
        report = sync_once(wait=REFRESH_WAITS)
    except SyncError as exc:
        line = clean_line(str(exc))
        record = {"summary": line, "failed": 0, "new": 0, "feeds": 0}
        if args.force or not args.urls:
            record["error"] = line
    else:
        record = {"summary": report.summary(), "failed": 0, "new": report.articles, "feeds": 0}
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0 if "error" not in record else 1


def sync_after_refresh(config) -> str:
    """After a refresh on this device: one sync, so that what other devices read
    follows at once; one line saying how it went ("" when sync is not set up)."""
    if config.sync is None:
        return ""
    from newsreader.sync import SyncError, sync_once  # here: a refresh without sync never loads it

    try:
        return sync_once(wait=REFRESH_WAITS).summary()
    except SyncError as exc:
        return clean_line(str(exc))


def add_through_server(args: argparse.Namespace) -> int:
    """``newsreader add`` when articles come from the sync server."""
    from newsreader.core.paths import Paths
    from newsreader.sync import subscribe_through_server

    result = subscribe_through_server(Paths.default(), args.url, title=args.title, tags=tuple(args.tags))
    (print if result.ok else error)(clean_line(result.message))
    for url in result.candidates:
        print(clean_line(url))
    if result.status == "choose":
        return 2
    return 0 if result.ok else 1
