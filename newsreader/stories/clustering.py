"""Which articles tell the same event: signatures, similarity, the decision.

Pure logic, no SQL (the queries live in :mod:`newsreader.store.story_rows`).

An article's *signature* is a normalised vector of weighted features taken
from its title and lede: the content words (title words count three times:
headlines name the event), capitalised phrases such as ``Port Calder`` or
``Reserve Bank`` (names are what two outlets telling one event share), and
numbers (``3.75``, ``2,300``). Each weight is multiplied by the feature's
inverse document frequency *when the article arrives*, so the vector is frozen
and comparing two articles is one dot product over their shared features:
no corpus statistics are read at comparison time. Two exact keys stand
beside the vector: the normalised title and the URL slug (the same wire story
syndicated by two papers keeps its slug), kept as digests.

The decision (:func:`decide`) is incremental: a new article is compared only
with the candidates the cache found through its heaviest features, within a
few days of it. It joins the story of its best match from *another* outlet,
or forms a new story with unclustered matches from other outlets: one outlet
repeating itself is never a story, and never the way into one.

Everything that needs only the article's own text (tokens, names,
numbers, keys: :func:`prepare`) can be computed where the article was
parsed, in a refresh's worker processes; the cache's writer then only
weighs it (:func:`weigh`) and compares. :class:`Prepared` carries it, with
a digest of the text it was computed from, so the writer can tell it still
describes what was stored.

Every threshold below was tuned on the labelled set in
``tests/fixtures/clusters/`` with ``benchmarks/clustering_eval.py``; the
figures quoted are its pairwise precision / recall with everything else
as set here (at the chosen values: 0.970 / 0.970 over 67 true pairs).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

from newsreader.core.textnorm import content_terms, fold, normalize_title

if TYPE_CHECKING:
    from newsreader.core.models import Article

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
#: (Those too common to search are left out: store/storyindex.py. Labelled
#: set: 8 to 12 score the same; 8 would cost a fifth less at 100,000
#: articles, but "similar" stories read these lists too.)
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
    #: The heaviest features, heaviest first, when :func:`weigh` already knows them.
    heaviest: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def postings(self) -> tuple[str, ...]:
        """What goes into the posting index: the keys and the heaviest features."""
        heaviest = self.heaviest
        if heaviest is None:
            heaviest = tuple(sorted(self.vector, key=lambda t: (-self.vector[t], t))[:INDEX_TERMS])
        return self.keys + heaviest

    def encode(self) -> tuple[str, bytes]:
        """``(terms, weights)`` as stored: the keys, the title's features and the
        others, one a line; and the key count, the title feature count and each
        feature's weight as little-endian 16-bit integers (no parsing to read
        back: one ``split`` and one array)."""
        title = [t for t in self.vector if t in self.title]
        rest = [t for t in self.vector if t not in self.title]
        weights = array("H", [len(self.keys), len(title)])
        weights.extend(self.vector[t] for t in title)
        weights.extend(self.vector[t] for t in rest)
        if _BIG_ENDIAN:
            weights.byteswap()
        return "\n".join([*self.keys, *title, *rest]), weights.tobytes()

    @classmethod
    def decode(cls, terms: str, weights: bytes = b"") -> Signature:
        """The signature :meth:`encode` stored; an empty one for anything else
        (such as the JSON signatures of caches made before this layout)."""
        try:
            counts = array("H")
            counts.frombytes(weights)
            if _BIG_ENDIAN:
                counts.byteswap()
            parts = terms.split("\n") if terms else []
            n_keys, n_title = counts[0], counts[1]
            if len(parts) != n_keys + len(counts) - 2 or n_title > len(parts) - n_keys:
                return cls({})
            features = parts[n_keys:]
            return cls(dict(zip(features, counts[2:])), frozenset(features[:n_title]), tuple(parts[:n_keys]))
        except (ValueError, TypeError, IndexError, AttributeError):
            return cls({})


_BIG_ENDIAN = sys.byteorder == "big"
assert WEIGHT_SCALE < 2**16, "stored weights are 16-bit"


class Prepared(NamedTuple):
    """An article's own features, ready to weigh (:func:`prepare`).

    Compact so that carrying it from a parse worker costs little to
    unpickle: the features alphabetically, one a line; ``1 + log(count)`` of
    each as float64 bytes; one byte per feature, 1 when it is in the title;
    the exact keys. ``digest`` is :func:`source_digest` of the text it came
    from: the writer uses it only when the stored text has that digest.
    """

    digest: int
    terms: str
    tf: bytes
    title: bytes
    keys: tuple[str, ...]

    def term_list(self) -> list[str]:
        return self.terms.split("\n") if self.terms else []


def source_digest(title: str | None, lede: str | None, url: str | None) -> int:
    """What a signature's features depend on, hashed to a signed 64-bit integer."""
    text = "\x1f".join((title or "", lede or "", url or ""))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest(), "big", signed=True)


def prepare(title: str | None, text: str | None, url: str | None) -> Prepared:
    """The features of an article whose body (or summary) is ``text``; only
    its first :data:`LEDE_CHARS` characters are read."""
    lede = (text or "")[:LEDE_CHARS]
    feats = article_features(title or "", lede, url)
    # Alphabetical: ties in weight then fall in the same order wherever
    # the signature is built (see weigh).
    terms = sorted(t for t, c in feats.counts.items() if c > 0)
    tf = array("d", [1.0 + math.log(feats.counts[t]) for t in terms])
    return Prepared(
        digest=source_digest(title, lede, url),
        terms="\n".join(terms),
        tf=tf.tobytes(),
        title=bytes(t in feats.title for t in terms),
        keys=tuple(feats.keys),
    )


def prepare_article(art: Article) -> Prepared:
    """:func:`prepare` for a parsed article, from the text the cache will
    store for it: the body, else the summary (``store.articlerows.text_fields``).
    Should the two ever differ, the digest no longer matches and the
    cache computes the features itself: slower, never wrong."""
    text = (art.body or "").strip() or (art.summary or "").strip()
    return prepare(art.title, text, art.url)


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
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "for",
        "and",
        "but",
        "or",
        "as",
        "after",
        "before",
        "when",
        "while",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "by",
        "from",
        "with",
        "to",
        "of",
        "if",
        "so",
        "yet",
        "also",
        "then",
        "there",
        "here",
        "what",
        "why",
        "how",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
    ]
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
    if len(content_terms(title)) >= TITLE_KEY_MIN_TERMS:
        feats.keys.append(exact_key("=", normalize_title(title)))
    slug = url_slug(url)
    if slug.count("-") + 1 >= SLUG_KEY_MIN_WORDS:
        feats.keys.append(exact_key("@", slug))
    return feats


def exact_key(kind: str, text: str) -> str:
    """An exact key as signatures and the posting index keep it: its kind
    (``=`` a normalised title, ``@`` a URL slug) and a 64-bit digest of the
    text. Keys are only ever compared whole, and a title is long."""
    digest = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest()
    return kind + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _clean_terms(terms: Iterable[str]) -> Iterable[str]:
    for term in terms:
        term = term.rstrip(".,'\u2019-")
        if len(term) > 2:
            yield term


def idf(total: int, df: int) -> float:
    """Inverse document frequency, ``df`` not counting the article itself."""
    return math.log((max(total, IDF_MIN_DOCUMENTS) + 1) / (df + 1))


def weigh(prep: Prepared, total: int, dfs: Sequence[int], terms: list[str] | None = None) -> Signature:
    """Weight the features of ``prep`` by IDF (``total`` articles; ``dfs``
    the articles with each feature, in :meth:`Prepared.term_list` order, which
    ``terms`` may pass when the caller already split it), normalise, then
    keep the title's features and the :data:`MAX_FEATURES` heaviest others
    (the norm stays that of the whole vector)."""
    terms = prep.term_list() if terms is None else terms
    tf = array("d")
    tf.frombytes(prep.tf)
    n = max(total, IDF_MIN_DOCUMENTS) + 1
    log = math.log
    vector = [f * log(n / (d + 1)) for f, d in zip(tf, dfs)]  # tf * idf(total, d), inlined
    norm = math.hypot(*vector) or 1.0
    if len(vector) > MAX_FEATURES:
        # Terms are alphabetical and the sort is stable: equal weights keep
        # that order, the same order whoever builds the signature.
        order = sorted(range(len(vector)), key=vector.__getitem__, reverse=True)
        flags = prep.title
        kept = sorted({*order[:MAX_FEATURES], *(i for i, flag in enumerate(flags) if flag)})
    else:
        kept = range(len(vector))
    weights: dict[str, int] = {}
    title: list[str] = []
    for i in kept:
        w = round(vector[i] / norm * WEIGHT_SCALE)
        if w > 0:
            weights[terms[i]] = w
            if prep.title[i]:
                title.append(terms[i])
    heaviest = tuple(sorted(weights, key=weights.__getitem__, reverse=True)[:INDEX_TERMS])
    return Signature(weights, frozenset(title), prep.keys, heaviest)


def build_signature(feats: Features, total: int, df: Mapping[str, int]) -> Signature:
    """:func:`weigh` for raw :class:`Features` and a term -> articles mapping."""
    terms = sorted(t for t, c in feats.counts.items() if c > 0)
    tf = array("d", [1.0 + math.log(feats.counts[t]) for t in terms])
    prep = Prepared(0, "\n".join(terms), tf.tobytes(), bytes(t in feats.title for t in terms), tuple(feats.keys))
    return weigh(prep, total, [df.get(t, 0) for t in terms], terms)


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


def stored_event_score(a: Signature, terms: str, weights: bytes) -> float:
    """``same_event_score(a, Signature.decode(terms, weights))`` without
    decoding the stored signature: most candidates share a few words with
    ``a`` and are done with once those are looked at."""
    counts = array("H")
    try:
        counts.frombytes(weights)
    except (TypeError, ValueError):
        return 0.0
    if _BIG_ENDIAN:
        counts.byteswap()
    parts = terms.split("\n") if terms else []
    if len(counts) < 2:
        return 0.0
    n_keys, n_title = counts[0], counts[1]
    if len(parts) != n_keys + len(counts) - 2 or n_title > len(parts) - n_keys:
        return 0.0  # what decode() makes of it: an empty signature
    if n_keys and a.keys and not set(a.keys).isdisjoint(parts[:n_keys]):
        return EXACT_KEY_SCORE
    vector = a.vector
    shared = vector.keys() & parts  # keys are never features ("=", "@")
    if len(shared) < MIN_SHARED_CONCEPTS:
        return 0.0  # fewer telling features than concepts needed
    floor = CONCEPT_MIN_WEIGHT * WEIGHT_SCALE
    dot = 0
    telling: list[str] = []
    in_title = False
    position = parts.index
    for term in shared:
        i = position(term, n_keys) - n_keys
        w, x = counts[i + 2], vector[term]
        dot += x * w
        if x >= floor and w >= floor:
            telling.append(term)
            in_title = in_title or i < n_title
    if not in_title or a.title.isdisjoint(telling) or concept_count(telling) < MIN_SHARED_CONCEPTS:
        return 0.0
    return dot / _SCALE2


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
