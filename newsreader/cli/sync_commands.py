"""``newsreader sync``: run one sync, or say how sync is doing."""

from __future__ import annotations

import argparse

from newsreader.cli.output import error


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
