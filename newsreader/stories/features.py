"""An article's raw story features, read from its own text alone.

The content words of the title and lede (title words count
:data:`TITLE_WEIGHT` times: headlines name the event), capitalised phrases
such as ``Port Calder`` or ``Reserve Bank`` (names are what two outlets
telling one event share), and numbers (``3.75``, ``2,300``). Two exact keys
stand beside them: the normalised title and the URL slug (the same wire story
syndicated by two papers keeps its slug), kept as digests.

:mod:`newsreader.stories.signature` weighs these into a signature. The
weights were tuned on the labelled set in ``tests/fixtures/clusters/`` with
``benchmarks/clustering_eval.py``; the figures quoted are its pairwise
precision / recall with everything else as set.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from newsreader.core.textnorm import content_terms, fold, normalize_title

#: Feature weights before IDF: a word in the title counts this many times
#: (2, 3 and 4 are within one pair of each other).
TITLE_WEIGHT = 3.0
LEDE_WEIGHT = 1.0
#: A capitalised phrase (a name) counts this much per occurrence, on top of
#: its words (0.5: 0.957 / 0.985, 1: 0.970 / 0.970, 2: 0.984 / 0.925).
PHRASE_WEIGHT = 1.0
#: Titles with fewer content words than this ("Opening Bell", "Weather")
#: are too generic to be an exact key.
TITLE_KEY_MIN_TERMS = 4
#: URL slugs with fewer words than this are not a key ("index", "news-1").
SLUG_KEY_MIN_WORDS = 4

_SLUG_SPLIT = re.compile(r"[-_+]+")
_ONLY_DIGITS = re.compile(r"^[\d.]+$")


@dataclass(slots=True)
class Features:
    """Raw weighted counts (before IDF) and the exact keys of one article."""

    counts: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    keys: list[str] = field(default_factory=list)
    title: set[str] = field(default_factory=set)  # the features found in the title


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
