#!/usr/bin/env python3
"""Generate a big newsreader home: 100,000 articles from 1,200 feeds.

The articles go in through the real :class:`~newsreader.store.cache.Cache`
as feed documents (``import_document`` with a feed URL, so the bulk insert
path and incremental story clustering run exactly as in a refresh), in the
order they would have arrived: each feed's items in batches of up to 20, the
batch stored at the time its newest item came out. The folder is laid out
like ``NEWSREADER_HOME`` (``config/config.toml`` with every feed,
``data/state.sqlite3`` + ``data/bookmarks.toml``, ``cache/cache.sqlite3``),
so ``NEWSREADER_HOME=DIR newsreader`` opens it.

What is generated (deterministic for a ``--seed`` and ``--now``):

- feeds: 1,200 outlets ("Brackwater Ledger"), a few busy and most quiet
  (Zipf-like posting rates), each covering four of twelve topics;
- articles: English-like titles (6-12 words) and bodies (120-380 words in
  3-6 paragraphs) from a small grammar over a news vocabulary, invented
  place, person and organisation names with Zipf frequencies (a long tail
  for the FTS index), 0-3 categories, an author on most, one in ten a
  summary only; dates over ``--days`` (8 weeks by default);
- stories: about 5 % of the articles are the coverage of one event by 2-8
  outlets within a day (shared names, figures and rare words, different
  wording), which clustering should group;
- read state: older articles mostly read (about 60 % overall), through
  ``Cache.set_read`` so the state database has them too; 60 bookmarks.

It prints the time each step took and the cache size per article, and where
the bytes go (``dbstat``: article rows, FTS index, story tables, indexes).
newsboat's cache takes about 2.3 kB per article (../shared/bench/RESULTS.md).

    python benchmarks/gen_cache.py --out /tmp/nr-100k            # 100k articles
    python benchmarks/gen_cache.py --out /tmp/nr-10k --articles 10000 --sources 1000
    python benchmarks/gen_cache.py --out DIR --sizes-only       # only the size report of DIR
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_words import SECTIONS
from news_writer import MASTHEADS, TOPICS, Writer, zipf_weights

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.paths import Paths
from newsreader.store import textpack
from newsreader.store.cache import Cache

# -- the feeds and their articles ------------------------------------------------------


@dataclass(slots=True)
class Feed:
    index: int
    name: str
    url: str
    sections: list[str]


@dataclass(slots=True)
class Item:
    when: int  # published, unix seconds
    feed: int
    article: Article
    event: int | None


def make_feeds(rng: random.Random, writer: Writer, count: int) -> list[Feed]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(writer.places)} {rng.choice(MASTHEADS)}"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return [
        Feed(i, name, f"https://src{i}.example/feed.xml", rng.sample(sorted(TOPICS), 4)) for i, name in enumerate(names)
    ]


def make_items(rng: random.Random, writer: Writer, feeds: list[Feed], total: int, now: int, days: int) -> list[Item]:
    """``total`` articles, about 5 % of them in multi-outlet stories, in time order."""
    start = now - days * 86400
    feed_cum = zipf_weights(len(feeds), 0.8)  # a few busy outlets, most quiet
    order = list(range(len(feeds)))
    rng.shuffle(order)  # which outlets are busy is not their position
    items: list[Item] = []
    serial = 0

    def article(feed: Feed, when: int, title: str, lede: list[str], words: int) -> Article:
        nonlocal serial
        serial += 1
        url = f"https://src{feed.index}.example/{time.strftime('%Y/%m/%d', time.gmtime(when))}/{serial}"
        body = writer.body(lede, words)
        summary_only = rng.random() < 0.1
        tags = [writer.topic] if rng.random() < 0.8 else []
        if rng.random() < 0.3:
            tags.append(rng.choice(SECTIONS))
        return Article(
            title=title,
            source=feed.name,
            url=url,
            guid=url,
            body="" if summary_only else body,
            summary=" ".join(lede),
            author=writer.person() if rng.random() < 0.7 else None,
            published=datetime.fromtimestamp(when, UTC),
            precision="exact",
            tags=tags,
        )

    in_stories = int(total * 0.05)
    event = 0
    while len(items) < in_stories:
        t0 = start + rng.randrange(days * 86400 - 86400)
        topic = writer.pick_topic()
        place, who, org = writer.place(), writer.person(), writer.org()
        rare = [writer.rare[rng.randrange(8000, len(writer.rare))] for _ in range(3)]
        figure = f"{rng.randint(2, 950)}"
        noun = writer.noun()
        for feed_index in rng.sample(range(len(feeds)), rng.randint(2, 8)):
            feed = feeds[feed_index]
            writer.topic = topic
            when = min(now - 60, t0 + rng.randrange(0, 86400))
            title = writer.title(place=place, who=rng.choice([who, org, None]), extra=rng.choice([noun, rare[0], None]))
            lede = [writer.sentence([who, place, rare[0], figure]), writer.sentence([org, rare[1], rare[2], noun])]
            items.append(Item(when, feed_index, article(feed, when, title, lede, rng.randint(120, 380)), event))
        event += 1
    while len(items) < total:
        feed_index = order[rng.choices(range(len(feeds)), cum_weights=feed_cum)[0]]
        feed = feeds[feed_index]
        when = start + rng.randrange(days * 86400)
        writer.pick_topic(feed.sections)
        lede = [writer.sentence(), writer.sentence()]
        items.append(Item(when, feed_index, article(feed, when, writer.title(), lede, rng.randint(120, 380)), None))
    items = items[:total]
    items.sort(key=lambda it: it.when)
    return items


def feed_documents(items: list[Item], batch: int = 20) -> Iterator[tuple[int, int, list[Article]]]:
    """(feed index, arrival time, articles): each feed's items in batches, in the
    order the batches would have arrived (at their newest item, plus a delay)."""
    per_feed: dict[int, list[Item]] = {}
    for item in items:
        per_feed.setdefault(item.feed, []).append(item)
    docs: list[tuple[int, int, list[Article]]] = []
    for feed_index, feed_items in per_feed.items():
        for i in range(0, len(feed_items), batch):
            chunk = feed_items[i : i + batch]
            arrived = chunk[-1].when + 900
            # A feed lists its newest item first.
            docs.append((feed_index, arrived, [it.article for it in reversed(chunk)]))
    docs.sort(key=lambda d: (d[1], d[0]))
    yield from docs


# -- writing the home folder -------------------------------------------------------------


#: Two saved searches, as a reader would keep (they are counted with the sources).
SAVED_SEARCHES = """[[search]]
name = "Ferries, unread"
query = 'ferry is:unread'

[[search]]
name = "Weather this week"
query = 'tag:weather after:7d'
"""


def write_config(paths: Paths, feeds: list[Feed]) -> None:
    """config.toml with every feed (written directly: tomlkit edits of 1,200
    tables are slow and add nothing here)."""
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# generated by benchmarks/gen_cache.py\n"]
    for feed in feeds:
        title = feed.name.replace('"', "")
        lines.append(f'[[feed]]\nurl = "{feed.url}"\ntitle = "{title}"\ntags = ["{feed.sections[0]}"]\n\n')
    lines.append(SAVED_SEARCHES)
    paths.config_file.write_text("".join(lines), encoding="utf-8")


def write_bookmarks(paths: Paths, cache: Cache, rng: random.Random, count: int) -> None:
    from newsreader.store.bookmarks import BookmarkStore
    from newsreader.tui.services import bookmark_for

    ids = [r[0] for r in cache.connection().execute("SELECT id FROM articles ORDER BY id")]
    store = BookmarkStore(paths.bookmarks_file).load()
    for article_id in sorted(rng.sample(ids, min(count, len(ids)))):
        row = cache.article(article_id)
        if row is not None:
            store.add(bookmark_for(row))


def mark_read(cache: Cache, rng: random.Random, now: int) -> int:
    """Older articles are mostly read, the last days mostly not (~60 % overall)."""
    rows = cache.connection().execute("SELECT id, coalesce(published_ts, added_at) FROM articles").fetchall()
    read = [r[0] for r in rows if rng.random() < min(0.97, 0.1 + (now - r[1]) / 86400 / 50)]
    cache.set_read(read, True)
    return len(read)


def generate(out: Path, articles: int, sources: int, days: int, seed: int, now: int) -> None:
    paths = Paths.under(out)
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    started = time.perf_counter()
    writer = Writer(rng)
    feeds = make_feeds(rng, writer, sources)
    items = make_items(rng, writer, feeds, articles, now, days)
    in_story = sum(1 for it in items if it.event is not None)
    print(
        f"generated {len(items):,} articles from {len(feeds):,} feeds "
        f"({in_story:,} = {in_story / len(items):.1%} in {len({it.event for it in items if it.event is not None}):,} "
        f"multi-outlet events) in {time.perf_counter() - started:.1f} s"
    )
    write_config(paths, feeds)
    cache = Cache(paths.cache_db, paths.state_db)
    t_import = time.perf_counter()
    done = 0
    docs = list(feed_documents(items))
    # Many documents per transaction, as a refresh stores them.
    for start in range(0, len(docs), 200):
        with cache.write():
            for feed_index, arrived, batch in docs[start : start + 200]:
                feed = feeds[feed_index]
                cache.import_document(
                    ParsedDocument(format="rss", articles=batch, feed_title=feed.name, feed_url=feed.url),
                    feed_url=feed.url,
                    feed_title=feed.name,
                    kind="feed",
                    now=arrived,
                )
                done += len(batch)
        if start // 200 % 25 == 0:
            rate = done / max(time.perf_counter() - t_import, 1e-9)
            print(f"  {done:,} imported ({rate:,.0f} articles/s)", file=sys.stderr, flush=True)
    import_s = time.perf_counter() - t_import
    print(
        f"imported {done:,} articles as {len(docs):,} feed documents in {import_s:.1f} s "
        f"({done / import_s:,.0f} articles/s, stories clustered as they arrived)"
    )
    t = time.perf_counter()
    read = mark_read(cache, rng, now)
    write_bookmarks(paths, cache, rng, 60)
    print(f"marked {read:,} read ({read / done:.0%}), 60 bookmarks, in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    conn = cache.connection()
    conn.execute("PRAGMA optimize")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.close()
    print(f"optimize + checkpoint {time.perf_counter() - t:.1f} s; total {time.perf_counter() - started:.1f} s")


# -- where the bytes go ------------------------------------------------------------------

_GROUPS = (
    ("article rows", ("articles",)),
    (
        "article indexes",
        (
            "sqlite_autoindex_articles_1",
            "articles_norm_url",
            "articles_source_title",  # before schema 5
            "articles_title",
            "articles_guid",
            "articles_source_time",
            "articles_time",
            "articles_unread",
            "articles_full_text_todo",
            "articles_read_time",
        ),
    ),
    ("FTS index", ("articles_fts_data", "articles_fts_idx", "articles_fts_docsize", "articles_fts_config")),
    (
        "FTS of titles",  # schema 5: their three-letter prefixes
        (
            "articles_titles_fts_data",
            "articles_titles_fts_idx",
            "articles_titles_fts_docsize",
            "articles_titles_fts_config",
        ),
    ),
    ("tag rows", ("article_tags", "article_tags_article")),
    ("story tables", ("stories", "story_articles", "story_signatures", "story_terms", "story_term_df")),
    ("story indexes", ("stories_last", "stories_followed", "story_articles_story")),
)


def size_report(out: Path) -> None:
    paths = Paths.under(out)
    db = paths.cache_db
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    size = db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-wal"))
    state = paths.state_db.stat().st_size if paths.state_db.exists() else 0
    print(
        f"\ncache {size / 1e6:.1f} MB for {total:,} articles: {size / max(total, 1):,.0f} B per article "
        f"(newsboat: ~2,270 B per article, ../shared/bench/RESULTS.md); read state {state / 1e6:.1f} MB"
    )
    textpack.register(conn)
    stored, plain = conn.execute(
        "SELECT sum(length(CAST(title AS BLOB)) + length(CAST(body AS BLOB)) + coalesce(length(CAST(summary AS BLOB)), 0)),"
        " sum(length(CAST(title AS BLOB)) + length(CAST(nr_text(body) AS BLOB))"
        " + coalesce(length(CAST(nr_text(summary) AS BLOB)), 0)) FROM articles"
    ).fetchone()
    print(
        f"  of which the text itself (title + body + summary): {(stored or 0) / max(total, 1):,.0f} B per article"
        f" as stored, {(plain or 0) / max(total, 1):,.0f} B as text"
    )
    try:
        sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    except sqlite3.Error as exc:
        print(f"  (no dbstat in this SQLite: {exc})")
        return
    counted = 0
    for label, names in _GROUPS:
        group = {n: sizes.get(n, 0) for n in names if sizes.get(n)}
        amount = sum(group.values())
        counted += amount
        detail = ", ".join(f"{n} {v / 1e6:.1f}" for n, v in sorted(group.items(), key=lambda kv: -kv[1]))
        print(f"  {label:16} {amount / 1e6:7.1f} MB {amount / max(total, 1):6,.0f} B/article  ({detail})")
    rest = sum(sizes.values()) - counted
    print(f"  {'other':16} {rest / 1e6:7.1f} MB {rest / max(total, 1):6,.0f} B/article")
    conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the NEWSREADER_HOME folder to (re)create")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=1_200)
    parser.add_argument("--days", type=int, default=56, help="articles are spread over this many days")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--now", help="the newest possible date, YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--sizes-only", action="store_true", help="print the size report of an existing folder")
    args = parser.parse_args(argv)
    if not args.sizes_only:
        if args.sources < 1 or args.articles < 1:
            parser.error("--articles and --sources must be positive")
        day = datetime.strptime(args.now, "%Y-%m-%d") if args.now else datetime.now(UTC)
        now = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
        print(f"seed {args.seed}, newest date {datetime.fromtimestamp(now, UTC):%Y-%m-%d}, into {args.out}")
        generate(args.out, args.articles, args.sources, args.days, args.seed, now)
    size_report(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
