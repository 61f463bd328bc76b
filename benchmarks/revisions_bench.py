#!/usr/bin/env python3
"""What keeping revisions costs: storing feeds seen again, and the headline lists.

Revisions add a hook to the path every article a refresh sees again goes
through (the stored title and body compared with the feed's) and a column
(``articles.revised``) to every headline query. This benchmark runs the same
work on two checkouts, this one and another (``--against``, the main
branch by default), each in its own child process, alternating, and prints
the medians and the ratio of each step:

- ``first``: F generated feeds of N items stored into an empty cache;
- ``again``: the same feeds stored again, unchanged (each article merged);
- ``changed``: stored again with one article in 20 given a new title and body
  (on this branch those keep a revision);
- ``headlines``: the All list's first page (200 rows), and ``search``: a
  ranked search of a common word (200 rows), each the median of many runs.

The text is invented from a small vocabulary (deterministic for a seed);
nothing from ../shared is used.

    python benchmarks/revisions_bench.py                     # 40 feeds x 50 items, 3 rounds
    python benchmarks/revisions_bench.py --feeds 100 --rounds 5 --against /work/main
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

WORDS = [
    "harbour",
    "council",
    "ferry",
    "pilots",
    "union",
    "quay",
    "storm",
    "tide",
    "survey",
    "budget",
    "minister",
    "dredging",
    "contract",
    "lighthouse",
    "timetable",
    "grant",
    "rail",
    "valley",
    "bridge",
    "winter",
    "fares",
    "mooring",
    "cargo",
    "strike",
    "talks",
    "vote",
    "report",
    "river",
    "flood",
    "school",
    "hospital",
    "market",
    "fishing",
    "coast",
    "weather",
    "road",
    "repairs",
    "port",
    "mayor",
]


def corpus(feeds: int, items: int, seed: int, changed_every: int = 0) -> list[dict]:
    """Feed documents as plain data; with ``changed_every``, every n-th item gets a new title and body."""
    rng = random.Random(seed)
    docs = []
    for f in range(feeds):
        articles = []
        for i in range(items):
            title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            body = "\n".join(" ".join(rng.choice(WORDS) for _ in range(40)) + "." for _ in range(4))
            if changed_every and (f * items + i) % changed_every == 0:
                title, body = title + " (corrected)", body.replace(".", ", the council said.", 1)
            articles.append({"title": title, "body": body, "url": f"https://feed{f}.test/a/{i}"})
        docs.append({"url": f"https://feed{f}.test/rss", "articles": articles})
    return docs


def child(tree: Path, feeds: int, items: int, seed: int) -> dict[str, float]:
    sys.path.insert(0, str(tree))
    from newsreader.core.models import Article, ParsedDocument
    from newsreader.store import Cache

    def documents(changed_every: int = 0) -> list[ParsedDocument]:
        return [
            ParsedDocument(format="rss", feed_url=d["url"], articles=[Article(**a) for a in d["articles"]])
            for d in corpus(feeds, items, seed, changed_every)
        ]

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        cache = Cache(Path(folder) / "cache.sqlite3", Path(folder) / "state.sqlite3")
        now = 1_800_000_000
        for step, docs in (("first", documents()), ("again", documents()), ("changed", documents(20))):
            start = time.perf_counter()
            for doc in docs:
                cache.import_document(doc, now=now)
            out[step] = time.perf_counter() - start
            now += 3600
        for name, run, times in (
            ("headlines", lambda: cache.headlines(limit=200), 60),
            ("search", lambda: cache.search("harbour", limit=200), 20),
        ):
            samples = []
            for _ in range(times):
                start = time.perf_counter()
                run()
                samples.append(time.perf_counter() - start)
            out[name] = statistics.median(samples)
        cache.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, default=REPO.parent / "main", help="the other checkout")
    parser.add_argument("--feeds", type=int, default=40)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.feeds, args.items, args.seed)))
        return
    trees = {"this": REPO, "other": args.against.resolve()}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for round_number in range(args.rounds):
        # Each checkout goes first in every other round: the first of a pair may run on a colder machine.
        order = list(trees.items())[:: 1 if round_number % 2 == 0 else -1]
        for name, tree in order:
            command = [sys.executable, __file__, "--child", str(tree), "--feeds", str(args.feeds)]
            command += ["--items", str(args.items), "--seed", str(args.seed)]
            done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tree)
            results[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{args.feeds} feeds x {args.items} items, {args.rounds} rounds; this: {REPO}, other: {trees['other']}")
    print(f"{'step':<10} {'this':>10} {'other':>10} {'this/other':>11}")
    for step in results["this"][0]:
        mine = statistics.median(r[step] for r in results["this"])
        theirs = statistics.median(r[step] for r in results["other"])
        unit, scale = ("ms", 1e3)
        print(f"{step:<10} {mine * scale:>8.1f}{unit} {theirs * scale:>8.1f}{unit} {mine / theirs:>11.2f}")


if __name__ == "__main__":
    main()
