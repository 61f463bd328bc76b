"""The labelled set of story clustering, and how a cache's stories score on it.

Imports each part of the labelled set (``tests/fixtures/clusters/``; the
shared parts are read in place from ``../shared``) into one fresh cache
through ``Cache.import_document``, so stories form incrementally in import
order exactly as in use, then scores pairs of articles: a pair is positive
when both carry one story label, unscored when the labels differ but the
topic is the same, negative otherwise. Hard negatives
(``hard-negatives.tsv``) are different events that share words: a predicted
story holding both sides of one counts against it.

Halves: every labelled story (and every unlabelled article) falls in the
*tuning* or the *held-out* half by a stable hash of its part and story label
(or reference), so one event never straddles them. Thresholds are tuned on
the tuning half; the held-out half says whether that generalises. A pair is
scored in a half when both its articles are in it; pairs across halves count
in ``all`` only.

``benchmarks/clustering_eval.py`` prints the figures.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newsreader.core.models import Article, ParsedDocument, ParseError
from newsreader.store.cache import Cache

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
