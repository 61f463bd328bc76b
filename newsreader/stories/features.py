"""An article's raw story features, read from its own text alone.

The content words of the title and lede (title words count
:data:`TITLE_WEIGHT` times: headlines name the event), names: capitalised
phrases such as ``Port Calder`` or ``Reserve Bank`` and single capitalised
words inside a sentence such as ``Ferrymead``, also a few paragraphs further
down (names are what two outlets telling one event share; they are ``~``
features), and numbers (``3.75``, ``2,300``). Two exact keys
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

from newsreader.core.textnorm import STOPWORDS, content_terms, fold, normalize_title, run_terms

#: Feature weights before IDF: a word in the title counts this many times
#: (2, 3 and 4 are within one pair of each other).
TITLE_WEIGHT = 3.0
LEDE_WEIGHT = 1.0
#: A capitalised phrase (a name) counts this much per occurrence, on top of
#: its words (0.5: 0.957 / 0.985, 1: 0.970 / 0.970, 2: 0.984 / 0.925).
PHRASE_WEIGHT = 1.0
#: A single capitalised word inside a sentence (``Ferrymead``, ``Vasko``,
#: ``Gaza``) is a name too: it counts this much on top of the word, as a
#: ``~`` feature like a phrase (so "what names the event" can be told from
#: common words; see clustering.NAME_EVIDENCE). 0 turns it off (and the
#: rules that read names go blind: all 0.972 / 0.811 against 0.992 / 0.937).
NAME_WEIGHT = 1.0
#: A name further down the body than the lede counts this much (the names
#: only: see signature.READ_CHARS). Off: all 0.991 / 0.913, on 0.992 / 0.937
#: (the tuning half scores the same; 0.25 too).
BODY_NAME_WEIGHT = 0.5
#: Titles with fewer content words than this ("Opening Bell", "Weather")
#: are too generic to be an exact key.
TITLE_KEY_MIN_TERMS = 4
#: URL slugs with fewer words than this are not a key ("index", "news-1").
SLUG_KEY_MIN_WORDS = 4

_SLUG_SPLIT = re.compile(r"[-_+]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# An address whose path urlsplit takes as it stands (a plain host, no
# query, fragment, escapes or spaces): the path is what follows the host.
_PLAIN_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]*(/[A-Za-z0-9/._~-]*)?\Z")
_PAGE_SUFFIX = re.compile(r"\.(s?html?|php|aspx?)$", re.IGNORECASE)


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
    return names_in(text, words=False)[0]


def capitalised_words(text: str) -> list[str]:
    """Single capitalised words that are not the first of a sentence or a
    line (``Vasko``, ``Ferrymead``), or that follow a function word starting
    one (``The Treasury``), folded; words of a longer name
    (:func:`capitalised_phrases`) and function words are left out."""
    return names_in(text)[1]


def names_in(text: str, words: bool = True) -> tuple[list[str], list[str]]:
    """:func:`capitalised_phrases` and (if ``words``) :func:`capitalised_words`
    of ``text``, in one pass over its runs of capitalised words."""
    return _names_of_runs(text, runs_of_capitals(text), words, 0)


#: Names: the capitalised phrases and the single capitalised words of a text.
Names = tuple[list[str], list[str]]
_CUT_MARGIN = 4


def names_in_parts(text: str, cut: int, words: bool = True) -> tuple[Names, Names]:
    """:func:`names_in` of ``text[:cut]`` and of ``text[cut:]``, in one pass
    over ``text`` where no run of capitalised words comes near the cut."""
    runs = runs_of_capitals(text)
    first = 0  # the first run of the second part
    while first < len(runs) and runs[first].start() < cut:
        first += 1
    # A run that ends this close to the cut may read past it (a possessive's
    # lookahead), or go on past it: the parts alone would find other runs.
    if first and runs[first - 1].end() > cut - _CUT_MARGIN:
        return names_in(text[:cut], words), names_in(text[cut:], words)
    return _names_of_runs(text, runs[:first], words, 0), _names_of_runs(text, runs[first:], words, cut)


def _names_of_runs(text: str, runs: Iterable[re.Match[str]], words: bool, floor: int) -> Names:
    """:func:`names_in` of the part of ``text`` from ``floor`` on, given its
    runs of capitalised words."""
    phrases: list[str] = []
    singles: list[str] = []
    for match in runs:
        run = match.group()
        if " " not in run and "\t" not in run:  # one word (runs join words with these alone)
            if words and run.casefold() not in _LEADING and _inside_sentence(text, match.start(), floor):
                singles.append(fold(run.rstrip(".,'\u2019-")))  # "Vasko"
            continue
        kept = run.split()
        while kept and kept[0].casefold() in _LEADING:
            kept.pop(0)
        if len(kept) >= 2:
            phrases.append(fold(" ".join(kept)))
        elif kept and words:
            singles.append(fold(kept[0].rstrip(".,'\u2019-")))  # "The Treasury"
    return phrases, [w for w in singles if len(w) > 2 and w not in _LEADING and w not in STOPWORDS]


def _inside_sentence(text: str, start: int, floor: int) -> bool:
    """Whether the word at ``start`` follows a word, a digit or a comma on
    the same line (and at or after ``floor``): inside a sentence, where a
    capital marks a name."""
    i = start - 1
    while i >= floor and text[i] in " \t":
        i -= 1
    return i < start - 1 and i >= floor and (text[i].isalnum() or text[i] in "_,;%)")


def runs_of_capitals(text: str) -> list[re.Match[str]]:
    """The runs of capitalised words in ``text`` (the run pattern's matches,
    as ``finditer`` finds them)."""
    if not text.isascii():
        return list(_run_pattern().finditer(text))
    # A search steps through every character (~50 machine instructions
    # each here), and most are not capitals. A run starts at a capital and
    # always matches there, so only the first capital after each run's end
    # need be tried: found in the text's bytes with the capitals made NUL,
    # by C loops. Fewer instructions than the search on the generated
    # corpus (a run every ~300 characters), about as many on the shared feeds.
    pattern = _run_pattern(True)
    if len(text) < _SHORT_TEXT:  # a title: a run or two, and fewer characters to step through
        return list(pattern.finditer(text))
    marked = text.encode("ascii").translate(_CAPITALS_MARKED)
    runs = []
    match = pattern.match
    find = marked.find
    at = find(0)
    while at >= 0:
        run = match(text, at)
        if run is None:  # cannot be: a capital alone is a run
            return list(pattern.finditer(text))
        runs.append(run)
        at = find(0, run.end())
    return runs


#: Texts shorter than this are searched for their runs of capitals.
_SHORT_TEXT = 200
#: ASCII bytes with the capitals made NUL (and NUL made a space).
_CAPITALS_MARKED = bytes(0 if 65 <= b <= 90 else 32 if b == 0 else b for b in range(256))


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
def _run_pattern(ascii_only: bool = False) -> re.Pattern[str]:
    """Compiled on first use: commands that never cluster do not pay for it.
    A run of capitalised words, joined by spaces and connectors. The ASCII
    pattern finds the same runs in ASCII text, and scans it faster."""
    capitals = "A-Z" if ascii_only else _uppercase_class()
    capitalised = rf"[{capitals}][\w&-]*(?:['\u2019](?!s\b)\w+)*"
    flags = re.ASCII if ascii_only else 0
    return re.compile(rf"{capitalised}(?:[ \t]+(?:{_CONNECTOR}[ \t]+)?{capitalised})*", flags)


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
        "all",
        "some",
        "both",
        "every",
        "each",
        "many",
        "most",
        "no",
    ]
)


def is_title_case(title: str) -> bool:
    """Headlines Written Like This capitalise every word: no names to read there."""
    if title.isascii():
        # The runs of letters (the pattern's, in ASCII), found by C loops:
        # all else made a space, then split. A letter before "a" is a capital.
        runs = title.encode("ascii").translate(_ASCII_LETTERS).split()
        initials = [run[0] for run in runs if len(run) > 3]
        return len(initials) >= 3 and sum(map(_LOWER_A.__gt__, initials)) >= 0.7 * len(initials)
    longer = [w for w in _LETTER_RUN.findall(title) if len(w) > 3]
    if len(longer) < 3:
        return False
    return sum(w[0].isupper() for w in longer) >= 0.7 * len(longer)


#: ASCII bytes as :func:`is_title_case` reads them: letters kept, all else a space.
_ASCII_LETTERS = bytes(b if chr(b).isalpha() and b < 128 else 32 for b in range(256))
_LOWER_A = ord("a")


def _only_digits(word: str) -> bool:
    """Whether ``word`` is digits and dots alone (``^[\\d.]+$``: a line break
    may end it, where ``$`` matches too), with str methods: ``\\d`` takes
    what ``isdecimal`` takes."""
    core = word[:-1] if word.endswith("\n") else word
    digits = core.replace(".", "")
    return bool(core) and (not digits or digits.isdecimal())


def url_slug(url: str | None) -> str:
    """The last readable path segment of ``url`` as words joined by ``-``, or ''."""
    if not url:
        return ""
    plain = _PLAIN_ADDRESS.match(url)
    if plain is not None:  # urlsplit's path, with nothing to unquote
        path = plain.group(1) or ""
    else:
        try:
            path = unquote(urlsplit(url).path)
        except ValueError:
            return ""
    for segment in reversed(path.split("/")):
        if not segment:
            continue
        if "." in segment:
            segment = _PAGE_SUFFIX.sub("", segment)
        segment = fold(segment)
        # Without "_" or "+", the separators are dashes alone: str.split's
        # pieces are the pattern's, and the empty ones are dropped anyway.
        pieces = segment.split("-") if "_" not in segment and "+" not in segment else _SLUG_SPLIT.split(segment)
        if segment.replace("-", "").isalpha():  # no piece is digits alone
            words = [w for w in pieces if w]
        else:
            words = [w for w in pieces if w and not _only_digits(w)]
        if len(words) >= 2:
            return "-".join(words)
    return ""


def article_features(title: str, lede: str, url: str | None = None, further: str = "") -> Features:
    """The raw features of one article (see the module docstring); of the
    text ``further`` down the body, only its names."""
    # Every weight is a small multiple of 1/2: the sums are exact in any order.
    feats = Features(lede_counts(lede))
    counts = feats.counts
    title_terms = content_terms(title)
    for term in _clean_terms(title_terms):
        counts[term] += TITLE_WEIGHT
        feats.title.add(term)
    with_words = bool(NAME_WEIGHT)
    if not is_title_case(title):
        phrases, names = names_in(title, with_words)
        for group, weight in ((phrases, PHRASE_WEIGHT), (names, NAME_WEIGHT)):
            for name in group:
                counts["~" + name] += weight
                feats.title.add("~" + name)
    if further and BODY_NAME_WEIGHT:
        (phrases, names), further_names = names_in_parts(lede + further, len(lede), with_words)
    else:
        (phrases, names), further_names = names_in(lede, with_words), ([], [])
    for group, weight in ((phrases, PHRASE_WEIGHT), (names, NAME_WEIGHT)):
        for name in group:
            counts["~" + name] += weight
    for group in further_names:
        for name in group:
            counts["~" + name] += BODY_NAME_WEIGHT
    if len(title_terms) >= TITLE_KEY_MIN_TERMS:
        feats.keys.append(exact_key("=", normalize_title(title)))
    slug = url_slug(url)
    if slug.count("-") + 1 >= SLUG_KEY_MIN_WORDS:
        feats.keys.append(exact_key("@", slug))
    return feats


def lede_counts(lede: str) -> defaultdict[str, float]:
    """:data:`LEDE_WEIGHT` for each of the content terms of ``lede``
    (``textnorm.content_terms``, cleaned as a title's are), summed by term."""
    counts: defaultdict[str, float] = defaultdict(float)
    # A run of two characters or a stopword holds no content term, whatever
    # punctuation it has ("it's", "u.", "5,"): one comprehension drops them
    # (about half of a lede) before the Python steps per run.
    for run in [run for run in fold(lede).split() if len(run) > 2 and run not in STOPWORDS]:
        if run.isalpha():
            counts[run] += LEDE_WEIGHT
        else:
            for term in _clean_terms(run_terms(run)):
                counts[term] += LEDE_WEIGHT
    return counts


def exact_key(kind: str, text: str) -> str:
    """An exact key as signatures and the posting index keep it: its kind
    (``=`` a normalised title, ``@`` a URL slug) and a 64-bit digest of the
    text. Keys are only ever compared whole, and a title is long."""
    digest = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest()
    return kind + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _clean_terms(terms: Iterable[str]) -> list[str]:
    # Most terms are letters alone (content_terms): nothing to strip.
    kept = []
    for term in terms:
        if not term.isalpha():
            term = term.rstrip(".,'\u2019-")
            if len(term) <= 2:
                continue
        kept.append(term)
    return kept
