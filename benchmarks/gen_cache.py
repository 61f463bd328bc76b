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

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.paths import Paths
from newsreader.store import textpack
from newsreader.store.cache import Cache

# -- the vocabulary ----------------------------------------------------------------

#: Nouns by topic: an article draws most of its nouns from its topic, as
#: real coverage does, so a topical word is in a few percent of the articles
#: and not in all of them.
_TOPICS = {
    "politics": """minister election vote ballot party senate parliament bill coalition cabinet mayor
        councillor campaign poll manifesto referendum treaty embassy envoy summit debate motion
        opposition speaker constituency candidate reform inquiry scandal resignation veto
        amendment lobby statute mandate delegation""",
    "business": """company profit loss share market merger takeover investor dividend revenue forecast
        factory plant retailer supplier contract tender startup chief board shareholder bank loan
        bond currency inflation tariff export import pension mortgage wage strike union audit""",
    "sport": """match league final season coach player striker goalkeeper club stadium race marathon
        cyclist regatta tournament medal trophy semifinal referee captain transfer squad fixture
        derby championship sprint relay innings wicket pitch penalty podium rower""",
    "weather": """storm flood drought heatwave rainfall frost gale snowfall forecast warning tide
        cyclone hailstorm thunder fog wildfire landslide temperature blizzard surge downpour
        monsoon humidity breeze sleet evacuation shelter river levee reservoir coastline""",
    "transport": """ferry railway tram bus tunnel motorway airport runway station timetable fare
        commuter signal platform carriage freight port harbour quay pilot crossing bridge
        junction roadworks diversion timetable cyclist lane depot ticket network route""",
    "health": """hospital clinic nurse doctor patient vaccine ward surgery virus outbreak trial
        pharmacy waiting prescription ambulance paramedic midwife diagnosis treatment therapy
        screening infection dose symptom recovery transplant dentist carer bed shortage""",
    "science": """telescope comet planet rocket satellite glacier volcano fossil protein genome
        enzyme laboratory experiment sample species reef whale orbit asteroid probe particle
        microscope specimen excavation climate ocean sediment isotope mission spacecraft""",
    "technology": """software update outage breach server network chip battery browser app platform
        algorithm password encryption data cloud robot drone sensor device firmware patch
        developer startup code cable broadband signal screen console""",
    "culture": """museum gallery library theatre festival concert exhibition novel film album
        orchestra opera ballet poet painter sculpture archive manuscript premiere director
        author playwright choir curator collection portrait tour audience award""",
    "crime": """police officer court trial judge jury verdict sentence arrest suspect charge
        robbery burglary fraud inquest witness prosecutor appeal prison detective warrant
        raid investigation evidence bail custody theft smuggling""",
    "education": """school pupil teacher exam university student course degree lecture campus
        curriculum classroom headteacher tuition scholarship graduate apprenticeship nursery
        inspection timetable library funding enrolment""",
    "energy": """turbine reactor pipeline refinery grid solar offshore battery substation
        windfarm tariff supply shortage demand blackout generator dam hydrogen coal gas
        emissions meter heating insulation""",
}
_GENERAL_NOUNS = [
    "council",
    "budget",
    "plan",
    "report",
    "review",
    "survey",
    "scheme",
    "fund",
    "grant",
    "plan",
    "year",
    "week",
    "month",
    "government",
    "city",
    "town",
    "village",
    "people",
    "residents",
    "family",
    "community",
    "project",
    "service",
    "decision",
    "proposal",
    "agreement",
    "deal",
    "plan",
]
_VERBS = [  # (present with -s, past)
    ("approves", "approved"),
    ("rejects", "rejected"),
    ("delays", "delayed"),
    ("opens", "opened"),
    ("closes", "closed"),
    ("wins", "won"),
    ("loses", "lost"),
    ("announces", "announced"),
    ("cuts", "cut"),
    ("raises", "raised"),
    ("launches", "launched"),
    ("backs", "backed"),
    ("warns", "warned"),
    ("plans", "planned"),
    ("signs", "signed"),
    ("blocks", "blocked"),
    ("reviews", "reviewed"),
    ("expands", "expanded"),
    ("sells", "sold"),
    ("buys", "bought"),
    ("hits", "hit"),
    ("faces", "faced"),
    ("seeks", "sought"),
    ("halts", "halted"),
    ("restores", "restored"),
    ("reports", "reported"),
    ("unveils", "unveiled"),
    ("defends", "defended"),
    ("extends", "extended"),
    ("suspends", "suspended"),
    ("doubles", "doubled"),
    ("scraps", "scrapped"),
    ("confirms", "confirmed"),
    ("questions", "questioned"),
    ("funds", "funded"),
    ("builds", "built"),
]
_ADJECTIVES = [
    "new",
    "old",
    "local",
    "national",
    "regional",
    "major",
    "minor",
    "first",
    "last",
    "late",
    "early",
    "record",
    "rising",
    "falling",
    "long",
    "short",
    "strong",
    "weak",
    "public",
    "private",
    "small",
    "large",
    "rural",
    "urban",
    "northern",
    "southern",
    "eastern",
    "western",
    "coastal",
    "inland",
    "delayed",
    "planned",
    "disputed",
    "final",
    "annual",
    "monthly",
    "emergency",
    "temporary",
    "permanent",
    "joint",
    "rival",
    "leading",
    "former",
    "future",
]
_PREPOSITIONS = [
    "in",
    "at",
    "near",
    "after",
    "before",
    "over",
    "despite",
    "amid",
    "during",
    "for",
    "against",
    "with",
    "from",
]
_FUNCTION = [
    "the",
    "the",
    "the",
    "a",
    "a",
    "of",
    "of",
    "of",
    "to",
    "to",
    "and",
    "and",
    "in",
    "in",
    "is",
    "was",
    "that",
    "for",
    "it",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "has",
    "have",
    "are",
    "were",
    "be",
    "this",
    "which",
    "their",
    "its",
    "more",
    "after",
    "also",
    "but",
    "not",
    "been",
]
_SAID = ["said", "told reporters", "said on Tuesday", "said in a statement", "told the council", "wrote"]
_SECTIONS = [
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
    "Argus",
    "Bulletin",
    "Dispatch",
    "Review",
    "Wire",
    "Star",
]
_SYLLABLES = [
    "ash",
    "bel",
    "bran",
    "brack",
    "cal",
    "dun",
    "east",
    "fal",
    "glen",
    "har",
    "inver",
    "kes",
    "lark",
    "mar",
    "north",
    "oak",
    "pel",
    "quar",
    "red",
    "salt",
    "thorn",
    "um",
    "vex",
    "west",
    "yar",
    "zen",
    "ald",
    "ber",
    "cor",
    "dal",
    "el",
    "fen",
    "gor",
    "hol",
    "ith",
    "jun",
    "kel",
    "lin",
    "mor",
    "nor",
    "ost",
    "pen",
    "ros",
    "sul",
    "tor",
    "ul",
    "ven",
    "wyn",
]
_ENDINGS = [
    "by",
    "ham",
    "ford",
    "mere",
    "wick",
    "ton",
    "field",
    "water",
    "moor",
    "holm",
    "leigh",
    "bourne",
    "combe",
    "rath",
    "haven",
    "gate",
    "stead",
]
_FIRST = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Elin",
    "Farah",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kofi",
    "Lena",
    "Mads",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Uma",
    "Viktor",
    "Wen",
    "Xavi",
    "Yara",
    "Zeno",
    "Alma",
    "Bruno",
    "Cleo",
    "Dario",
]


def _name(rng: random.Random, parts: int, ending: bool) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(parts))
    if ending:
        word += rng.choice(_ENDINGS)
    return word.capitalize()


def _zipf(n: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights: the k-th item is k**exponent times rarer than the first."""
    out, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank**exponent
        out.append(total)
    return out


class Writer:
    """English-like news text from a small grammar and Zipf-weighted names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = list(dict.fromkeys(_name(rng, 1, True) for _ in range(3000)))
        self.place_cum = _zipf(len(self.places), 0.9)
        surnames = list(dict.fromkeys(_name(rng, 2, False) for _ in range(5000)))
        self.people = [f"{rng.choice(_FIRST)} {s}" for s in surnames]
        self.people_cum = _zipf(len(self.people), 0.9)
        self.orgs = [
            f"{_name(rng, 2, False)} {rng.choice(['Group', 'Trust', 'Energy', 'Labs', 'Holdings', 'Authority', 'Union', 'Partners'])}"
            for _ in range(1500)
        ]
        self.org_cum = _zipf(len(self.orgs), 0.9)
        # Invented rare words: the long tail any real corpus has (names of
        # products, species, streets), so the FTS index has one too.
        self.rare = list(dict.fromkeys(_name(rng, rng.choice((2, 3)), False).lower() for _ in range(40000)))
        self.rare_cum = _zipf(len(self.rare), 1.0)
        self.topics = {name: words.split() for name, words in _TOPICS.items()}
        self.topic = "politics"

    def pick_topic(self, options: list[str] | None = None) -> str:
        self.topic = self.rng.choice(options or sorted(self.topics))
        return self.topic

    def place(self) -> str:
        return self.rng.choices(self.places, cum_weights=self.place_cum)[0]

    def person(self) -> str:
        return self.rng.choices(self.people, cum_weights=self.people_cum)[0]

    def org(self) -> str:
        return self.rng.choices(self.orgs, cum_weights=self.org_cum)[0]

    def noun(self) -> str:
        """Mostly the current topic's nouns, some general ones, a few rare words."""
        roll = self.rng.random()
        if roll < 0.72:
            return self.rng.choice(self.topics[self.topic])
        if roll < 0.92:
            return self.rng.choice(_GENERAL_NOUNS)
        return self.rare_word()

    def rare_word(self) -> str:
        return self.rng.choices(self.rare, cum_weights=self.rare_cum)[0]

    def phrase(self, subject: str | None = None) -> str:
        """One clause: subject, verb, object, maybe a prepositional phrase."""
        r = self.rng
        subject = subject or r.choice(
            [
                f"the {self.noun()}",
                f"the {r.choice(_ADJECTIVES)} {self.noun()}",
                self.person(),
                self.org(),
                f"{self.place()} {self.noun()}",
            ]
        )
        verb = r.choice(_VERBS)[1]
        obj = r.choice(
            [
                f"the {self.noun()}",
                f"a {r.choice(_ADJECTIVES)} {self.noun()}",
                f"its {self.noun()}",
                f"{r.randint(2, 90)} {self.noun()}s",
                f"the {self.rare_word()} {self.noun()}",
            ]
        )
        out = f"{subject} {verb} {obj}"
        if r.random() < 0.7:
            out += f" {r.choice(_PREPOSITIONS)} the {r.choice(_ADJECTIVES)} {self.noun()}"
        if r.random() < 0.3:
            out += f" in {self.place()}"
        return out

    def sentence(self, extra: list[str] = ()) -> str:
        r = self.rng
        parts = [self.phrase()]
        if r.random() < 0.45:
            parts.append(r.choice(["and", "but", "while", "after", "because"]) + " " + self.phrase())
        text = " ".join(parts)
        words = text.split()
        for word in extra:
            words.insert(r.randrange(1, len(words) + 1), word)
        if r.random() < 0.25:
            words.extend(r.choices(_FUNCTION, k=r.randint(2, 5)) + [self.noun()])
        text = " ".join(words)
        if r.random() < 0.3:
            text += f", {self.person()} {r.choice(_SAID)}"
        return text[:1].upper() + text[1:] + "."

    def title(self, place: str | None = None, who: str | None = None, extra: str | None = None) -> str:
        r = self.rng
        verb = r.choice(_VERBS)[0]
        subject = who or r.choice(
            [
                f"{place or self.place()} {self.noun()}",
                self.org(),
                self.person(),
                f"{r.choice(_ADJECTIVES).capitalize()} {self.noun()}",
            ]
        )
        words = [subject, verb, r.choice(["", r.choice(_ADJECTIVES) + " "]) + self.noun()]
        if extra:
            words.append(extra)
        if r.random() < 0.8:
            words.append(f"{r.choice(_PREPOSITIONS)} {place or self.place()}")
        if r.random() < 0.4:
            words.append(f"{r.choice(_PREPOSITIONS)} {r.choice(_ADJECTIVES)} {self.noun()}")
        text = " ".join(w for w in words if w).replace("  ", " ")
        return text[:1].upper() + text[1:]

    def body(self, lede: list[str], words: int) -> str:
        """Paragraphs (one per line, as the cache stores them) of about ``words`` words."""
        paragraphs = [" ".join(lede)]
        count = sum(len(s.split()) for s in lede)
        while count < words:
            sentences = [self.sentence() for _ in range(self.rng.randint(2, 4))]
            count += sum(len(s.split()) for s in sentences)
            paragraphs.append(" ".join(sentences))
        return "\n".join(paragraphs)


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
        name = f"{rng.choice(writer.places)} {rng.choice(_MASTHEADS)}"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return [
        Feed(i, name, f"https://src{i}.example/feed.xml", rng.sample(sorted(_TOPICS), 4))
        for i, name in enumerate(names)
    ]


def make_items(rng: random.Random, writer: Writer, feeds: list[Feed], total: int, now: int, days: int) -> list[Item]:
    """``total`` articles, about 5 % of them in multi-outlet stories, in time order."""
    start = now - days * 86400
    feed_cum = _zipf(len(feeds), 0.8)  # a few busy outlets, most quiet
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
            tags.append(rng.choice(_SECTIONS))
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
            "articles_source_title",
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
