#!/usr/bin/env python3
"""How fast newsreader parses feeds, and feedparser beside it when installed.

Generates a deterministic corpus of RSS 2.0 and Atom 1.0 feeds in memory (or
reads one written by ``../shared/bench/gen_feeds.py`` with ``--corpus DIR``),
then parses every feed from bytes, a few passes, and prints items/s, MB/s and
per-feed times. Our figure includes the whole job: XML parsing, HTML to text,
dates, URL checks and sanitizing. feedparser is measured only when it can be
imported (it is not a dependency): ``pip install feedparser`` in a scratch
environment and run this script there to compare.

    python benchmarks/parse_feeds.py                 # 200 feeds x 50 items
    python benchmarks/parse_feeds.py -n 50 -m 20 --passes 1
    python benchmarks/parse_feeds.py --corpus /tmp/corpus-1000x50 --limit 200
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_words import TOPIC_NOUNS, TOWN_NOUNS

from newsreader.parser import parse

_WORDS = [
    *TOWN_NOUNS,
    "recipe",
    *TOPIC_NOUNS,
    "update",
    "security",
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "this",
    "are",
    "or",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "they",
    "you",
    "were",
    "her",
    "she",
    "there",
    "been",
    "one",
    "all",
    "we",
    "their",
    "has",
    "would",
    "when",
    "if",
    "so",
    "no",
    "will",
    "more",
    "about",
]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def _html(rng: random.Random, site: str) -> str:
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        words = _words(rng, rng.randint(40, 120)).split()
        at = rng.randrange(len(words))
        words[at] = f'<a href="https://{site}/ref/{rng.randrange(10**6)}">{words[at]}</a>'
        words[rng.randrange(len(words))] = f"<em>{rng.choice(_WORDS)}</em>"
        paragraphs.append("<p>" + " ".join(words) + ".</p>")
    if rng.random() < 0.3:
        paragraphs.insert(0, f'<p><img src="https://{site}/img/{rng.randrange(10**6)}.jpg" alt="photo"></p>')
    return "\n".join(paragraphs)


def make_feed(index: int, items: int) -> bytes:
    """One feed; feed ``index`` is the same bytes whatever the corpus size."""
    rng = random.Random(f"newsreader-bench:{index}")
    site = f"site{index:05d}.example"
    start = datetime(2026, 5, 1, tzinfo=UTC) - timedelta(minutes=rng.randrange(10**5))
    atom = rng.random() < 0.2
    entries = []
    for i in range(items):
        when = start - timedelta(minutes=37 * i + rng.randrange(30))
        title = escape(_words(rng, rng.randint(6, 12)).capitalize())
        link = f"https://{site}/{when:%Y/%m}/{i:04d}"
        body = _html(rng, site)
        tags = [rng.choice(_WORDS) for _ in range(rng.randint(0, 3))]
        if atom:
            cats = "".join(f'<category term="{t}"/>' for t in tags)
            entries.append(
                f'<entry><title>{title}</title><link href="{link}"/><id>tag:{site},2026:{i}</id>'
                f"<updated>{when.isoformat()}</updated>{cats}"
                f'<content type="html">{escape(body)}</content></entry>'
            )
        else:
            cats = "".join(f"<category>{t}</category>" for t in tags)
            entries.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>{cats}"
                f"<description><![CDATA[{body}]]></description></item>"
            )
    if atom:
        doc = (
            f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>Feed {index}</title><link href="https://{site}/"/><id>https://{site}/</id>'
            f"<updated>{start.isoformat()}</updated>{''.join(entries)}</feed>"
        )
    else:
        doc = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {index}</title><link>https://{site}/</link><description>bench</description>"
            f"{''.join(entries)}</channel></rss>"
        )
    return doc.encode("utf-8")


def load_corpus(directory: Path, limit: int) -> list[tuple[bytes, int]]:
    """Feeds written by gen_feeds.py: ``manifest.json`` lists files and item counts."""
    manifest = json.loads((directory / "manifest.json").read_text())
    feeds = manifest["feeds"][: limit or None]
    return [((directory / f["file"]).read_bytes(), f["items"]) for f in feeds]


def run(name: str, fn, corpus: list[tuple[bytes, int]], passes: int) -> None:
    items = sum(n for _, n in corpus)
    megabytes = sum(len(d) for d, _ in corpus) / 1e6
    walls, cpus, per_feed, mismatches = [], [], [], 0
    for _ in range(passes):
        gc.collect()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for data, expected in corpus:
            t = time.perf_counter()
            got = fn(data)
            per_feed.append(time.perf_counter() - t)
            mismatches += got != expected
        walls.append(time.perf_counter() - wall0)
        cpus.append(time.process_time() - cpu0)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    per_feed.sort()
    print(
        f"{name:<22} {len(corpus):>6} feeds {items:>8} items {megabytes:7.1f} MB | "
        f"wall {wall:7.3f} s  cpu {cpu:7.3f} s | {items / wall:>9,.0f} items/s "
        f"({items / cpu:,.0f}/s cpu) {megabytes / wall:6.1f} MB/s | per feed median "
        f"{statistics.median(per_feed) * 1e3:.2f} ms p90 {per_feed[int(len(per_feed) * 0.9)] * 1e3:.2f} ms"
        + (f" | {mismatches} item-count mismatches" if mismatches else "")
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--feeds", type=int, default=200, help="feeds to generate (default 200)")
    ap.add_argument("-m", "--items", type=int, default=50, help="items per generated feed (default 50)")
    ap.add_argument("--corpus", type=Path, help="read a gen_feeds.py corpus instead of generating")
    ap.add_argument("--limit", type=int, default=0, help="with --corpus: only the first N feeds")
    ap.add_argument("--passes", type=int, default=2)
    args = ap.parse_args()

    if args.corpus:
        corpus = load_corpus(args.corpus, args.limit)
    else:
        corpus = [(make_feed(i, args.items), args.items) for i in range(args.feeds)]
    print(f"python {sys.version.split()[0]}; median of {args.passes} passes")

    run("newsreader", lambda data: len(parse(data).articles), corpus, args.passes)
    try:
        import feedparser  # type: ignore[import-not-found]
    except ImportError:
        print("feedparser             not installed: skipped")
    else:
        # Always from a file object: given bytes or str, feedparser may open
        # a path or fetch a URL (SECURITY.md, trap 4).
        run(
            f"feedparser {feedparser.__version__}",
            lambda data: len(feedparser.parse(io.BytesIO(data)).entries),
            corpus,
            args.passes,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
