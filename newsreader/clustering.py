"""Which articles tell the same event: signatures, similarity, the decision.

Pure logic, no SQL (the queries live in :mod:`newsreader.store.stories`).

An article's *signature* is a unit-length vector of weighted features taken
from its title and lede: the content words (title words count three times:
headlines name the event), capitalised phrases such as ``Port Calder`` or
``Reserve Bank`` (names are what two outlets telling one event always share),
and numbers (``3.75``, ``2,300``). Each weight is multiplied by the feature's
inverse document frequency *when the article arrives*, so the vector is frozen
and comparing two articles is one dot product over their shared features:
no corpus statistics are read at comparison time. Two exact keys stand
beside the vector: the normalised title and the URL slug (the same wire story
syndicated by two papers keeps its slug).

The decision (:func:`decide`) is incremental: a new article is compared only
with the candidates the cache found through its rarest features, joins the
best-matching story, or forms a new one with unclustered matches, but only
when that brings in a second outlet: one outlet repeating itself is never a
story.

Every threshold below was tuned on the labelled set in
``tests/fixtures/clusters/`` with ``benchmarks/clustering_eval.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .textnorm import STOPWORDS, content_terms, fold, normalize_title

# -- what a signature is made of ------------------------------------------

#: Characters of the body read as the lede. The first paragraph names the
#: event; past ~3 sentences outlets diverge into their own angles
#: (labelled set: 300 and 400 score the same, 600 loses precision).
LEDE_CHARS = 400
#: Feature weights before IDF: a word in the title counts this many times.
TITLE_WEIGHT = 3.0
LEDE_WEIGHT = 1.0
#: A capitalised phrase (a name) counts this much per occurrence, on top of
#: its words.
PHRASE_WEIGHT = 2.0
#: Until the cache holds this many articles, IDF is computed as if it did, so
#: a young cache does not treat every word it has seen twice as common.
IDF_MIN_DOCUMENTS = 1000
#: Titles with fewer content words than this ("Opening Bell", "Weather")
#: are too generic to be an exact key.
TITLE_KEY_MIN_TERMS = 4
#: URL slugs with fewer words than this are not a key ("index", "news-1").
SLUG_KEY_MIN_WORDS = 4
#: How many of an article's features go into the posting index (the
#: heaviest, i.e. rarest and most central): candidates are found through them.
INDEX_TERMS = 12

# -- the decision ------------------------------------------------------------

#: Cosine similarity at or above which two articles tell the same event.
#: Labelled set: same-story pairs score 0.20-0.75, different events of one
#: topic 0.05-0.25; see the sweep printed by benchmarks/clustering_eval.py.
JOIN_SCORE = 0.22
#: Distinct things two articles must share (see :func:`same_event_score`).
MIN_SHARED_CONCEPTS = 3
#: The same normalised title or URL slug in another outlet scores this.
EXACT_KEY_SCORE = 1.0
#: Two articles further apart than this are not the same event. A date-only
#: article counts as noon of its day, so a day's slack is built in.
TIME_WINDOW = 3 * 24 * 3600
#: A story never spans more than this: long-running topics (a war, a trial)
#: are a chain of stories, not one.
MAX_STORY_SPAN = 7 * 24 * 3600

_CONNECTORS = frozenset({"of", "de", "del", "da", "van", "von", "der", "la", "le", "du", "bin", "al", "&"})
_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.&-]*|\d[\w.,%]*|[^\w\s]", re.UNICODE)
_SLUG_SPLIT = re.compile(r"[-_+]+")
_ONLY_DIGITS = re.compile(r"^[\d.]+$")


@dataclass(slots=True)
class Features:
    """Raw weighted counts (before IDF) and the exact keys of one article."""

    counts: Counter[str] = field(default_factory=Counter)
    keys: list[str] = field(default_factory=list)
    title: set[str] = field(default_factory=set)  # the features found in the title


@dataclass(slots=True)
class Signature:
    """A frozen, unit-length feature vector, its exact keys and its index terms."""

    vector: dict[str, float]
    keys: tuple[str, ...] = ()
    postings: tuple[str, ...] = ()
    title: frozenset[str] = frozenset()

    def encode(self) -> str:
        return json.dumps(
            {
                "v": {t: round(w, 4) for t, w in self.vector.items()},
                "k": list(self.keys),
                "p": list(self.postings),
                "t": sorted(self.title),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> "Signature":
        try:
            data = json.loads(text)
            return cls(
                dict(data.get("v", {})), tuple(data.get("k", ())), tuple(data.get("p", ())),
                frozenset(data.get("t", ())),
            )
        except (ValueError, TypeError, AttributeError):
            return cls({})


def capitalised_phrases(text: str) -> list[str]:
    """Runs of two or more capitalised words (``Port Calder Port Authority``,
    ``Bank of England``), folded; a leading stopword (``The``) is dropped.
    Punctuation and sentence ends break a run."""
    phrases: list[str] = []
    run: list[str] = []

    def flush() -> None:
        while run and run[-1].casefold() in _CONNECTORS:
            run.pop()
        while run and run[0].casefold() in STOPWORDS:
            run.pop(0)
        if len(run) >= 2:
            phrases.append(" ".join(fold(w) for w in run))
        run.clear()

    for match in _TOKEN.finditer(text):
        token = match.group()
        if not token[0].isalpha():
            flush()
            continue
        sentence_end = token.endswith(".") and not _is_abbreviation(token)
        word = token.rstrip(".'\u2019-")
        # "Jeff Bezos's Blue Origin" is two names: a possessive ends one.
        possessive = word[-2:] in ("'s", "\u2019s")
        if possessive:
            word = word[:-2]
        if word[:1].isupper():
            run.append(word)
        elif run and word.casefold() in _CONNECTORS:
            run.append(word)
        else:
            flush()
        if sentence_end or possessive:
            flush()
    flush()
    return phrases


def _is_abbreviation(token: str) -> bool:
    """``U.S.``, ``St.``-like tokens: a dot inside, or a short capitalised word."""
    core = token.rstrip(".")
    return "." in core or (len(core) <= 2 and core[:1].isupper())


def is_title_case(title: str) -> bool:
    """Headlines Written Like This capitalise every word: no names to read there."""
    longer = [w for w in re.findall(r"[^\W\d_]+", title) if len(w) > 3]
    if len(longer) < 3:
        return False
    return sum(w[0].isupper() for w in longer) >= 0.7 * len(longer)


def url_slug(url: str | None) -> str:
    """The last readable path segment of ``url`` as words joined by ``-``, or ''."""
    if not url:
        return ""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    for segment in reversed([s for s in unquote(path).split("/") if s]):
        segment = re.sub(r"\.(s?html?|php|aspx?)$", "", segment, flags=re.I)
        words = [w for w in _SLUG_SPLIT.split(fold(segment)) if w and not _ONLY_DIGITS.match(w)]
        if len(words) >= 2:
            return "-".join(words)
    return ""


def article_features(title: str, lede: str, url: str | None = None) -> Features:
    """The raw features of one article (see the module docstring)."""
    feats = Features()
    counts = feats.counts
    for term in _clean_terms(content_terms(title)):
        counts[term] += TITLE_WEIGHT
        feats.title.add(term)
    for term in _clean_terms(content_terms(lede)):
        counts[term] += LEDE_WEIGHT
    if not is_title_case(title):
        for phrase in capitalised_phrases(title):
            counts["~" + phrase] += PHRASE_WEIGHT
            feats.title.add("~" + phrase)
    for phrase in capitalised_phrases(lede):
        counts["~" + phrase] += PHRASE_WEIGHT
    norm_title = normalize_title(title)
    if len(content_terms(title)) >= TITLE_KEY_MIN_TERMS:
        feats.keys.append("=" + norm_title)
    slug = url_slug(url)
    if slug.count("-") + 1 >= SLUG_KEY_MIN_WORDS:
        feats.keys.append("@" + slug)
    return feats


def _clean_terms(terms: Iterable[str]) -> Iterable[str]:
    for term in terms:
        term = term.rstrip(".,'\u2019-")
        if len(term) > 2:
            yield term


def idf(total: int, df: int) -> float:
    """Inverse document frequency, ``df`` not counting the article itself."""
    return math.log((max(total, IDF_MIN_DOCUMENTS) + 1) / (df + 1))


def build_signature(feats: Features, total: int, df: Mapping[str, int]) -> Signature:
    """Weight ``feats`` by IDF (``total`` articles, ``df`` term -> articles) and normalise."""
    vector = {t: (1.0 + math.log(c)) * idf(total, df.get(t, 0)) for t, c in feats.counts.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    vector = {t: v / norm for t, v in vector.items()}
    heaviest = sorted(vector, key=lambda t: (-vector[t], t))[:INDEX_TERMS]
    return Signature(vector, tuple(feats.keys), tuple(feats.keys) + tuple(heaviest), frozenset(feats.title))


def similarity(a: Signature, b: Signature) -> float:
    """Cosine of the two vectors; a shared exact key scores :data:`EXACT_KEY_SCORE`."""
    if a.keys and b.keys and set(a.keys) & set(b.keys):
        return EXACT_KEY_SCORE
    small, large = (a.vector, b.vector) if len(a.vector) <= len(b.vector) else (b.vector, a.vector)
    return sum(w * large[t] for t, w in small.items() if t in large)


def same_event_score(a: Signature, b: Signature) -> float:
    """:func:`similarity`, or 0 when the evidence is too thin for one event.

    Two guards, each from a mistake on the labelled set. Both titles must
    share something with the other article: a digest ("10 things in tech you
    need to know today") whose lede leads with a story is not that story. And
    the shared features must name at least :data:`MIN_SHARED_CONCEPTS`
    things, counting a name and its own words once: "Hong Kong" alone does
    not make an Alibaba listing part of the protests.
    """
    if a.keys and b.keys and set(a.keys) & set(b.keys):
        return EXACT_KEY_SCORE
    shared = a.vector.keys() & b.vector.keys()
    if not (a.title & shared and b.title & shared):
        return 0.0
    if concept_count(shared) < MIN_SHARED_CONCEPTS:
        return 0.0
    return sum(a.vector[t] * b.vector[t] for t in shared)


def concept_count(features: Iterable[str]) -> int:
    """Features counted once per thing named: the words of a phrase fold into it."""
    features = set(features)
    phrase_words = {w for f in features if f.startswith("~") for w in f[1:].split()}
    return sum(1 for f in features if f.startswith("~") or f not in phrase_words)


def shared_terms(a: Signature, b: Signature, limit: int = 3) -> list[str]:
    """The features that contribute most to the similarity, for showing why."""
    common = set(a.vector) & set(b.vector)
    best = sorted(common, key=lambda t: -(a.vector[t] * b.vector[t]))[:limit]
    return [t.lstrip("~") for t in best]


# -- the assignment decision --------------------------------------------------


@dataclass(slots=True)
class Member:
    """An article as the decision sees it."""

    article_id: int
    outlet: str  # the folded source name: feeds of one outlet are one outlet
    published_ts: int | None
    added_at: int
    signature: Signature
    story_id: int | None = None


@dataclass(slots=True)
class StoryState:
    id: int
    first_ts: int
    last_ts: int


@dataclass(slots=True)
class Decision:
    """``join`` story ``story_id``; ``create`` a story of ``members``; or ``none``."""

    action: str
    story_id: int | None = None
    members: list[tuple[int, float]] = field(default_factory=list)  # (article id, score)
    score: float = 0.0


def when(member: Member) -> int:
    """The time a story is placed at: published, else when the article arrived."""
    return member.published_ts if member.published_ts is not None else member.added_at


def close_in_time(a: Member, b: Member) -> bool:
    """Published within :data:`TIME_WINDOW`; an undated side is judged by arrival."""
    if a.published_ts is not None and b.published_ts is not None:
        return abs(a.published_ts - b.published_ts) <= TIME_WINDOW
    return abs(a.added_at - b.added_at) <= TIME_WINDOW


def decide(new: Member, candidates: Iterable[Member], stories: Mapping[int, StoryState]) -> Decision:
    """Where ``new`` goes, given candidate articles and the stories they belong to."""
    matches: list[tuple[float, Member]] = []
    for cand in candidates:
        if cand.article_id == new.article_id or not close_in_time(new, cand):
            continue
        score = same_event_score(new.signature, cand.signature)
        if score >= JOIN_SCORE:
            matches.append((score, cand))
    if not matches:
        return Decision("none")
    matches.sort(key=lambda m: (-m[0], m[1].article_id))
    t = when(new)
    for score, cand in matches:
        story = stories.get(cand.story_id) if cand.story_id is not None else None
        if story is not None and max(story.last_ts, t) - min(story.first_ts, t) <= MAX_STORY_SPAN:
            return Decision("join", story_id=story.id, members=[(new.article_id, score)], score=score)
    loose = [(score, cand) for score, cand in matches if cand.story_id is None]
    outlets = {new.outlet} | {cand.outlet for _, cand in loose}
    if len(outlets) < 2:
        return Decision("none")
    best = loose[0][0]
    members = [(new.article_id, best)] + [(cand.article_id, score) for score, cand in loose]
    return Decision("create", members=members, score=best)
