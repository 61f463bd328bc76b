#!/usr/bin/env python3
"""Instructions per article of the parse worker's Python work, counted by
callgrind: a figure the load of a shared machine does not move.

Runs ``parse`` and ``prepare_article`` over feeds twice under
``valgrind --tool=callgrind``: once with no pass (imports and set-up only)
and once with ``--passes`` passes; the difference over the articles parsed
is the work per article. Times on a loaded machine move by 10 % and more
between identical runs; instruction counts move by well under 1 %.

    python benchmarks/parse_instructions.py                       # 10 generated feeds x 50
    python benchmarks/parse_instructions.py --shared              # the shared real feeds
    python benchmarks/parse_instructions.py --code ../wt-base     # another checkout's code

Needs valgrind; the generated corpus comes from ``../shared/bench/gen_feeds.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}


def feeds(corpus: Path, shared: bool) -> list[bytes]:
    if shared:
        found = sorted((SHARED / "corpus" / "feeds").rglob("*"))
        return [p.read_bytes() for p in found if p.suffix in FEED_SUFFIXES and "expected" not in p.parts]
    return [p.read_bytes() for p in sorted(corpus.glob("f*.xml"))]


def work(code: Path, documents: list[bytes], passes: int) -> int:
    """Parse and prepare every article ``passes`` times; the articles done."""
    sys.path.insert(0, str(code))
    from newsreader.parser import ParseError, parse
    from newsreader.stories.signature import prepare_article

    done = 0
    for _ in range(passes):
        for data in documents:
            try:
                articles = parse(data).articles
            except ParseError:
                continue
            for article in articles:
                prepare_article(article)
            done += len(articles)
    return done


def instructions(args: argparse.Namespace, corpus: Path, passes: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    command += ["--child", str(passes), "--code", str(args.code), "--corpus", str(corpus)]
    command += ["--shared"] if args.shared else []
    out = subprocess.run(command, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise SystemExit(f"no count from callgrind: {out.stderr[-300:]}")
    return int(found.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=10, help="generated feeds (x 50 items)")
    ap.add_argument("--shared", action="store_true", help="the shared real feeds instead")
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--code", type=Path, default=REPO, help="the checkout whose code runs")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)  # passes, inside callgrind
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        documents = feeds(args.corpus, args.shared)
        work(args.code, documents[:2], 1)  # imports and first-use set-up, counted in both runs
        print(work(args.code, documents, args.child))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp)
        if not args.shared:
            command = [sys.executable, str(SHARED / "bench" / "gen_feeds.py"), "--out", tmp, "-n", str(args.feeds)]
            subprocess.run([*command, "-m", "50"], check=True, capture_output=True)
        articles = work(REPO, feeds(corpus, args.shared), 1)  # how many, counted outside callgrind
        base, full = instructions(args, corpus, 0), instructions(args, corpus, args.passes)
    per = (full - base) / max(1, articles * args.passes)
    print(f"{args.code}: {per:,.0f} instructions per article (parse + prepare_article, {articles} articles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
