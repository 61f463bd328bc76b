#!/usr/bin/env python3
"""Refresh 200 and 1,000 feeds x 50 items with newsreader and with newsboat, in one run.

Uses the peer harness in ``../shared/bench/`` in place (``gen_feeds.py`` for
the corpus, ``serve.py`` for a local HTTP server with ETag, Last-Modified and
a per-request latency); skips with a message when it is absent. Everything
it writes goes under ``benchmarks/work/`` (git-ignored).

Every feed is served from a loopback host of its own (127.0.x.y, as
``gen_feeds.py --spread-hosts`` gives them; the server listens on 0.0.0.0):
real feeds live on many servers, so per-host limits do not serialise them.
``--one-host`` puts them all on 127.0.0.1 again.

For each size, phases, each one whole process, timed from spawn to reap:

* **fresh**: empty cache, every feed downloaded, parsed and stored.
* **all 304**: the same feeds again, unchanged; every request is
  conditional and the server answers 304 (its counters are checked).
  newsboat 2.21 forgets the validators it got while filling an empty cache
  (see RESULTS.md in the harness), so, as the harness does, its 304 phase is
  its *third* reload; its second one re-downloads everything and is shown as
  an extra row ("2nd reload").

Measured per run: wall time, CPU time (user+sys of the process and of the
children it waited for) and peak RSS (``ru_maxrss`` from ``os.wait4``, what
``/usr/bin/time -v`` calls "Maximum resident set size": for a program with
worker processes this is the largest single process). Because newsreader
parses in worker processes, the summed PSS of the whole process tree is
also sampled every 0.1 s ("tree PSS": each process's private pages plus its
share of the pages it shares with the others, so forked workers are not
counted twice); the memory target is judged on the larger of the two.

Settings: newsboat gets ``reload-threads 8`` (the harness's setting);
newsreader its defaults. With ``--one-host`` newsreader gets ``[fetch]
per_host = 16`` (set in config.toml as a user would), or the default of 4
per host would make it a 4-connection benchmark.

    python benchmarks/refresh_vs_newsboat.py                  # 200 and 1000 x 50, ~8 min
    python benchmarks/refresh_vs_newsboat.py --feeds 200      # quick
    python benchmarks/refresh_vs_newsboat.py --skip-newsboat  # newsreader only
    python benchmarks/refresh_vs_newsboat.py --base ../wt-base  # and that checkout's, same run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.refresh_measure import Run, Server, corpus_urls, measure, spread, warm_server

DEFAULT_BENCH = REPO.parent / "shared" / "bench"
DEFAULT_WORK = REPO / "benchmarks" / "work"

#: Wall time targets, newsreader / newsboat, by (feeds, phase) (issue 16).
TARGETS = {(200, "fresh"): 0.5, (1000, "fresh"): 0.35, (1000, "304"): 0.10, (200, "304"): 0.10}

#: newsboat 2.21 figures from the harness's RESULTS.md (8 threads, 50 ms
#: latency): (wall s, cpu s, peak RSS MiB) by (feeds, phase). Printed only
#: with --skip-newsboat, and labelled as not from this run.
REFERENCE = {
    (1000, "fresh"): (31.87, 32.71, 84.0),
    (1000, "304"): (43.55, 37.33, 78.0),  # mean of 41.40 and 45.69 s; cpu 35.19 and 39.46
    (200, "fresh"): (3.87, 3.80, 38.0),
    (200, "304"): (3.04, 1.80, 32.0),
}


def write_newsreader_config(home: Path, urls: list[str], per_host: int | None, concurrency: int | None) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[fetch]"]
    if per_host:
        lines.append(f"per_host = {per_host}")
    if concurrency:
        lines.append(f"concurrency = {concurrency}")
    lines.append("")
    for url in urls:
        lines += ["[[feed]]", f'url = "{url}"', ""]
    config.write_text("\n".join(lines))


def reset_newsreader(home: Path) -> None:
    for folder in ("cache", "data"):
        shutil.rmtree(home / folder, ignore_errors=True)


def newsreader_articles(home: Path) -> int:
    db = home / "cache" / "cache.sqlite3"
    if not db.exists():
        return -1
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def run_phase(
    server: Server,
    program: str,
    phase: str,
    cmd: list[str],
    expect: tuple[str, int],
    *,
    env=None,
    log: Path | None = None,
) -> Run:
    server.control("/__reset")
    load = os.getloadavg()[0]
    run = measure(program, phase, cmd, env=env, log=log)
    run.load = load
    run.server = server.stats()
    code, count = expect
    if run.server.get(code, 0) != count or run.rc not in (0,):
        run.note = f"expected {count}x{code}, server saw {run.server}, exit code {run.rc}"
    print(
        f"  {program} {phase:12s} wall {run.wall:7.2f} s  cpu {run.cpu:7.2f} s  "
        f"peak RSS {run.maxrss_mib:6.1f} MiB (tree PSS {run.tree_pss_mib:6.1f})  load {load:.2f}  server {run.server}"
        + (f"  WARNING {run.note}" if run.note else ""),
        flush=True,
    )
    return run


def bench_newsreader(
    server: Server, work: Path, urls: list[str], args, *, code: Path = REPO, program: str = "newsreader"
) -> list[Run]:
    """Fresh and all-304 refreshes by the newsreader in ``code`` (this checkout, or ``--base``)."""
    home = work / "nr-home"
    reset_newsreader(home)
    write_newsreader_config(home, urls, args.per_host, args.concurrency)
    env = {**os.environ, "NEWSREADER_HOME": str(home), "PYTHONPATH": str(code)}
    # PYTHONDONTWRITEBYTECODE off: bytecode is cached as an installed newsreader has it
    # (compiling every module costs a refresh 0.1-0.7 s of start-up)
    for name in ("NEWSREADER_CONFIG_DIR", "NEWSREADER_DATA_DIR", "NEWSREADER_CACHE_DIR", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    cmd = [sys.executable, "-P", "-m", "newsreader", "refresh"]  # -P: never a newsreader in the working folder
    log = work / "newsreader.log"
    log.unlink(missing_ok=True)
    n = len(urls)
    fresh = run_phase(server, program, "fresh", cmd, ("200", n), env=env, log=log)
    stored = newsreader_articles(home)
    if stored != n * args.items:
        fresh.note += f" cache holds {stored} articles, expected {n * args.items}"
        print(f"  WARNING: newsreader stored {stored} articles, expected {n * args.items}", flush=True)
    again = run_phase(server, program, "304", cmd, ("304", n), env=env, log=log)
    if not args.keep:
        reset_newsreader(home)  # 270 MB at 1000 feeds
    return [fresh, again]


#: ``newsreader refresh`` with story clustering (the ``assign_stories`` call in
#: ``DocumentImport.import_document``) replaced by a no-op: what the rest of the
#: pipeline costs. A diagnostic only, never the figure compared with newsboat.
WITHOUT_CLUSTERING = """
import sys
import newsreader.store.ingest as importing
if not hasattr(importing, "assign_stories"):
    sys.exit("the diagnostic expects newsreader.store.ingest.assign_stories; it is gone")
importing.assign_stories = lambda *args, **kwargs: []
from newsreader.cli.main import main
sys.exit(main(["refresh"]))
"""


def bench_without_clustering(server: Server, work: Path, urls: list[str], args) -> list[Run]:
    home = work / "nr-home-diagnostic"
    reset_newsreader(home)
    write_newsreader_config(home, urls, args.per_host, args.concurrency)
    env = {**os.environ, "NEWSREADER_HOME": str(home), "PYTHONPATH": str(REPO)}
    # PYTHONDONTWRITEBYTECODE off: bytecode is cached as an installed newsreader has it
    # (compiling every module costs a refresh 0.1-0.7 s of start-up)
    for name in ("NEWSREADER_CONFIG_DIR", "NEWSREADER_DATA_DIR", "NEWSREADER_CACHE_DIR", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    log = work / "newsreader-diagnostic.log"
    log.unlink(missing_ok=True)
    run = run_phase(
        server,
        "newsreader, clustering off (diagnostic)",
        "fresh",
        [sys.executable, "-c", WITHOUT_CLUSTERING],
        ("200", len(urls)),
        env=env,
        log=log,
    )
    shutil.rmtree(home / "cache", ignore_errors=True)  # 250 MB at 1000 feeds
    return [run]


def bench_newsboat(server: Server, work: Path, urls: list[str], args) -> list[Run]:
    newsboat = shutil.which("newsboat")
    if newsboat is None:
        raise SystemExit("newsboat is not installed (apt-get install -y newsboat), or use --skip-newsboat")
    url_file = work / "newsboat.urls"
    url_file.write_text("\n".join(urls) + "\n")
    conf = work / "newsboat.conf"
    conf.write_text("reload-threads 8\n")
    db = work / "newsboat-cache.db"
    for suffix in ("", "-journal", ".lock"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    cmd = [newsboat, "-u", str(url_file), "-c", str(db), "-C", str(conf), "-x", "reload"]
    log = work / "newsboat.log"
    log.unlink(missing_ok=True)
    n = len(urls)
    fresh = run_phase(server, "newsboat", "fresh", cmd, ("200", n), log=log)
    second = run_phase(server, "newsboat", "2nd reload", cmd, ("200", n), log=log)
    again = run_phase(server, "newsboat", "304", cmd, ("304", n), log=log)
    if not args.keep:
        for suffix in ("", "-journal", ".lock"):
            Path(str(db) + suffix).unlink(missing_ok=True)  # 114 MB at 1000 feeds
    return [fresh, second, again]


# ------------------------------------------------------------ the table


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "-"


def print_table(runs: list[Run], reference: dict | None, feeds: int, items: int, latency: float) -> list[str]:
    """The runs of one size and their ratios; returns the ratio rows for the summary."""
    print()
    print(f"## Refresh of {feeds} feeds x {items} items, {latency:g} ms latency per request")
    print()
    print("| program | phase | wall s | cpu s | peak RSS MiB | tree PSS MiB | load before | server saw |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        saw = ", ".join(f"{v}x{k}" for k, v in sorted(r.server.items()))
        print(
            f"| {r.program} | {r.phase} | {r.wall:.2f} | {r.cpu:.2f} | {r.maxrss_mib:.1f} | {r.tree_pss_mib:.1f} | "
            f"{r.load:.2f} | {saw}" + (f" ({r.note.strip()})" if r.note else "") + " |"
        )
    if reference is not None:
        for phase in ("fresh", "304"):
            wall, cpu, rss = reference[phase]
            print(
                f"| newsboat 2.21 (RESULTS.md, NOT this run) | {phase} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | - | - | - |"
            )
    print()
    mine = {r.phase: r for r in runs if r.program == "newsreader"}
    theirs = {r.phase: r for r in runs if r.program == "newsboat"}
    label = "from this run" if reference is None else "against RESULTS.md figures, NOT from this run"
    print(f"Ratios newsreader / newsboat ({label}); memory is the larger of peak RSS and tree PSS:")
    print()
    header = "| feeds | phase | wall | cpu | memory | wall target | memory target | met |"
    print(header)
    print("|---|---|---|---|---|---|---|---|")
    rows: list[str] = []
    for phase in ("fresh", "304"):
        if phase not in mine:
            continue
        a = mine[phase]
        if reference is not None:
            wall, cpu, rss = reference[phase]
        elif phase in theirs:
            b = theirs[phase]
            wall, cpu, rss = b.wall, b.cpu, b.memory
        else:
            continue
        target = TARGETS.get((feeds, phase), TARGETS[(1000, phase)])
        met_wall = a.wall <= target * wall
        met_mem = a.memory <= rss
        verdict = "yes" if met_wall and met_mem else ("wall only" if met_wall else ("memory only" if met_mem else "no"))
        broken = [r for r in (a, theirs.get(phase)) if r is not None and r.note]
        if broken:
            verdict = "INVALID: " + "; ".join(f"{r.program} {r.note.strip()}" for r in broken)
        row = (
            f"| {feeds} | {phase} | {_ratio(a.wall, wall)} | {_ratio(a.cpu, cpu)} | {_ratio(a.memory, rss)} | "
            f"<= {target} | <= 1 | {verdict} |"
        )
        print(row)
        rows.append(row)
    print()
    diagnostic = [r for r in runs if "diagnostic" in r.program]
    base = reference["fresh"][0] if reference is not None else (theirs["fresh"].wall if "fresh" in theirs else 0)
    for r in diagnostic:
        print(
            f"Diagnostic, not the product: fresh with story clustering off took {r.wall:.2f} s "
            f"(cpu {r.cpu:.2f} s), {_ratio(r.wall, base)} of newsboat's fresh wall time."
        )
    if diagnostic:
        print()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", default="200,1000", help="sizes to run, one after the other (default 200,1000)")
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--one-host", action="store_true", help="every feed on 127.0.0.1 (default: a host each)")
    ap.add_argument(
        "--per-host", type=int, default=None, help="[fetch] per_host (default: newsreader's; 16 with --one-host)"
    )
    ap.add_argument("--concurrency", type=int, default=None, help="[fetch] concurrency (default: newsreader's, 16)")
    ap.add_argument("--skip-newsboat", action="store_true", help="print RESULTS.md figures instead (not this run)")
    ap.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help="the peer harness (../shared/bench)")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    ap.add_argument("--json", type=Path, help="also write the runs as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the caches in benchmarks/work/refresh afterwards")
    ap.add_argument(
        "--base",
        type=Path,
        help="also another checkout's newsreader, just before this one's (rows 'newsreader --base'; no ratios)",
    )
    ap.add_argument(
        "--diagnose-clustering",
        action="store_true",
        help="also a fresh refresh with story clustering off (a labelled diagnostic, not compared)",
    )
    args = ap.parse_args()
    sizes = [int(n) for n in str(args.feeds).split(",") if n.strip()]
    if args.per_host is None and args.one_host:
        args.per_host = 16

    bench = args.bench_dir
    if not (bench / "serve.py").exists() or not (bench / "gen_feeds.py").exists():
        print(f"skipped: the peer harness is not at {bench} (needs serve.py and gen_feeds.py)")
        return 0
    check = subprocess.run(
        [sys.executable, "-c", "import newsreader.feeds.refresh"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    if check.returncode != 0:
        last = (check.stderr.strip().splitlines() or ["?"])[-1]
        print(
            f"{sys.executable} cannot run newsreader ({last}); run this script with the project's Python, "
            "e.g. venv/bin/python benchmarks/refresh_vs_newsboat.py"
        )
        return 2
    work = args.work / "refresh"
    work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / "corpus" / f"{max(*sizes, 1000)}x{args.items}"
    server = Server(bench, corpus.parent, work, args.latency_ms, bind="127.0.0.1" if args.one_host else "0.0.0.0")
    everything: list[Run] = []
    summary: list[str] = []
    try:
        every_url = corpus_urls(bench, corpus, max(sizes), args.items, server.base)
        if not args.one_host:
            every_url = spread(every_url)
        warm_server(server, every_url)
        for feeds in sizes:
            urls = every_url[:feeds]
            reference = None
            if args.skip_newsboat and (feeds, "fresh") in REFERENCE and args.items == 50 and args.latency_ms == 50:
                reference = {phase: REFERENCE[(feeds, phase)] for phase in ("fresh", "304")}
            elif args.skip_newsboat:
                print(f"note: RESULTS.md has no newsboat figures for {feeds} x {args.items} at this latency")
            server.control(f"/__set?latency_ms={args.latency_ms:g}")
            print(
                f"\nserver on {server.base}, {len(urls)} feeds on "
                + ("127.0.0.1" if args.one_host else f"{len(urls)} loopback hosts")
                + f", latency {args.latency_ms:g} ms; newsreader [fetch] "
                + (f"per_host = {args.per_host}" if args.per_host else "defaults")
                + (f", concurrency = {args.concurrency}" if args.concurrency else "")
                + "; newsboat reload-threads 8",
                flush=True,
            )
            runs = []
            if args.base is not None:
                runs += bench_newsreader(
                    server, work, urls, args, code=args.base.resolve(), program="newsreader --base"
                )
            runs += bench_newsreader(server, work, urls, args)
            if args.diagnose_clustering:
                runs += bench_without_clustering(server, work, urls, args)
            if not args.skip_newsboat:
                runs += bench_newsboat(server, work, urls, args)
            for run in runs:
                run.feeds = feeds
            summary += print_table(runs, reference, len(urls), args.items, args.latency_ms)
            everything += runs
    finally:
        server.stop()
    if len(sizes) > 1 and summary:
        print("## All sizes, newsreader / newsboat from this run (the machine's load is in each table above)")
        print()
        print("| feeds | phase | wall | cpu | memory | wall target | memory target | met |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(summary))
        print()
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ | {"memory": r.memory} for r in everything], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
