#!/usr/bin/env python3
"""How soon a refresh child says its first feed is stored, from its spawn.

What the app's ``R`` runs is ``newsreader refresh --jsonl``: a new process
that imports the fetcher, the parser and the store before it sends a
request. This benchmark serves a few small feeds from a loopback server
(new items before every run, so each run stores new articles), spawns that
command as the app does and prints, per run, the seconds to its first line
of JSON (the first feed stored) and to its end.

    python benchmarks/refresh_start.py
    python benchmarks/refresh_start.py --base ../wt-base --rounds 5

``--base DIR`` runs another checkout's code (``git worktree add --detach
../wt-base COMMIT``) alternately with this one's, with this interpreter:
on a shared machine only figures from one run compare. Compile both trees
first (``python -m compileall -q newsreader ../wt-base/newsreader``) when
bytecode is not written on import (``PYTHONDONTWRITEBYTECODE``): a user's
install has it, and compiling every module would swamp the figures.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def write_feeds(folder: Path, feeds: int, items: int, run: int) -> None:
    """``feeds`` RSS files of ``items`` invented items, new ones for each ``run``."""
    for n in range(feeds):
        entries = "".join(
            f"<item><title>Harbour notice {run}-{n}-{i}</title><link>http://example.test/{run}/{n}/{i}</link>"
            f"<guid>run{run}-feed{n}-item{i}</guid><description>&lt;p&gt;The ferry timetable changes on "
            f"pier {i} from Monday, the operator said.&lt;/p&gt;</description></item>"
            for i in range(items)
        )
        body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {n}</title>{entries}</channel></rss>"
        (folder / f"feed{n}.xml").write_text(body, encoding="utf-8")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def one_run(code: Path, home: Path) -> tuple[float, float]:
    """Seconds to the child's first line of JSON and to its end."""
    env = {**os.environ, "NEWSREADER_HOME": str(home), "PYTHONPATH": str(code)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "newsreader", "refresh", "--jsonl", "--force"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=code,
    )
    assert child.stdout is not None
    child.stdout.readline()
    first = time.perf_counter() - started
    child.communicate()
    return first, time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=5)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--base", type=Path, help="another checkout, run alternately with this one")
    args = ap.parse_args()
    codes = {"this": REPO} if args.base is None else {"base": args.base.resolve(), "this": REPO}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "feeds"
        folder.mkdir()
        write_feeds(folder, args.feeds, args.items, 0)
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        homes: dict[str, Path] = {}
        for name, code in codes.items():
            homes[name] = Path(tmp) / f"home-{name}"
            env = {**os.environ, "NEWSREADER_HOME": str(homes[name]), "PYTHONPATH": str(code)}
            for n in range(args.feeds):
                url = f"http://127.0.0.1:{port}/feed{n}.xml"
                subprocess.run([sys.executable, "-m", "newsreader", "add", url], env=env, cwd=code, capture_output=True)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
        for round_no in range(1, args.rounds + 1):
            for name, code in codes.items():
                write_feeds(folder, args.feeds, args.items, round_no * 10 + len(runs[name]))
                runs[name].append(one_run(code, homes[name]))
        server.shutdown()
    print(f"refresh child, {args.feeds} feeds x {args.items} new items, seconds from spawn (median of {args.rounds})")
    print(f"{'code':<8}{'first feed stored':>20}{'end':>10}")
    for name, values in runs.items():
        first = statistics.median(v[0] for v in values)
        end = statistics.median(v[1] for v in values)
        print(f"{name:<8}{first:>20.3f}{end:>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
