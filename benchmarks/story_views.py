#!/usr/bin/env python3
"""What the Briefing and the compare view (issue 14, items 4 and 5) cost on a big cache.

Times :func:`newsreader.store.briefing_rows` (the Briefing's query and
ranking) for several spans ending at the newest story, and
:func:`newsreader.stories.compare.compare` (sentence alignment) on the
two first versions of the biggest stories; prints p50/max in milliseconds.

    python benchmarks/story_views.py --home /tmp/nr-100k-copy

The home is one made by ``benchmarks/gen_cache.py``; use a copy (opening
the cache adds the state table the briefing keeps its openings in).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean
from newsreader.store import Cache, briefing_rows, list_stories
from newsreader.stories.compare import compare


def _ms(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples) * 1000:7.1f} ms   max {max(samples) * 1000:7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a copy of a home made by benchmarks/gen_cache.py")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pairs", type=int, default=30, help="stories whose first two versions are compared")
    args = parser.parse_args(argv)
    paths = Paths.under(args.home)
    cache = Cache(paths.cache_db, paths.state_db)
    stories = list_stories(cache)
    articles = cache.connection().execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"{articles} articles, {len(stories)} stories of two outlets or more")
    newest = max((s.last_ts for s in stories), default=int(time.time()))
    for label, span in (("12 hours", 12 * 3600), ("3 days", 3 * 86400), ("everything", newest)):
        samples, count = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            count = len(briefing_rows(cache, newest - span, now=newest, limit=200))
            samples.append(time.perf_counter() - start)
        print(f"briefing, {label:>10}: {count:4d} rows   {_ms(samples)}")
    biggest = sorted(stories, key=lambda s: -s.article_count)[: args.pairs]
    samples, sentences = [], 0
    for story in biggest:
        left, right = (cache.article(m.id) for m in story.members[:2])
        if left is None or right is None:
            continue
        start = time.perf_counter()
        result = compare(clean(left.body), clean(right.body))
        samples.append(time.perf_counter() - start)
        sentences = max(sentences, len(result.left) + len(result.right))
    if samples:
        print(f"compare, {len(samples)} pairs (up to {sentences} sentences a pair): {_ms(samples)}")
    long_body = "\n".join(
        f"Sentence {i} about the bridge, the barge and the council's {i % 97} engineers." for i in range(3000)
    )
    start = time.perf_counter()
    compare(long_body, long_body)
    print(f"compare, two 3,000-sentence bodies: {(time.perf_counter() - start) * 1000:.0f} ms")
    cache.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
