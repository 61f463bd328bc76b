#!/usr/bin/env python3
"""How fast the search language runs on a 100,000-article cache.

Builds (once, then reuses) a cache of generated articles — 1,200 sources,
English-like text with a Zipf word distribution, 1–3 section tags per
article, 120 days of dates, ~60 % read — through the real schema (the
full-text index filled as the cache fills its own), then times :func:`newsreader.store.searching.search_articles`
for several query shapes, each over many different words of the same
frequency band, and prints p50/p95/max in milliseconds per shape.

    python benchmarks/search_bench.py                    # 100k articles, 40 queries per shape
    python benchmarks/search_bench.py --articles 20000 --runs 20
    python benchmarks/search_bench.py --db /tmp/x.sqlite3 --fresh

The generated cache is kept (default: the system temp dir) so a second run
measures search only. Rows are inserted with SQL, not ``import_document``,
because story clustering is not what is measured here.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_corpus import NOW, TAGS, generate

from newsreader.search.language import parse_query
from newsreader.store.cache import Cache
from newsreader.store.searching import count_articles, search_articles


def band(conn, low: int, high: int, count: int, rng: random.Random) -> list[str]:
    """``count`` words that occur in between ``low`` and ``high`` articles."""
    rows = [
        r[0]
        for r in conn.execute(
            "SELECT term FROM articles_vocab WHERE doc BETWEEN ? AND ? AND length(term) > 3", (low, high)
        )
    ]
    rng.shuffle(rows)
    return rows[:count] or ["harbour"]


def shapes(conn, runs: int, bookmarks: list[str]) -> dict[str, list[str]]:
    """Query texts per shape, each built from different words."""
    rng = random.Random(11)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    everywhere = band(conn, total // 2, total, runs, rng)  # in half the articles or more
    common = band(conn, total // 10, total // 2, runs, rng)  # in 10-50 %
    middle = band(conn, total // 200, total // 50, runs * 2, rng)  # 0.5–2 %
    rare = band(conn, 2, 40, runs, rng)
    names = [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY random() LIMIT ?", (runs,))]
    tags = TAGS
    pick = lambda seq, i: seq[i % len(seq)]  # noqa: E731
    return {
        "one word in 50 %+": [pick(everywhere, i) for i in range(runs)],
        "one common word (10-50 %)": [pick(common, i) for i in range(runs)],
        "one mid word": [pick(middle, i) for i in range(runs)],
        "one rare word": [pick(rare, i) for i in range(runs)],
        "two mid words": [f"{pick(middle, 2 * i)} {pick(middle, 2 * i + 1)}" for i in range(runs)],
        '"phrase" of two': [f'"{pick(common, i)} {pick(common, i + 1)}"' for i in range(runs)],
        "prefix (3 letters)*": [pick(middle, i)[:3] + "*" for i in range(runs)],
        "prefix (4 letters)*": [pick(middle, i)[:4] + "*" for i in range(runs)],
        "common word + source:": [f'{pick(common, i)} source:"{pick(names, i)}"' for i in range(runs)],
        "mid word + is:unread after:7d": [f"{pick(middle, i)} is:unread after:7d" for i in range(runs)],
        "common word -mid word": [f"{pick(common, i)} -{pick(middle, i)}" for i in range(runs)],
        "common word + tag:": [f"{pick(common, i)} tag:{pick(tags, i)}" for i in range(runs)],
        "source: is:unread (no words)": [f'source:"{pick(names, i)}" is:unread' for i in range(runs)],
        "tag: (no words)": [f"tag:{pick(tags, i)}" for i in range(runs)],
        "tag: that no article has": [f"tag:nosuchtag{i}" for i in range(runs)],
        "is:unread after:yesterday": ["is:unread after:yesterday" for _ in range(runs)],
        "is:bookmarked (500) + mid word": [f"is:bookmarked {pick(middle, i)}" for i in range(runs)],
        "before: date (no words)": [f"before:{(NOW - timedelta(days=30 + i)).date()}" for i in range(runs)],
    }


def measure(cache: Cache, texts: list[str], bookmarks: list[str], limit: int, repeat: int) -> tuple[list[float], int]:
    """Milliseconds per query text (parse + search), the best of ``repeat``
    runs so that other processes on a shared machine add less noise."""
    times: list[float] = []
    found = 0
    for text in texts:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            rows = search_articles(cache, parse_query(text), bookmarked_keys=bookmarks, limit=limit, now=NOW)
            best = min(best, (time.perf_counter() - started) * 1000)
        times.append(best)
        found += len(rows)
    return times, found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _remove(db: Path) -> None:
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=1_200)
    parser.add_argument("--runs", type=int, default=40, help="queries per shape (different words)")
    parser.add_argument("--limit", type=int, default=200, help="page size, as the app asks")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the best counts")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--fresh", action="store_true", help="generate the cache again")
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"newsreader-search-bench-{args.articles}x{args.sources}.sqlite3"
    if args.fresh or not db.exists():
        _remove(db)
        generate(db, args.articles, args.sources)
    cache = Cache(db, db.with_name(db.stem + "-state.sqlite3"))
    conn = cache.connection()
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    size = db.stat().st_size
    bookmarks = [r[0] for r in conn.execute("SELECT key FROM articles ORDER BY random() LIMIT 500")]
    print(f"cache: {total:,} articles, {size / 1e6:.0f} MB ({size / max(total, 1):,.0f} B/article), {db}")
    print(
        f"page size {args.limit}; {args.runs} different queries per shape, each the best of {args.repeat} runs;"
        " page cache warm\n"
    )
    plan = shapes(conn, args.runs, bookmarks)
    for texts in plan.values():  # warm the page cache as a running app would have it
        measure(cache, texts[:3], bookmarks, args.limit, 1)
    print(f"{'shape':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'rows/q':>7}")
    worst = 0.0
    for name, texts in plan.items():
        times, found = measure(cache, texts, bookmarks, args.limit, args.repeat)
        p95 = percentile(times, 0.95)
        worst = max(worst, p95)
        print(f"{name:34} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f} {found / len(texts):7.0f}")
    print("\ncount_articles (a saved search's count), best of each query:")
    for name in (
        "one mid word",
        "one common word (10-50 %)",
        "source: is:unread (no words)",
        "is:unread after:yesterday",
    ):
        times = []
        for text in plan[name]:
            query = parse_query(text)
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                count_articles(cache, query, bookmarked_keys=bookmarks, now=NOW)
                best = min(best, (time.perf_counter() - started) * 1000)
            times.append(best)
        print(f"  {name:32} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f}")
    started = time.perf_counter()
    count_articles(cache, parse_query("is:unread"), now=NOW)
    print(f"  {'is:unread (every unread article)':32} {(time.perf_counter() - started) * 1000:8.1f}")
    print(f"worst p95 over all shapes: {worst:.1f} ms (target 50 ms)")
    cache.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
