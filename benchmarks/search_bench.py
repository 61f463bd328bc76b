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
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsreader.search.language import parse_query
from newsreader.store.cache import Cache
from newsreader.store.searching import count_articles, search_articles

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

# The head of the distribution: words every article is full of.
_COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "was",
    "on",
    "with",
    "as",
    "he",
    "said",
    "by",
    "at",
    "from",
    "his",
    "an",
    "be",
    "have",
    "has",
    "are",
    "but",
    "not",
    "they",
    "this",
    "who",
    "will",
    "which",
    "their",
    "more",
    "been",
    "after",
    "one",
    "would",
    "were",
    "had",
    "its",
    "about",
    "also",
    "two",
    "new",
    "there",
    "when",
    "than",
    "people",
    "over",
    "into",
    "year",
    "first",
    "last",
    "government",
    "minister",
    "police",
    "state",
    "city",
    "week",
    "could",
    "other",
    "some",
    "out",
    "up",
    "all",
    "years",
    "told",
    "time",
    "back",
    "just",
    "over",
    "under",
    "we",
    "her",
    "our",
    "what",
    "only",
    "most",
    "before",
    "while",
    "since",
    "because",
    "would",
    "those",
    "three",
]

# Topical words with a middling frequency: what people actually search for.
_TOPICAL = [
    "harbour",
    "ferry",
    "market",
    "council",
    "river",
    "bridge",
    "orchard",
    "festival",
    "library",
    "museum",
    "season",
    "report",
    "budget",
    "school",
    "hospital",
    "station",
    "harvest",
    "storm",
    "island",
    "valley",
    "mountain",
    "forest",
    "village",
    "railway",
    "airport",
    "court",
    "league",
    "match",
    "concert",
    "gallery",
    "theatre",
    "novel",
    "bakery",
    "garden",
    "kitchen",
    "telescope",
    "comet",
    "planet",
    "rocket",
    "satellite",
    "glacier",
    "volcano",
    "fossil",
    "protein",
    "genome",
    "enzyme",
    "network",
    "server",
    "kernel",
    "browser",
    "compiler",
    "protocol",
    "database",
    "cluster",
    "latency",
    "release",
    "security",
    "election",
    "parliament",
    "senate",
    "treaty",
    "embassy",
    "tariff",
    "inflation",
    "currency",
    "mortgage",
    "pension",
    "strike",
    "union",
    "drought",
    "flood",
    "wildfire",
    "earthquake",
    "cyclone",
    "heatwave",
    "vaccine",
    "clinic",
    "surgeon",
    "nurse",
    "patient",
    "stadium",
    "tournament",
    "final",
    "coach",
    "striker",
    "goalkeeper",
    "marathon",
    "cyclist",
    "regatta",
    "cricket",
    "rugby",
    "orchestra",
    "opera",
    "ballet",
    "poet",
    "painter",
    "sculpture",
    "archive",
    "manuscript",
    "excavation",
    "reef",
    "whale",
    "salmon",
    "forestry",
    "vineyard",
    "wheat",
    "dairy",
    "fishery",
    "shipping",
    "container",
    "pipeline",
    "refinery",
    "turbine",
    "battery",
    "reactor",
    "grid",
    "solar",
    "offshore",
    "tunnel",
    "motorway",
    "tram",
    "bus",
    "cargo",
    "freight",
    "pilot",
]

_PLACES = [
    "Calder",
    "Skerry",
    "Aldmoor",
    "Brackwater",
    "Dunholm",
    "Eastmere",
    "Fallowby",
    "Glenrath",
    "Harrowgate",
    "Inverleigh",
    "Kestrel",
    "Larkspur",
    "Marrow",
    "Northwick",
    "Oakhurst",
    "Pellham",
    "Quarry",
    "Redbourne",
    "Saltmarsh",
    "Thornbury",
    "Umber",
    "Vexley",
    "Westhaven",
    "Yarrow",
    "Zennor",
    "Ashcombe",
    "Birchfield",
    "Coldharbour",
    "Dovecote",
]
_MASTHEADS = [
    "Gazette",
    "Ledger",
    "Herald",
    "Courier",
    "Chronicle",
    "Post",
    "Times",
    "Observer",
    "Mercury",
    "Standard",
    "Sentinel",
    "Tribune",
    "Echo",
    "Record",
    "Journal",
    "Examiner",
    "Guardian",
    "Argus",
    "Bulletin",
    "Dispatch",
]
_TAGS = [
    "world",
    "politics",
    "business",
    "economy",
    "technology",
    "science",
    "health",
    "sport",
    "culture",
    "arts",
    "environment",
    "climate",
    "education",
    "transport",
    "energy",
    "local",
    "opinion",
    "weather",
    "crime",
    "travel",
    "food",
    "music",
    "books",
    "film",
    "media",
    "defence",
    "agriculture",
    "property",
    "finance",
    "markets",
    "space",
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ber",
    "dan",
    "fel",
    "gor",
    "hal",
    "ion",
    "jun",
    "kel",
    "mor",
    "nis",
    "pra",
    "quo",
    "res",
    "sul",
    "tor",
    "vin",
    "wel",
]


def build_vocabulary(rng: random.Random, rare: int = 30000) -> tuple[list[str], list[float]]:
    """Words and cumulative Zipf weights: common words first, then topical,
    place names, then a long tail of invented rare words."""
    words = list(dict.fromkeys(_COMMON + _TOPICAL + [p.lower() for p in _PLACES]))
    seen = set(words)
    while len(words) < len(_COMMON) + len(_TOPICAL) + rare:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    cumulative, total = [], 0.0
    for rank, _word in enumerate(words, start=1):
        total += 1.0 / rank**1.05
        cumulative.append(total)
    return words, cumulative


def sentence(rng: random.Random, words: list[str], cumulative: list[float], low: int, high: int) -> str:
    picked = rng.choices(words, cum_weights=cumulative, k=rng.randint(low, high))
    return " ".join(picked).capitalize() + "."


def generate(db: Path, articles: int, sources: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    words, cumulative = build_vocabulary(rng)
    cache = Cache(db, db.with_name(db.stem + "-state.sqlite3"))
    conn = cache.connection()
    started = time.perf_counter()
    with cache.write():
        source_rows = []
        for i in range(sources):
            name = f"{_PLACES[i % len(_PLACES)]} {_MASTHEADS[(i // len(_PLACES)) % len(_MASTHEADS)]}"
            if i >= len(_PLACES) * len(_MASTHEADS):
                name += f" {i}"
            source_rows.append((i + 1, f"feed:https://src{i}.example/rss", name, "feed", f"https://src{i}.example/rss"))
        conn.executemany("INSERT INTO sources(id, key, name, kind, feed_url) VALUES (?,?,?,?,?)", source_rows)
        source_tags = {i + 1: rng.sample(_TAGS, 3) for i in range(sources)}
        now_ts = int(NOW.timestamp())
        span = 120 * 86400
        # Most sources were subscribed at the start; the rest later, each
        # bringing a backlog of older items when it was added.
        subscribed = {
            i + 1: now_ts - span if rng.random() < 0.6 else now_ts - int(rng.random() * span) for i in range(sources)
        }
        pending = []
        for n in range(articles):
            source_id = rng.randint(1, sources)
            ts = None if rng.random() < 0.03 else now_ts - int(rng.random() ** 1.5 * span)
            arrived = max(ts or now_ts - int(rng.random() * span), subscribed[source_id]) + rng.randint(0, 7200)
            pending.append((arrived, n, ts, source_id))
        pending.sort()  # ids grow in order of arrival, as in a real cache
        batch = []
        for n, (arrived, _order, ts, source_id) in enumerate(pending, start=1):
            title = sentence(rng, words, cumulative, 6, 12).rstrip(".")
            body = "\n".join(
                " ".join(sentence(rng, words, cumulative, 8, 24) for _ in range(rng.randint(2, 5)))
                for _ in range(rng.randint(2, 6))
            )
            published = datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else None
            tags = rng.sample(source_tags[source_id], rng.randint(1, 3))
            extras = json.dumps({"captions": [], "enclosures": [], "tags": tags}, separators=(",", ":"), sort_keys=True)
            age_days = (now_ts - ts) / 86400 if ts else 120
            is_read = int(rng.random() < min(0.95, 0.2 + age_days / 60))
            key = hashlib.blake2b(f"bench{n}".encode(), digest_size=12).hexdigest()
            url = f"https://src{source_id}.example/{n}"
            batch.append(
                (
                    n,
                    source_id,
                    key,
                    url,
                    url,
                    title,
                    title.lower(),
                    published,
                    ts,
                    "exact" if ts else "unknown",
                    body,
                    extras,
                    is_read,
                    min(arrived, now_ts),
                    min(arrived, now_ts),
                )
            )
            if len(batch) == 5000:
                _insert(conn, batch)
                batch = []
                print(f"  generated {n:,} articles ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        _insert(conn, batch)
    conn.execute("PRAGMA optimize")
    cache.close()
    print(
        f"generated {articles:,} articles from {sources:,} sources in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


def _insert(conn, batch) -> None:
    conn.executemany(
        """INSERT INTO articles(id, source_id, key, url, norm_url, title, norm_title, published, published_ts,
               precision, body, extras, is_read, added_at, updated_at)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        batch,
    )
    # Inserts index their own text (there is no FTS insert trigger); the
    # bodies here are plain text, as the index wants them.
    conn.executemany(
        "INSERT INTO articles_fts(rowid, title, body) VALUES (?,?,?)", [(row[0], row[5], row[10]) for row in batch]
    )


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
    tags = _TAGS
    pick = lambda seq, i: seq[i % len(seq)]  # noqa: E731
    return {
        "one word in 50 %+": [pick(everywhere, i) for i in range(runs)],
        "one common word (10-50 %)": [pick(common, i) for i in range(runs)],
        "one mid word": [pick(middle, i) for i in range(runs)],
        "one rare word": [pick(rare, i) for i in range(runs)],
        "two mid words": [f"{pick(middle, 2 * i)} {pick(middle, 2 * i + 1)}" for i in range(runs)],
        '"phrase" of two': [f'"{pick(common, i)} {pick(common, i + 1)}"' for i in range(runs)],
        "prefix (3 letters)*": [pick(middle, i)[:3] + "*" for i in range(runs)],
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
