"""The cache ``search_bench.py`` searches: generated articles (English-like
text with a Zipf word distribution, section tags, 120 days of dates, most
read), written with SQL through the real schema, both full-text indexes
filled as the cache fills its own (store/articlerows.py ``index_text``)."""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_words import MASTHEAD_WORDS, SECTIONS, TOPIC_NOUNS, TOWN_NOUNS

from newsreader.store.articlerows import title_hash
from newsreader.store.cache import Cache

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
    *TOWN_NOUNS,
    *TOPIC_NOUNS,
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
    *MASTHEAD_WORDS,
    "Guardian",
    "Argus",
    "Bulletin",
    "Dispatch",
]
#: The tags articles carry (``tag:`` queries pick from them).
TAGS = SECTIONS
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
        source_tags = {i + 1: rng.sample(TAGS, 3) for i in range(sources)}
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
                    "",  # own_norm_url: the URL is its own normal form (norm_url reads it)
                    title,
                    title_hash(title.lower()),
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
        """INSERT INTO articles(id, source_id, key, url, own_norm_url, title, title_hash, published, published_ts,
               precision, body, extras, is_read, added_at, updated_at)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        batch,
    )
    # Inserts index their own text (there is no FTS insert trigger); the
    # bodies here are plain text, as the index wants them.
    conn.executemany(
        "INSERT INTO articles_fts(rowid, body, title) VALUES (?,?,?)", [(row[0], row[10], row[5]) for row in batch]
    )
    conn.executemany("INSERT INTO articles_titles_fts(rowid, title) VALUES (?,?)", [(row[0], row[5]) for row in batch])
