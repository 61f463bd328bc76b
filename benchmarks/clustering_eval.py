"""Story clustering: quality on the labelled set, and its cost at 100k articles.

Quality: imports each part of the labelled set (``tests/fixtures/clusters/``;
the shared parts are read in place from ``../shared``) into one fresh cache
through ``Cache.import_document``, so stories form incrementally in import
order exactly as in use, then scores pairs of articles: a pair is positive
when both carry one story label, unscored when the labels differ but the
topic is the same, negative otherwise. Prints precision, recall, F1 and pair
counts per part, per half (see below) and for everything together, how many
hard negatives were merged (``hard-negatives.tsv``: different events that
share words; must be 0), the same with each of the rules that keep a story
together switched off (``--no-ablation`` skips it), then a sweep of
``JOIN_SCORE`` (what the threshold was tuned on).

Halves: every labelled story (and every unlabelled article) falls in the
*tuning* or the *held-out* half by a stable hash of its part and story label
(or reference), so one event never straddles them. Thresholds are tuned on
the tuning half; the held-out half says whether that generalises. A pair is
scored in a half when both its articles are in it; pairs across halves count
in ``all`` only.

Cost (``--scale N``): generates N articles from 1,200 outlets over 60 days
(~5 % in stories told by 2-8 outlets), imports them in time order as feed
refreshes of ~10 items, and prints the time spent in ``assign_stories`` per
article (overall and while the cache held its last 10 %), the import rate,
story lookups at full size (p50/p95) and the disk the story tables take.
Each article's features are computed before its import, as a refresh's
parse workers do (``--features-in-writer``: by ``assign_stories`` itself, as
for a page or file import).

Usage::

    python benchmarks/clustering_eval.py [--pairs] [--no-sweep] [--no-ablation] [--set clustering.JOIN_SCORE=0.22]
    python benchmarks/clustering_eval.py --scale 100000 [--keep DIR] [--features-in-writer]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsreader.core.models import Article, ParsedDocument, ParseError
from newsreader.core.textnorm import STOPWORDS
from newsreader.store import ingest as cache_module
from newsreader.store.cache import Cache
from newsreader.stories import clustering, features, signature

SHARED = REPO.parent / "shared"
LABELS = REPO / "tests" / "fixtures" / "clusters"
SAMPLE = REPO / "newsreader" / "sample"
#: The reference time of every import: page dumps' "a day ago" resolve against it.
AS_OF = datetime(2025, 6, 10, tzinfo=UTC)
NOW = int(AS_OF.timestamp())
#: When the html pages were fetched (their URLs date them 18-20 Nov 2019): an
#: undated page is placed at the time it arrived, as in use.
HTML_FETCHED = int(datetime(2019, 11, 20, 12, tzinfo=UTC).timestamp())
PARTS = ("sample", "invented", "page-dumps", "html-articles", "feeds")
#: Parts kept in this repository (the others are read from ../shared).
LOCAL_PARTS = ("sample", "invented")
HALVES = ("tuning", "held-out")


@dataclass(frozen=True, slots=True)
class Label:
    story: str
    topic: str


@dataclass(slots=True)
class Doc:
    ref: str  # a labels ref prefix: "file" (articles are "file#index") or a URL
    doc: ParsedDocument
    feed_url: str | None = None


@dataclass(slots=True)
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0
    items: int = 0
    stories: int = 0
    wrong: list[tuple[str, int, int]] = field(default_factory=list)  # ("fp"/"fn"/"unscored", id, id)
    hard_merged: int = 0  # hard-negative story pairs found together in one predicted story

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:18s} precision {self.precision:.3f} ({self.tp}/{self.tp + self.fp} pairs)  "
            f"recall {self.recall:.3f} ({self.tp}/{self.positives} pairs)  F1 {self.f1:.3f}  "
            f"hard negatives merged {self.hard_merged}  "
            f"unscored {self.ignored}  articles {self.items}  stories {self.stories}"
        )


# -- the labelled set -----------------------------------------------------------


def part_available(part: str) -> bool:
    return part in LOCAL_PARTS or SHARED.is_dir()


def half_of(part: str, key: str) -> str:
    """The half (:data:`HALVES`) of a story label or an unlabelled article's
    reference: a stable hash, not Python's salted ``hash``."""
    digest = hashlib.blake2b(f"{part}\x1f{key}".encode(), digest_size=8).digest()
    return HALVES[digest[0] & 1]


def read_hard_negatives() -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Pairs of (part, story) labels that must never share a predicted story."""
    pairs = []
    for line in (LABELS / "hard-negatives.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            part_a, story_a, part_b, story_b = line.split("\t")
            pairs.append(((part_a, story_a), (part_b, story_b)))
    return pairs


def read_labels(part: str) -> dict[str, Label]:
    labels: dict[str, Label] = {}
    for line in (LABELS / f"{part}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        story, topic, ref = line.split("\t")
        labels[ref] = Label(story, topic)
    return labels


def load_documents(part: str) -> list[Doc]:
    """Parse the documents of one part, in import order."""
    from newsreader.parser import parse

    docs: list[Doc] = []
    if part == "sample":
        for path in sorted(SAMPLE.glob("*.txt")):
            docs.append(Doc(path.name, parse(path.read_bytes(), as_of=AS_OF)))
    elif part == "invented":
        for path in sorted((LABELS / "invented").glob("*.txt")):
            docs.append(Doc(f"invented/{path.name}", parse(path.read_bytes(), as_of=AS_OF)))
    elif part == "page-dumps":
        for folder in ("seeds", "corpus/page-dumps", "corpus/other-page-dumps"):
            for path in sorted((SHARED / folder).glob("*.txt")):
                try:
                    docs.append(Doc(f"{folder}/{path.name}", parse(path.read_bytes(), as_of=AS_OF)))
                except ParseError:
                    pass
    elif part == "html-articles":
        base = SHARED / "corpus" / "html_articles"
        truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
        with open(base / "index.tsv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        for row in rows:
            data = gzip.decompress((base / row["html_file"]).read_bytes())
            try:
                parsed = parse(data, as_of=None, url=row["url"])
            except ParseError:
                continue
            art: Article = parsed.articles[parsed.main or 0]
            # The benchmark's own text: extractor changes do not move the figures.
            art.body = truth[row["id"]]["articleBody"]
            art.url = art.url or row["url"]
            docs.append(Doc(row["url"], ParsedDocument(format="html", articles=[art], main=0)))
    elif part == "feeds":
        base = SHARED / "corpus" / "feeds"
        with open(base / "manifest.tsv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        for row in rows:
            if not row["kind"].startswith("real-world"):
                continue
            try:
                parsed = parse((base / row["file"]).read_bytes(), as_of=None, url=None)
            except ParseError:
                continue
            if parsed.articles:
                docs.append(Doc(row["file"], parsed, feed_url="corpus:feeds/" + row["file"]))
    return docs


def import_part(
    cache: Cache, part: str, docs: list[Doc], halves: dict[int, str] | None = None
) -> dict[int, tuple[str, str, str]]:
    """Import ``docs``; returns article id -> (part, story, topic) for every
    article, and fills ``halves`` with each article's half."""
    labels = read_labels(part)
    items: dict[int, tuple[str, str, str]] = {}
    halves = {} if halves is None else halves
    for d in docs:
        now = HTML_FETCHED if part == "html-articles" else NOW
        stats = cache.import_document(d.doc, feed_url=d.feed_url, now=now)
        for index, article_id in enumerate(stats.article_ids):
            ref = d.ref if part == "html-articles" else f"{d.ref}#{index}"
            label = labels.get(ref)
            previous = items.get(article_id)
            if label is not None:
                if previous is not None and previous[1] and previous[1] != label.story:
                    raise ValueError(f"{part}: article {article_id} labelled {previous[1]} and {label.story}")
                items[article_id] = (part, label.story, label.topic)
                halves[article_id] = half_of(part, label.story)
            elif previous is None:
                items[article_id] = (part, "", "")
                halves[article_id] = half_of(part, ref)
    return items


def score(
    cache: Cache,
    items: dict[int, tuple[str, str, str]],
    only_part: str | None = None,
    only: set[int] | None = None,
) -> Scores:
    """Pairwise scores of the cache's stories (those with >= 2 outlets) against
    the labels, over the articles of ``only_part`` (and in ``only``) if given."""

    def kept(article_id: int) -> bool:
        return (only_part is None or items[article_id][0] == only_part) and (only is None or article_id in only)

    conn = cache.connection()
    predicted: dict[int, list[int]] = {}
    for article_id, story_id in conn.execute(
        "SELECT m.article_id, m.story_id FROM story_articles m JOIN stories s ON s.id = m.story_id WHERE s.source_count >= 2"
    ):
        if article_id in items and kept(article_id):
            predicted.setdefault(story_id, []).append(article_id)
    labelled: dict[tuple[str, str], list[int]] = {}
    for article_id, (part, story, _topic) in items.items():
        if story and kept(article_id):
            labelled.setdefault((part, story), []).append(article_id)
    positive = {frozenset(p) for ids in labelled.values() for p in combinations(sorted(ids), 2)}
    s = Scores(items=sum(1 for a in items if kept(a)), stories=len(predicted))
    hard = read_hard_negatives()
    for ids in predicted.values():
        together = {items[a][:2] for a in ids}
        s.hard_merged += sum(1 for x, y in hard if x in together and y in together)
    found: set[frozenset[int]] = set()
    for ids in predicted.values():
        for a, b in combinations(sorted(ids), 2):
            pair = frozenset((a, b))
            found.add(pair)
            if pair in positive:
                s.tp += 1
                continue
            (pa, _, ta), (pb, _, tb) = items[a], items[b]
            if pa == pb and ta and ta == tb:
                s.ignored += 1
                s.wrong.append(("unscored", a, b))
            else:
                s.fp += 1
                s.wrong.append(("fp", a, b))
    for pair in positive - found:
        s.fn += 1
        low, high = sorted(pair)
        s.wrong.append(("fn", low, high))
    return s


def evaluate(
    parts: list[str], workdir: Path, docs: dict[str, list[Doc]] | None = None
) -> tuple[Cache, dict, dict[str, Scores]]:
    """Import ``parts`` (in order) into one fresh cache and score each and all."""
    docs = docs or {part: load_documents(part) for part in parts}
    workdir.mkdir(parents=True, exist_ok=True)
    cache = Cache(workdir / "cache.sqlite3", workdir / "state.sqlite3")
    items: dict[int, tuple[str, str, str]] = {}
    halves: dict[int, str] = {}
    for part in parts:
        items.update(import_part(cache, part, docs[part], halves))
    scores = {part: score(cache, items, part) for part in parts}
    for half in HALVES:
        in_half = {a for a, h in halves.items() if h == half}
        scores[half] = score(cache, items, only=in_half)
        if "invented" in parts:
            scores[f"invented {half}"] = score(cache, items, "invented", only=in_half)
    scores["all"] = score(cache, items)
    return cache, items, scores


def describe_pairs(cache: Cache, s: Scores) -> list[str]:
    conn = cache.connection()
    out = []
    for kind, a, b in s.wrong:
        rows = {
            r[0]: r
            for r in conn.execute(
                """SELECT a.id, a.title, s.name, g.terms, g.weights FROM articles a JOIN sources s ON s.id = a.source_id
                   JOIN story_signatures g ON g.article_id = a.id WHERE a.id IN (?, ?)""",
                (a, b),
            )
        }
        sa, sb = (signature.Signature.decode(rows[i][3], rows[i][4]) for i in (a, b))
        sim = clustering.similarity(sa, sb)
        if clustering.same_event_score(sa, sb) == 0.0:
            sim = -sim  # refused by a guard
        why = ", ".join(clustering.shared_terms(sa, sb, 4))
        floor = clustering.CONCEPT_MIN_WEIGHT * signature.WEIGHT_SCALE
        telling = {t for t in sa.vector.keys() & sb.vector.keys() if min(sa.vector[t], sb.vector[t]) >= floor}
        names = clustering.concept_count(t for t in telling if t.startswith("~"))
        why += f"; {clustering.concept_count(telling)} things shared, {names} named"
        out.append(
            f"{kind:8s} {sim:6.3f}  {rows[a][2][:16]}: {rows[a][1][:60]}\n"
            f"                 {rows[b][2][:16]}: {rows[b][1][:60]}   [{why}]"
        )
    return out


#: The rules of issue 14 (item 6), each with the settings that turn it off.
ABLATIONS: list[tuple[str, list[tuple[object, str, object]]]] = [
    ("single-word names", [(features, "NAME_WEIGHT", 0.0)]),
    ("names further down the body", [(features, "BODY_NAME_WEIGHT", 0.0)]),
    ("joining a story as a whole", [(clustering, "STORY_JOIN_SCORE", 2.0)]),
    ("name evidence", [(clustering, "NAME_EVIDENCE", False)]),
    ("names written two ways", [(clustering, "NAME_TWO_WAYS", False)]),
    ("one-name headlines", [(clustering, "ONE_NAME_MIN_CONCEPTS", 0)]),
    ("conflicting headline names", [(clustering, "NAME_CONFLICT", False)]),
    ("four shared things (three)", [(clustering, "MIN_SHARED_CONCEPTS", 3)]),
    ("names in the index", [(signature, "INDEX_NAMES", 0)]),
]


def run_quality(show_pairs: bool, sweep: bool, ablation: bool = True) -> None:
    parts = [p for p in PARTS if part_available(p)]
    print(f"parts: {', '.join(parts)}" + ("" if len(parts) == len(PARTS) else "  (../shared absent)"))
    t0 = time.perf_counter()
    docs = {part: load_documents(part) for part in parts}
    print(f"parsed in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        cache, _items, scores = evaluate(parts, Path(tmp) / "main", docs)
        alone = evaluate(["sample"], Path(tmp) / "sample", docs)[2]["sample"]
        print(f"\nJOIN_SCORE = {clustering.JOIN_SCORE}")
        print(alone.line("sample alone"))
        for name, s in scores.items():
            print(s.line(name))
        if "feeds" in parts:
            # The same news arriving in a cache that already holds ~2,000
            # feed items: document frequencies past the young-cache floor.
            warm_parts = ["feeds", *[p for p in parts if p != "feeds"]]
            warm_cache, _, warm = evaluate(warm_parts, Path(tmp) / "warm", docs)
            warm_cache.close()
            print(warm["all"].line("warm cache"))
        if show_pairs:
            print(
                "\npairs (fp: grouped but different stories; fn: same story, not grouped;"
                " unscored: grouped, same topic; a negative score is a pair a guard refused,"
                " grouped through other members):"
            )
            for text in describe_pairs(cache, scores["all"]):
                print("  " + text)
        cache.close()
        if ablation:
            print("\neach rule that keeps a story together, switched off (a rule earns its place if a row is worse):")
            for name, settings in ABLATIONS:
                saved = [(module, attr, getattr(module, attr)) for module, attr, _ in settings]
                try:
                    for module, attr, value in settings:
                        setattr(module, attr, value)
                    ablated_cache, _, ablated = evaluate(parts, Path(tmp) / f"ablation-{name}", docs)
                    ablated_cache.close()
                finally:
                    for module, attr, value in saved:
                        setattr(module, attr, value)
                print(f"  without {name}:")
                for key in ("invented tuning", "invented held-out", "html-articles", "tuning", "held-out", "all"):
                    if key in ablated:
                        print("    " + ablated[key].line(key))
        if sweep:
            print("\nsweep of JOIN_SCORE (all parts together):")
            original = clustering.JOIN_SCORE
            try:
                for i, threshold in enumerate((0.14, 0.16, 0.18, 0.20, 0.22, 0.24, 0.26, 0.30, 0.35)):
                    clustering.JOIN_SCORE = threshold
                    swept_cache, _, swept = evaluate(parts, Path(tmp) / f"sweep{i}", docs)
                    print("  " + swept["all"].line(f"{threshold:.2f}"))
                    swept_cache.close()
            finally:
                clustering.JOIN_SCORE = original


# -- the cost at scale -------------------------------------------------------------

_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "ce",
    "co",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "ga",
    "go",
    "ha",
    "he",
    "hi",
    "ka",
    "ke",
    "ko",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
    "wa",
    "we",
    "ya",
    "yo",
    "za",
    "ze",
]
_OUTLET_KINDS = [
    "Gazette",
    "Herald",
    "Ledger",
    "Post",
    "Courier",
    "Times",
    "Tribune",
    "Wire",
    "News",
    "Chronicle",
    "Observer",
    "Journal",
    "Star",
    "Standard",
    "Mail",
]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def generate(n: int, seed: int = 7) -> list[tuple[int, str, Article, int | None]]:
    """(time, outlet, article, event id or None), in time order."""
    rng = random.Random(seed)
    vocab = list(dict.fromkeys(_word(rng, rng.choice((2, 3, 3, 4))) for _ in range(40000)))
    # The head of a language's Zipf curve is its function words: make it so,
    # or every article shares a dozen "content" words with every other.
    vocab[:150] = sorted(STOPWORDS)[:150]
    cum: list[float] = []
    acc = 0.0
    for rank in range(len(vocab)):
        acc += 1.0 / (rank + 1)  # Zipf: the n-th commonest word is n times rarer
        cum.append(acc)
    # Names recur like words do: a few are everywhere, most are rare.
    names = [_word(rng, 3).title() + " " + _word(rng, 2).title() for _ in range(6000)]
    name_cum: list[float] = []
    acc = 0.0
    for rank in range(len(names)):
        acc += 1.0 / (rank + 1)
        name_cum.append(acc)
    outlets = list(dict.fromkeys(f"{_word(rng, 3).title()} {rng.choice(_OUTLET_KINDS)}" for _ in range(1300)))[:1200]
    start = NOW - 60 * 86400
    out: list[tuple[int, str, Article, int | None]] = []

    def text(words: int, extra: list[str]) -> list[str]:
        body = rng.choices(vocab, cum_weights=cum, k=words)
        for term in extra:
            body.insert(rng.randrange(len(body) + 1), term)
        return body

    def sentence(words: list[str]) -> str:
        text = " ".join(words)
        return text[:1].upper() + text[1:]  # names keep their capitals

    def article(t: int, outlet: str, title_words: list[str], lede_words: list[str]) -> Article:
        title = sentence(title_words)
        sentences = [sentence(lede_words[i : i + 14]) + "." for i in range(0, len(lede_words), 14)]
        body = " ".join(sentences) + "\n" + " ".join(text(80, [])) + "."
        return Article(
            title=title,
            body=body,
            source=outlet,
            url=f"https://{outlet.split()[0].lower()}.example/{len(out)}",
            published=datetime.fromtimestamp(t, UTC),
            precision="minute",
        )

    in_stories = int(n * 0.05)
    event = 0
    while sum(1 for x in out if x[3] is not None) < in_stories:
        t0 = start + rng.randrange(60 * 86400)
        rare = rng.sample(vocab[5000:], 4)
        who = rng.choices(names, cum_weights=name_cum, k=2)
        figure = f"{rng.randrange(2, 999)}.{rng.randrange(10, 99)}"
        for outlet in rng.sample(outlets, rng.randint(2, 8)):
            t = t0 + rng.randrange(-86400, 86400)
            title = text(5, [rare[0], rare[1], who[0]])
            lede = text(40, [*rare, who[0], who[1], figure, rare[rng.randrange(4)]])
            out.append((t, outlet, article(t, outlet, title, lede), event))
        event += 1
    while len(out) < n:
        t = start + rng.randrange(60 * 86400)
        outlet = rng.choice(outlets)
        extra = rng.choices(names, cum_weights=name_cum, k=1) if rng.random() < 0.5 else []
        out.append((t, outlet, article(t, outlet, text(8, extra), text(45, extra + [rng.choice(vocab[3000:])])), None))
    out.sort(key=lambda x: x[0])
    return out[:n]


def run_scale(n: int, keep: Path | None, features_in_writer: bool = False) -> None:
    from newsreader.store import story_rows as stories

    t0 = time.perf_counter()
    generated = generate(n)
    print(
        f"generated {len(generated)} articles in {time.perf_counter() - t0:.1f} s "
        f"({sum(1 for g in generated if g[3] is not None)} in {len({g[3] for g in generated if g[3] is not None})} events)"
    )
    if features_in_writer:
        print("features computed by assign_stories (as for a page or a file import)")
    else:
        # What a refresh's parse workers do (refresh.parse_feed_body), so
        # assign_stories below costs what it costs a refresh's writer.
        c = time.process_time()
        for _t, _outlet, art, _event in generated:
            art.cluster_features = signature.prepare_article(art)
        print(
            f"features computed beforehand, as a refresh's parse workers do: "
            f"{(time.process_time() - c) / len(generated) * 1000:.3f} ms CPU per article (not in the figures below)"
        )
    workdir = keep or Path(tempfile.mkdtemp(prefix="nr-cluster-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in workdir.glob("bench.sqlite3*"):
        stale.unlink()
    cache = Cache(workdir / "bench.sqlite3", workdir / "bench-state.sqlite3")
    assign_times: list[tuple[int, float, int]] = []  # (articles before, seconds, batch size)
    assign_cpu = 0.0
    real_assign = cache_module.assign_stories

    def timed_assign(conn, ids, **kw):
        nonlocal assign_cpu
        t, c = time.perf_counter(), time.process_time()
        result = real_assign(conn, ids, **kw)
        assign_times.append((done, time.perf_counter() - t, len(ids)))
        assign_cpu += time.process_time() - c
        return result

    cache_module.assign_stories = timed_assign  # type: ignore[assignment]  # a timing wrapper
    pending: dict[str, list[Article]] = {}
    done = 0
    t_import, cpu_import = time.perf_counter(), time.process_time()
    try:
        for _t, outlet, art, _event in generated:
            batch = pending.setdefault(outlet, [])
            batch.append(art)
            if len(batch) >= 10:
                cache.import_document(
                    ParsedDocument(format="rss", articles=batch), feed_url=f"https://{outlet}/feed", now=NOW
                )
                done += len(batch)
                del pending[outlet]
                if done % 20000 < 10:
                    print(f"  {done} imported, {time.perf_counter() - t_import:.0f} s")
        for outlet, batch in pending.items():
            cache.import_document(
                ParsedDocument(format="rss", articles=batch), feed_url=f"https://{outlet}/feed", now=NOW
            )
            done += len(batch)
    finally:
        cache_module.assign_stories = real_assign
    total = time.perf_counter() - t_import
    cpu_total = time.process_time() - cpu_import
    assign_total = sum(t for _, t, _ in assign_times)
    late = [(t, k) for before, t, k in assign_times if before >= 0.9 * n]
    per_batch = sorted(t / k * 1000 for t, k in late if k)
    print(
        f"\nimport of {done} articles: {total:.1f} s ({done / total:.0f} articles/s), "
        f"of which assign_stories {assign_total:.1f} s"
    )
    print(
        f"assign_stories per article: mean {assign_total / done * 1000:.3f} ms overall; "
        f"with the cache at 90-100 %: mean {sum(t for t, _ in late) / max(1, sum(k for _, k in late)) * 1000:.3f} ms, "
        f"per-batch p50 {per_batch[len(per_batch) // 2]:.3f} ms p95 {per_batch[int(len(per_batch) * 0.95)]:.3f} ms"
    )
    print(f"import without clustering: {(total - assign_total) / done * 1000:.3f} ms per article")
    print(
        f"CPU time (the machine may be shared): assign_stories {assign_cpu / done * 1000:.3f} ms per article, "
        f"the rest of the import {(cpu_total - assign_cpu) / done * 1000:.3f} ms"
    )

    conn = cache.connection()
    rng = random.Random(3)
    ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
    in_story = [r[0] for r in conn.execute("SELECT article_id FROM story_articles")]

    def timeit(fn, repeat: int) -> tuple[float, float]:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return times[len(times) // 2], times[int(len(times) * 0.95)]

    print("\nlookups at full size (ms, p50 / p95):")
    p = timeit(lambda: stories.story_of_article(conn, rng.choice(in_story)), 500)
    print(f"  story_of_article (member)        {p[0]:.3f} / {p[1]:.3f}")
    p = timeit(lambda: stories.story_of_article(conn, rng.choice(ids)), 500)
    print(f"  story_of_article (any article)   {p[0]:.3f} / {p[1]:.3f}")
    p = timeit(lambda: stories.stories_for_articles(conn, rng.sample(ids, 100)), 200)
    print(f"  stories_for_articles (100 ids)   {p[0]:.3f} / {p[1]:.3f}")
    p = timeit(lambda: stories.list_stories(conn, since_ts=NOW - 2 * 86400), 20)
    print(f"  list_stories (last 2 days)       {p[0]:.3f} / {p[1]:.3f}")

    truth = {}
    for (_t, _outlet, _art, event), article_id in zip(generated, _ids_in_order(conn, generated)):
        truth[article_id] = ("gen", f"e{event}" if event is not None else "", "")
    s = score(cache, truth)
    # Generated text sprinkles the same invented names over unrelated
    # articles; nearly every false pair here is two of those (on 30,000
    # articles: 208 of 212), which real headlines rarely are.
    print("\nsynthetic events (a sanity check, not the quality figure):")
    print("  " + s.line("generated"))

    size = (workdir / "bench.sqlite3").stat().st_size
    print(f"\ncache file {size / 1e6:.1f} MB ({size / done:.0f} bytes per article)")
    try:
        rows = conn.execute(
            """SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'stor%' OR name LIKE 'sqlite_autoindex_stor%'
               GROUP BY name ORDER BY 2 DESC"""
        ).fetchall()
        story_bytes = sum(r[1] for r in rows)
        print(
            f"story tables {story_bytes / 1e6:.1f} MB ({story_bytes / done:.0f} bytes per article): "
            + ", ".join(f"{r[0]} {r[1] / 1e6:.1f}" for r in rows)
        )
    except sqlite3.Error as exc:  # dbstat is a compile-time option
        print(f"(no dbstat: {exc})")
    cache.close()


def _ids_in_order(conn, generated) -> list[int]:
    """Article ids of the generated articles (by their unique URLs)."""
    from newsreader.core.urls import normalize_url

    by_url = dict(conn.execute("SELECT norm_url, id FROM articles"))
    return [by_url[normalize_url(g[2].url)] for g in generated]


def override(assignment: str) -> None:
    """``module.NAME=VALUE``: set a constant of ``newsreader.stories.module``."""
    import ast
    import importlib

    target, _, value = assignment.partition("=")
    module_name, _, name = target.rpartition(".")
    module = importlib.import_module(f"newsreader.stories.{module_name}")
    if not hasattr(module, name):
        raise SystemExit(f"no {name} in newsreader.stories.{module_name}")
    setattr(module, name, ast.literal_eval(value))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", action="store_true", help="list the wrongly grouped and missed pairs")
    parser.add_argument("--no-sweep", action="store_true", help="skip the threshold sweep")
    parser.add_argument("--no-ablation", action="store_true", help="skip the runs with one rule switched off")
    parser.add_argument("--scale", type=int, metavar="N", help="measure assignment cost on N generated articles")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the generated cache in DIR")
    parser.add_argument(
        "--features-in-writer",
        action="store_true",
        help="with --scale: let assign_stories compute the features (no parse workers)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="MODULE.NAME=VALUE",
        help="override a tuning constant of newsreader.stories (e.g. clustering.JOIN_SCORE=0.22)",
    )
    args = parser.parse_args(argv)
    for assignment in args.set:
        override(assignment)
    if args.scale:
        run_scale(args.scale, args.keep, args.features_in_writer)
    else:
        run_quality(args.pairs, not args.no_sweep, not args.no_ablation)
    return 0


if __name__ == "__main__":
    sys.exit(main())
