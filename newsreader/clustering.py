"""Which articles tell the same event: signatures, similarity, the decision.

Pure logic, no SQL (the queries live in :mod:`newsreader.store.stories`).

An article's *signature* is a normalised vector of weighted features taken
from its title and lede: the content words (title words count three times:
headlines name the event), capitalised phrases such as ``Port Calder`` or
``Reserve Bank`` (names are what two outlets telling one event share), and
numbers (``3.75``, ``2,300``). Each weight is multiplied by the feature's
inverse document frequency *when the article arrives*, so the vector is frozen
and comparing two articles is one dot product over their shared features:
no corpus statistics are read at comparison time. Two exact keys stand
beside the vector: the normalised title and the URL slug (the same wire story
syndicated by two papers keeps its slug).

The decision (:func:`decide`) is incremental: a new article is compared only
with the candidates the cache found through its heaviest features, within a
few days of it. It joins the story of its best match from *another* outlet,
or forms a new story with unclustered matches from other outlets: one outlet
repeating itself is never a story, and never the way into one.

Every threshold below was tuned on the labelled set in
``tests/fixtures/clusters/`` with ``benchmarks/clustering_eval.py``; the
figures quoted are its pairwise precision / recall with everything else
as set here (at the chosen values: 0.970 / 0.970 over 67 true pairs).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .textnorm import content_terms, fold, normalize_title

# -- what a signature is made of ------------------------------------------

#: Characters of the body read as the lede. The first paragraph names the
#: event; further on, outlets go their own ways (300: 0.946 / 0.791,
#: 400: 0.938 / 0.896, 500: 0.970 / 0.970, 600: 0.980 / 0.746).
LEDE_CHARS = 500
#: Feature weights before IDF: a word in the title counts this many times
#: (2, 3 and 4 are within one pair of each other).
TITLE_WEIGHT = 3.0
LEDE_WEIGHT = 1.0
#: A capitalised phrase (a name) counts this much per occurrence, on top of
#: its words (0.5: 0.957 / 0.985, 1: 0.970 / 0.970, 2: 0.984 / 0.925).
PHRASE_WEIGHT = 1.0
#: Until the cache holds this many articles, IDF is computed as if it did, so
#: a young cache does not treat every word it has seen twice as common
#: (none: 0.983 / 0.881, 300: 0.954 / 0.925, 1000 and 3000: 0.970 / 0.970).
IDF_MIN_DOCUMENTS = 1000
#: Titles with fewer content words than this ("Opening Bell", "Weather")
#: are too generic to be an exact key.
TITLE_KEY_MIN_TERMS = 4
#: URL slugs with fewer words than this are not a key ("index", "news-1").
SLUG_KEY_MIN_WORDS = 4
#: How many of an article's features go into the posting index (the
#: heaviest, i.e. rarest and most central): candidates are found through them.
INDEX_TERMS = 12
#: Features kept in a stored signature besides the title's: the lightest
#: (common words) add little to a cosine and most of the bytes
#: (32: 1.000 / 0.672, 48: 0.970 / 0.970, 64: 0.942 / 0.970, all: 0.956 / 0.970).
MAX_FEATURES = 48
#: Stored weights are integers in these units (4 significant digits).
WEIGHT_SCALE = 10000

# -- the decision ------------------------------------------------------------

#: Score at or above which two articles tell the same event. Labelled set,
#: direct pair scores: same-story pairs median 0.28, lower quartile 0.21
#: (lower pairs are grouped through a third member); different events of
#: one topic median 0.11, 90th percentile 0.25; 7 of 18,176 unrelated pairs
#: reach 0.20. Sweep: 0.16: 0.904 / 0.985, 0.18: 0.956 / 0.970,
#: 0.20: 0.970 / 0.970, 0.22: 0.983 / 0.851, 0.26: 1.000 / 0.657.
JOIN_SCORE = 0.20
#: Distinct things two articles must share (see :func:`same_event_score`)...
#: (2 to 4 score the same on the labelled set; 3 refuses one shared name
#: plus a word, the commonest false match on generated text).
MIN_SHARED_CONCEPTS = 3
#: ... each weighing at least this much (of a unit vector) in both. Up to
#: 0.09 changes nothing on the labelled set, 0.11 loses recall (0.821).
CONCEPT_MIN_WEIGHT = 0.05
#: The same normalised title or URL slug in another outlet scores this.
EXACT_KEY_SCORE = 1.0
#: Two articles further apart than this are not the same event. A date-only
#: article counts as noon of its day, so a day's slack is built in. (Every
#: labelled story is told within two days; this is not tuned, it is "a few
#: days" as news runs.)
TIME_WINDOW = 3 * 24 * 3600
#: A story never spans more than this: long-running topics (a war, a trial)
#: are a chain of stories, not one.
MAX_STORY_SPAN = 7 * 24 * 3600

_SCALE2 = WEIGHT_SCALE * WEIGHT_SCALE
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
    """A frozen feature vector (unit length before its lightest features were
    dropped), which of its features are in the title, and its exact keys.

    Weights are integers in units of 1/:data:`WEIGHT_SCALE`: stored as they
    are, decoded without a conversion pass, and a dot product is divided once.
    """

    vector: dict[str, int]
    title: frozenset[str] = frozenset()
    keys: tuple[str, ...] = ()

    @property
    def postings(self) -> tuple[str, ...]:
        """What goes into the posting index: the keys and the heaviest features."""
        heaviest = sorted(self.vector, key=lambda t: (-self.vector[t], t))[:INDEX_TERMS]
        return self.keys + tuple(heaviest)

    def encode(self) -> str:
        """Compact JSON, title features apart:
        ``{"t": {feature: weight}, "v": {feature: weight}, "k": [key]}``"""
        title = {t: w for t, w in self.vector.items() if t in self.title}
        rest = {t: w for t, w in self.vector.items() if t not in self.title}
        return json.dumps({"t": title, "v": rest, "k": list(self.keys)}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> Signature:
        try:
            data = json.loads(text)
            title = data.get("t", {})
            return cls(title | data.get("v", {}), frozenset(title), tuple(data.get("k", ())))
        except (ValueError, TypeError, AttributeError):
            return cls({})


def capitalised_phrases(text: str) -> list[str]:
    """Runs of two or more capitalised words (``Port Calder Port Authority``,
    ``Bank of England``), folded; a leading function word (``The``) is dropped.
    Punctuation, a line break or a possessive (``Jeff Bezos's Blue Origin``
    is two names) ends a run."""
    phrases = []
    for match in _phrase_pattern().finditer(text):
        words = match.group().split()
        while words and words[0].casefold() in _LEADING:
            words.pop(0)
        if len(words) >= 2:
            phrases.append(fold(" ".join(words)))
    return phrases


def _uppercase_class() -> str:
    """The uppercase letters of the cased scripts (Latin, Greek, Cyrillic,
    Armenian, Georgian) as a regex class body: ``re`` has no ``\\p{Lu}``."""
    ranges: list[tuple[int, int]] = []
    codes = [*range(0x0590), *range(0x10A0, 0x1100), *range(0x1E00, 0x2000)]
    for code in codes:
        if chr(code).isupper():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


@functools.cache
def _phrase_pattern() -> re.Pattern[str]:
    """Compiled on first use: commands that never cluster do not pay for it."""
    capitalised = rf"[{_uppercase_class()}][\w&-]*(?:['\u2019](?!s\b)\w+)*"
    return re.compile(rf"{capitalised}(?:[ \t]+(?:{_CONNECTOR}[ \t]+)?{capitalised})+")


_CONNECTOR = r"(?:of|de|del|da|van|von|der|la|le|du|bin|al|&)"
#: Capitalised because they start a sentence, not because they name anything.
_LEADING = frozenset(
    """the a an in on at for and but or as after before when while this that these those his her
    their its our my your by from with to of if so yet also then there here what why how it he she
    they we i""".split()
)


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
        segment = re.sub(r"\.(s?html?|php|aspx?)$", "", segment, flags=re.IGNORECASE)
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
    """Weight ``feats`` by IDF (``total`` articles, ``df`` term -> articles),
    normalise, then keep the title's features and the :data:`MAX_FEATURES`
    heaviest others (the norm stays that of the whole vector)."""
    vector = {t: (1.0 + math.log(c)) * idf(total, df.get(t, 0)) for t, c in feats.counts.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    kept = set(sorted(vector, key=lambda t: (-vector[t], t))[:MAX_FEATURES]) | (feats.title & vector.keys())
    weights = {t: round(vector[t] / norm * WEIGHT_SCALE) for t in kept}
    weights = {t: w for t, w in weights.items() if w > 0}
    return Signature(weights, frozenset(feats.title & weights.keys()), tuple(feats.keys))


def similarity(a: Signature, b: Signature) -> float:
    """Cosine of the two vectors; a shared exact key scores :data:`EXACT_KEY_SCORE`."""
    if a.keys and b.keys and set(a.keys) & set(b.keys):
        return EXACT_KEY_SCORE
    small, large = (a.vector, b.vector) if len(a.vector) <= len(b.vector) else (b.vector, a.vector)
    return sum(w * large[t] for t, w in small.items() if t in large) / _SCALE2


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
    # Only features that weigh something in both count as evidence: a word
    # every article uses is shared by chance.
    floor = CONCEPT_MIN_WEIGHT * WEIGHT_SCALE
    telling = {t for t in shared if a.vector[t] >= floor and b.vector[t] >= floor}
    if not (a.title & telling and b.title & telling):
        return 0.0
    if concept_count(telling) < MIN_SHARED_CONCEPTS:
        return 0.0
    return sum(a.vector[t] * b.vector[t] for t in shared) / _SCALE2


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
        # An outlet's own earlier piece is no evidence that a new piece of
        # its tells the same event (its follow-ups share its vocabulary):
        # the way into a story is through another outlet's article.
        if cand.outlet == new.outlet:
            continue
        story = stories.get(cand.story_id) if cand.story_id is not None else None
        if story is not None and max(story.last_ts, t) - min(story.first_ts, t) <= MAX_STORY_SPAN:
            return Decision("join", story_id=story.id, members=[(new.article_id, score)], score=score)
    loose = [(score, cand) for score, cand in matches if cand.story_id is None and cand.outlet != new.outlet]
    if not loose:
        return Decision("none")
    best = loose[0][0]
    members = [(new.article_id, best)] + [(cand.article_id, score) for score, cand in loose]
    return Decision("create", members=members, score=best)
