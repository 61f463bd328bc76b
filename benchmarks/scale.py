#!/usr/bin/env python3
"""newsreader at 100,000 articles: first screen, interactions, memory. One run, all figures.

Needs a home made by ``benchmarks/gen_cache.py`` (``--generate`` makes one
if the folder is missing). The parts:

1. **First screen through a real terminal.** ``newsreader`` runs in a
   detached tmux pane (200x50, its own tmux server) with
   ``NEWSREADER_HOME`` set to the generated folder; the screen is captured
   every 10 ms until the headlines and the source counts are drawn. Beside
   it, in the same run and alternating with it, the bare three-pane Textual
   app of ``../shared/bench/tx_app.py`` (the floor: what any Textual app
   costs; used in place, skipped when ../shared is absent) is run the same
   way until its rows are drawn; the ratio of the medians is printed.
   newsboat's figure at 100k items comes from ``../shared/bench/RESULTS.md``;
   with ``--newsboat`` newsboat also runs on the same articles (served as
   one RSS feed per source from 127.0.0.1, its cache filled with
   ``-x reload``, its first screen measured as ``nb_tui.py`` does: about
   three more minutes). The app's peak RSS (VmHWM) is read at its first
   screen and after a short session (open articles, a search).
2. **The store alone** (2a): the queries behind each interaction, no
   interface. **Inside the app** (2b; ``App.run_test`` at 200x50, started
   as ``newsreader`` starts it, in a child process whose peak RSS is
   reported too, on a copy of the home): p50/p95 of switching source (``j``
   in the source list until the new headlines are drawn), opening an
   article (``Enter`` until it is drawn), the related sidebar ready (same
   ``Enter`` until the sidebar is drawn), a search (``Enter`` in the search
   box until the results are drawn, the box closing in the same frame; and,
   for scale, the box closing by itself), and a key press (``j``/``k`` in the headlines
   until the highlight is drawn) with no refresh and while a real refresh
   runs (``R``'s code path: a ``newsreader refresh`` child process storing
   20 new items for each of 300 feeds served from 127.0.0.1).
3. Targets, and which are met.

Every part runs on a copy of the home made at the start (opening articles
marks them read, the refresh adds articles): the generated home stays as
it was made.

    python benchmarks/gen_cache.py --out /tmp/nr-100k       # once, ~3 min
    python benchmarks/scale.py --home /tmp/nr-100k          # ~2 min (+3 with --newsboat)

``--runs`` sets the first-screen runs per app (default 7), ``--tries`` the
tries per interaction (default 40). The machine should be otherwise idle:
everything here shares its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.scale_app import TREE_VARIABLE, measure_in_app, measure_store, run_in_app_child, summary
from benchmarks.scale_feeds import serve
from benchmarks.scale_terminal import newsboat_figure, run_first_screens, run_newsboat

TARGETS = {"first_screen_s": 0.6, "ratio": 1.6, "p95_ms": 50.0, "rss_mb": 100.0}


def describe_home(home: Path) -> str:
    import sqlite3

    db = home / "cache" / "cache.sqlite3"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    sources = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    unread = conn.execute("SELECT count(*) FROM articles WHERE is_read = 0").fetchone()[0]
    stories = conn.execute("SELECT count(*) FROM stories WHERE source_count >= 2").fetchone()[0]
    conn.close()
    size = db.stat().st_size
    return (
        f"{articles:,} articles ({unread:,} unread) from {sources:,} sources, {stories:,} multi-outlet stories; "
        f"cache {size / 1e6:.0f} MB ({size / max(articles, 1):,.0f} B/article)"
    )


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSES"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a folder made by benchmarks/gen_cache.py")
    parser.add_argument("--generate", action="store_true", help="make the home with gen_cache.py when it is missing")
    parser.add_argument("--runs", type=int, default=7, help="first-screen runs per app")
    parser.add_argument("--tries", type=int, default=40, help="tries per interaction (>= 30 for a p95)")
    parser.add_argument(
        "--refresh-feeds", type=int, default=300, help="feeds refreshed during the key-press test (0: skip)"
    )
    parser.add_argument(
        "--tree",
        type=Path,
        help="measure another newsreader checkout's code (e.g. a base commit's worktree; run with its venv's python)",
    )
    parser.add_argument("--skip-terminal", action="store_true", help="only the in-app part")
    parser.add_argument("--skip-in-app", action="store_true", help="only the terminal part")
    parser.add_argument(
        "--newsboat",
        action="store_true",
        help="also run newsboat on the same articles (fills its cache from 127.0.0.1: ~3 min more)",
    )
    # internal modes
    parser.add_argument("--in-app-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--feed", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tree:
        os.environ[TREE_VARIABLE] = str(args.tree.resolve())  # the child processes read it too

    if args.serve:
        serve(args.serve, args.port_file)
        return 0
    if args.in_app_child:
        result = asyncio.run(measure_in_app(args.in_app_child, args.tries, args.feed))
        args.result.write_text(json.dumps(result))
        return 0
    if not args.home:
        parser.error("--home is required")
    home = args.home
    if not (home / "cache" / "cache.sqlite3").exists():
        if not args.generate:
            parser.error(f"{home} has no cache: run benchmarks/gen_cache.py --out {home} first (or pass --generate)")
        from benchmarks import gen_cache

        gen_cache.main(["--out", str(home)])
    if shutil.which("tmux") is None and not args.skip_terminal:
        print("tmux is not installed: the terminal part is skipped (apt-get install tmux)", file=sys.stderr)
        args.skip_terminal = True

    workdir = Path(tempfile.mkdtemp(prefix="nr-scale-"))
    # Every part runs on a copy: opening articles marks them read, the
    # refresh adds articles, and the generated home stays as it was made.
    copy = workdir / "home"
    shutil.copytree(home, copy, ignore=shutil.ignore_patterns("*.lock"))
    # The figures are of the reader at rest: its refresh at start (of the
    # generated feeds, which no server answers) is switched off; the refresh
    # measured is the one part 2b starts itself.
    with (copy / "config" / "config.toml").open("a", encoding="utf-8") as config:
        config.write("\n[fetch]\nrefresh_on_start = false\n")
    started = time.monotonic()
    print(
        f"newsreader scale benchmark — {time.strftime('%Y-%m-%d %H:%M')}, python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"home {home}: {describe_home(home)}\n")
    checks: list[tuple[str, bool]] = []
    try:
        if not args.skip_terminal:
            fs = run_first_screens(copy, args.runs, workdir)
            ours, bare = summary(fs["ours"]), summary(fs["bare"])
            print(
                f"1. first full screen through tmux 200x50, process start -> headlines and counts drawn ({args.runs} runs each, alternating):"
            )
            if ours["n"]:
                print(
                    f"   newsreader, 100k articles   median {ours['p50']:.3f} s  (min {ours['min']:.3f}, max {ours['max']:.3f})"
                )
                checks.append(
                    (
                        f"first screen {ours['p50']:.3f} s <= {TARGETS['first_screen_s']} s",
                        ours["p50"] <= TARGETS["first_screen_s"],
                    )
                )
            if bare["n"]:
                print(
                    f"   bare 3-pane Textual app     median {bare['p50']:.3f} s  (min {bare['min']:.3f}, max {bare['max']:.3f})"
                    "  [../shared/bench/tx_app.py, 10+10 rows]"
                )
            else:
                print("   bare 3-pane Textual app     skipped (../shared/bench/tx_app.py is not there)")
            if ours["n"] and bare["n"]:
                ratio = ours["p50"] / bare["p50"]
                print(f"   ratio newsreader / bare      {ratio:.2f}x")
                checks.append(
                    (f"first screen {ratio:.2f}x the bare app <= {TARGETS['ratio']}x", ratio <= TARGETS["ratio"])
                )
            nb = newsboat_figure()
            same = run_newsboat(copy, workdir) if args.newsboat else None
            if same and same["first_screen_s"] and ours["n"]:
                print(
                    f"   newsboat, the same articles {same['first_screen_s']:.1f} s  (1 run; its cache: {same['items']} items "
                    f"filled by -x reload in {same['reload_s']:.0f} s, {same['size'] / 1e6:.0f} MB; VmHWM "
                    f"{same['vmhwm_mb']:.0f} MB): newsreader is {same['first_screen_s'] / ours['p50']:.0f}x faster"
                )
            elif same:
                print(f"   newsboat, the same articles: no first screen within 300 s ({same})")
            if nb and ours["n"]:
                print(
                    f"   newsboat, 100k items        {nb[0]:.1f} s  ({nb[1]}): newsreader is {nb[0] / ours['p50']:.0f}x faster"
                )
            if fs["ours_vm"]:
                session = fs["session_vm"]
                print(
                    f"   peak RSS (VmHWM) at the first screen {statistics.median(fs['ours_vm']):.0f} MB; "
                    f"after opening 5 articles and a search {session:.0f} MB"
                )
                peak = max(max(fs["ours_vm"]), session or 0)
                checks.append((f"peak RSS {peak:.0f} MB <= {TARGETS['rss_mb']:.0f} MB", peak <= TARGETS["rss_mb"]))
            print()
        if not args.skip_in_app:
            store = measure_store(copy, args.tries)
            print("2a. the store alone (no interface), ms per call:")
            print(f"   {'what':52} {'n':>4} {'p50':>8} {'p95':>8} {'max':>8}")
            for name, s in store.items():
                print(f"   {name:52} {s['n']:4d} {s['p50']:8.1f} {s['p95']:8.1f} {s['max']:8.1f}")
            print()
            result = run_in_app_child(copy, args.tries, args.refresh_feeds, workdir)
            print(
                "2b. inside the app (run_test 200x50, a copy of the home), ms from the key to the frame that shows the result:"
            )
            print(f"   {'what':32} {'n':>4} {'p50':>8} {'p95':>8} {'max':>8}")
            for name, s in result["times"].items():
                if not s["n"]:
                    continue
                print(f"   {name:32} {s['n']:4d} {s['p50']:8.1f} {s['p95']:8.1f} {s['max']:8.1f}")
                if name in ("source switch", "open article", "related ready", "search"):
                    checks.append(
                        (f"{name} p95 {s['p95']:.1f} ms <= {TARGETS['p95_ms']:.0f} ms", s["p95"] <= TARGETS["p95_ms"])
                    )
            for note in result["notes"]:
                print(f"   {note}")
            print(
                f"   peak RSS of that app process (ru_maxrss) {result['maxrss_mb']:.0f} MB; the largest of it and the "
                f"processes it started (the refresh and its parse workers) {result['maxrss_with_children_mb']:.0f} MB"
            )
            checks.append(
                (
                    f"peak RSS in use {result['maxrss_mb']:.0f} MB <= {TARGETS['rss_mb']:.0f} MB",
                    result["maxrss_mb"] <= TARGETS["rss_mb"],
                )
            )
            print()
        print("3. targets:")
        for text, ok in checks:
            print(f"   {verdict(ok):7} {text}")
        print(f"\n(benchmark took {time.monotonic() - started:.0f} s; load average now {os.getloadavg()[0]:.2f})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
