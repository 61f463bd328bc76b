"""Which articles tell the same event: similarity and the decision.

Pure logic, no SQL (the queries live in :mod:`newsreader.store.story_rows`);
what is compared are signatures (:mod:`newsreader.stories.signature`).

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from newsreader.stories.signature import WEIGHT_SCALE, Signature, stored_weights

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
    try:
        counts = stored_weights(weights)
    except (TypeError, ValueError):
        return 0.0
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
