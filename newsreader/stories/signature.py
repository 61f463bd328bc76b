"""An article's signature: its features weighed into a frozen vector.

Each feature (:mod:`newsreader.stories.features`) is weighted by its inverse
document frequency *when the article arrives*, so the vector is frozen and
comparing two articles is one dot product over their shared features: no
corpus statistics are read at comparison time.

Everything that needs only the article's own text (:func:`prepare`) can be
computed where the article was parsed, in a refresh's worker processes; the
cache's writer then only weighs it (:func:`weigh`). :class:`Prepared`
carries it, with a digest of the text it was computed from, so the writer
can tell it still describes what was stored.

The figures quoted are the labelled set's pairwise precision / recall
(``benchmarks/clustering_eval.py``) with everything else as set.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import add, mul, truediv
from typing import TYPE_CHECKING, NamedTuple

from newsreader.stories.features import Features, article_features

if TYPE_CHECKING:
    from newsreader.core.models import Article

#: Characters of the body read as the lede. The first paragraph names the
#: event; further on, outlets go their own ways (300: 0.946 / 0.791,
#: 400: 0.938 / 0.896, 500: 0.970 / 0.970, 600: 0.980 / 0.746).
LEDE_CHARS = 500
#: Characters of the body read for names (capitalised phrases and words)
#: beyond the lede, each counting :data:`features.BODY_NAME_WEIGHT`: a
#: feature that opens on an anecdote names its event a few paragraphs
#: down, and a brief has only names to share with it. The words there are
#: left out: they would dilute the lede, where outlets agree most.
#: 1,000 and 1,500 scored within a pair of each other (0.921 and 0.929
#: recall, all parts, before INDEX_NAMES); at 1,500 one borderline sample article went to its
#: story in import order but not when stories are rebuilt in publication
#: order, and parse workers read a third more text.
READ_CHARS = 1000
#: Until the cache holds this many articles, IDF is computed as if it did, so
#: a young cache does not treat every word it has seen twice as common
#: (none: 0.983 / 0.881, 300: 0.954 / 0.925, 1000 and 3000: 0.970 / 0.970).
IDF_MIN_DOCUMENTS = 1000
#: How many of an article's features go into the posting index (the
#: heaviest, i.e. rarest and most central): candidates are found through them.
#: (Those too common to search are left out: store/storyindex.py. Labelled
#: set: 8 to 12 score the same; 8 would cost a fifth less at 100,000
#: articles, but "similar" stories read these lists too.)
INDEX_TERMS = 12
#: ... and the heaviest names (``~`` features) beyond them, up to this many:
#: a brief worded its own way shares the event's names more than its words,
#: and a headline's three-fold words fill the first twelve. (0: invented
#: held-out recall 0.926, all 0.921; 2: 1.000 and 0.937, the tuning half the
#: same; 4 merged a hard negative in the warm-cache run.)
INDEX_NAMES = 2
#: Features kept in a stored signature besides the title's: the lightest
#: (common words) add little to a cosine and most of the bytes
#: (32: 1.000 / 0.672, 48: 0.970 / 0.970, 64: 0.942 / 0.970, all: 0.956 / 0.970).
MAX_FEATURES = 48
#: Stored weights are integers in these units (4 significant digits).
WEIGHT_SCALE = 10000

_BIG_ENDIAN = sys.byteorder == "big"
assert WEIGHT_SCALE < 2**16, "stored weights are 16-bit"


def stored_weights(weights: bytes) -> array[int]:
    """The 16-bit integers :meth:`Signature.encode` stored (raises
    ``ValueError`` or ``TypeError`` for anything that is not such bytes)."""
    counts = array("H")
    counts.frombytes(weights)
    if _BIG_ENDIAN:
        counts.byteswap()
    return counts


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
            heaviest = index_terms(dict(sorted(self.vector.items())))
        return self.keys + heaviest

    def encode(self) -> tuple[str, bytes]:
        """``(terms, weights)`` as stored: the keys, the title's features and the
        others, one a line; and the key count, the title feature count and each
        feature's weight as little-endian 16-bit integers (no parsing to read
        back: one ``split`` and one array)."""
        lines, weights = self._stored()
        return "\n".join(lines), weights

    def _stored(self) -> tuple[list[str], bytes]:
        """:meth:`encode`'s terms as a list of lines, and its weights."""
        vector, title = self.vector, self.title
        if title:
            order = [t for t in vector if t in title]
            n_title = len(order)
            order += [t for t in vector if t not in title]
        else:
            order, n_title = list(vector), 0
        weights = array("H", (len(self.keys), n_title))
        weights.extend(map(vector.__getitem__, order))
        if _BIG_ENDIAN:
            weights.byteswap()
        return [*self.keys, *order], weights.tobytes()

    def encode_posted(self, posted: Sequence[str]) -> tuple[str, bytes, list[str]]:
        """:meth:`encode` with each of the ``posted`` terms stored once: an
        empty line where it stands in the terms, and the list of them in
        that order (the ``postings`` column, which :func:`stored_lines`
        fills the empty lines from). Should a posted term not be among the
        terms (never: they are keys and features), nothing is left out."""
        lines, weights = self._stored()
        wanted = set(posted)
        in_order = [t for t in lines if t in wanted]
        if len(in_order) != len(wanted):
            return "\n".join(lines), weights, list(posted)
        return "\n".join(["" if t in wanted else t for t in lines]), weights, in_order

    @classmethod
    def decode(cls, terms: str, weights: bytes = b"", postings: str = "") -> Signature:
        """The signature :meth:`encode` or :meth:`encode_posted` stored; an
        empty one for anything else (such as the JSON signatures of caches
        made before this layout)."""
        try:
            counts = stored_weights(weights)
            parts = stored_lines(terms, postings)
            n_keys, n_title = counts[0], counts[1]
            if len(parts) != n_keys + len(counts) - 2 or n_title > len(parts) - n_keys:
                return cls({})
            features = parts[n_keys:]
            return cls(dict(zip(features, counts[2:])), frozenset(features[:n_title]), tuple(parts[:n_keys]))
        except (ValueError, TypeError, IndexError, AttributeError):
            return cls({})


def stored_lines(terms: str, postings: str = "") -> list[str]:
    """The lines of a stored signature's ``terms``, the empty ones (which
    :meth:`Signature.encode_posted` left where a posted term stands; a term
    is never empty) filled in order from its ``postings`` JSON array. Terms
    stored whole, as before, have no empty line: they read as they are."""
    parts = terms.split("\n")
    if "" not in parts:
        return parts
    posted = _posted(postings)
    if not posted:
        return parts if terms else []
    index = parts.index
    start = 0
    try:
        for term in posted:
            start = index("", start)
            parts[start] = term
    except ValueError:  # more posted terms than empty lines: not this layout's
        pass
    return parts


def _posted(postings: str) -> list[str]:
    """The strings of a stored ``postings`` JSON array; split without the
    decoder when written compactly and nothing is escaped (a quote in a
    term would be)."""
    if len(postings) <= 2:
        return []
    if "\\" not in postings and postings.startswith('["') and postings.endswith('"]') and '", ' not in postings:
        return postings[2:-2].split('","')
    try:
        items = json.loads(postings)
    except ValueError:
        return []
    return [t for t in items if isinstance(t, str)] if isinstance(items, list) else []


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
    its first :data:`READ_CHARS` characters are read (the words of the first
    :data:`LEDE_CHARS`, the names of all)."""
    read = (text or "")[: max(LEDE_CHARS, READ_CHARS)]
    feats = article_features(title or "", read[:LEDE_CHARS], url, read[LEDE_CHARS:])
    # Alphabetical: ties in weight then fall in the same order wherever
    # the signature is built (see weigh).
    counts = feats.counts
    if counts and min(counts.values()) > 0:  # every weight is positive: all of them
        terms = sorted(counts)
    else:
        terms = sorted(t for t, c in counts.items() if c > 0)
    log = math.log
    tf = array("d", [1.0 + log(c) for c in map(counts.__getitem__, terms)])
    return Prepared(
        digest=source_digest(title, read, url),
        terms="\n".join(terms),
        tf=tf.tobytes(),
        title=bytes(map(feats.title.__contains__, terms)),
        keys=tuple(feats.keys),
    )


def prepare_article(art: Article) -> Prepared:
    """:func:`prepare` for a parsed article, from the text the cache will
    store for it: the body, else the summary (``store.articlerows.text_fields``).
    Should the two ever differ, the digest no longer matches and the
    cache computes the features itself: slower, never wrong."""
    text = (art.body or "").strip() or (art.summary or "").strip()
    return prepare(art.title, text, art.url)


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
    # tf * idf(total, d) for each feature, in C loops: f * log(n / (d + 1)).
    vector = list(map(mul, tf, map(math.log, map(truediv, repeat(n), map(add, dfs, repeat(1))))))
    norm = math.hypot(*vector) or 1.0
    flags = prep.title
    if len(vector) > MAX_FEATURES:
        # Terms are alphabetical and the sort is stable: equal weights keep
        # that order, the same order whoever builds the signature.
        order = sorted(range(len(vector)), key=vector.__getitem__, reverse=True)
        kept = sorted({*order[:MAX_FEATURES], *(i for i, flag in enumerate(flags) if flag)})
        terms = [terms[i] for i in kept]
        vector = [vector[i] for i in kept]
        flags = bytes([flags[i] for i in kept])
    # round(v / norm * WEIGHT_SCALE) for each.
    weights = dict(zip(terms, map(round, map(mul, map(truediv, vector, repeat(norm)), repeat(WEIGHT_SCALE)))))
    title = frozenset(compress(terms, flags))
    if weights and min(weights.values()) <= 0:
        weights = {t: w for t, w in weights.items() if w > 0}
        title = title.intersection(weights)
    return Signature(weights, title, prep.keys, index_terms(weights))


def index_terms(weights: dict[str, int]) -> tuple[str, ...]:
    """The features posted and searched, heaviest first: the
    :data:`INDEX_TERMS` heaviest, then the :data:`INDEX_NAMES` heaviest
    names among the rest. Equal weights keep the vector's (alphabetical)
    order: the same wherever the signature is built."""
    order = sorted(weights, key=weights.__getitem__, reverse=True)
    if len(order) <= INDEX_TERMS:
        return tuple(order)
    names = [t for t in order[INDEX_TERMS:] if t[0] == "~"][:INDEX_NAMES]
    return (*order[:INDEX_TERMS], *names)


def build_signature(feats: Features, total: int, df: Mapping[str, int]) -> Signature:
    """:func:`weigh` for raw :class:`Features` and a term -> articles mapping."""
    terms = sorted(t for t, c in feats.counts.items() if c > 0)
    tf = array("d", [1.0 + math.log(feats.counts[t]) for t in terms])
    prep = Prepared(0, "\n".join(terms), tf.tobytes(), bytes(t in feats.title for t in terms), tuple(feats.keys))
    return weigh(prep, total, [df.get(t, 0) for t in terms], terms)
