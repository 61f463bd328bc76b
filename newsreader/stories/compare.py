"""Two outlets' versions of one story, sentence by sentence.

Pure logic, no I/O: the compare view (``c``) hands two bodies to
:func:`compare` and draws what comes back. Each body is split into
sentences (:func:`split_sentences`); each sentence is reduced to its
content words (folded, stopwords out, plurals and verb endings trimmed,
numbers without their thousands commas); two sentences from the two
versions say the same thing when the words they share weigh enough of
either (:func:`overlap`), words rare in the two texts weighing more than
the story's own vocabulary ("port", "strike") that every sentence carries.

Within each sentence, quotations and figures the other version does not
carry are marked (:class:`Mark`): a quote is carried when a quote of the
other version has nearly all its words, a figure when the other version
names the same value anywhere.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from newsreader.core.textnorm import content_terms, fold, words

#: Score (see :func:`overlap`) from which two sentences carry the same
#: thing: paraphrases of the sample's stories score above it, sentences of
#: one story that share only its names below (benchmarks/MEASUREMENTS.md).
SAME_SCORE = 0.45
#: Content words two sentences must share besides the score: one shared
#: name is the story's, not the sentence's.
MIN_SHARED = 2
#: A word in more of the sentences than this share (and than COMMON_MIN
#: sentences) finds no candidate pairs by itself: two long bodies of one
#: vocabulary would have every pair scored.
COMMON_SHARE = 0.1
COMMON_MIN = 10
#: Sentences compared per version; a longer body's tail is shown unmatched.
MAX_SENTENCES = 600
#: Words a quotation needs to be worth marking ("unhelpful" alone is a word, not a quote).
QUOTE_MIN_WORDS = 3
#: Share of a quote's words another quote must have for the quote to be carried.
QUOTE_CARRIED = 0.8

MarkKind = Literal["quote", "number"]

# Abbreviations whose full stop ends no sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "prof",
        "gen",
        "gov",
        "sen",
        "rep",
        "col",
        "capt",
        "lt",
        "sgt",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "est",
        "approx",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "fig",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
    ]
)
# A full stop, question or exclamation mark, closing quotes or brackets, then space.
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+")
_OPENS_SENTENCE = re.compile(r"[\"'\u201c\u2018(\[]*[A-Z0-9\u00c0-\u024f]")
_QUOTE = re.compile(r"\"([^\"\n]+)\"|\u201c([^\u201d\n]+)\u201d|\u2018([^\u2019\n]{12,})\u2019")
# A figure: digits with thousands commas or decimals, and the unit written after it.
_NUMBER = re.compile(
    r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per cent|km/h|mph|km|mm|cm|kg|am|pm|million|billion|m\b|bn\b))?",
    re.IGNORECASE,
)
_SUFFIXES = ("ing", "ed", "es", "s")


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of a sentence's text (character offsets) that the other version does not carry."""

    start: int
    end: int
    kind: MarkKind


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a version, and whether the other version carries it."""

    text: str
    paragraph: int  # sentences of one paragraph share the number
    partner: int | None = None  # the other version's closest sentence, when it carries this one
    score: float = 0.0  # overlap with that sentence
    marks: tuple[Mark, ...] = ()

    @property
    def shared(self) -> bool:
        return self.partner is not None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both versions, sentence by sentence (``left`` and ``right`` as given to :func:`compare`)."""

    left: tuple[Sentence, ...]
    right: tuple[Sentence, ...]

    def shared_count(self, side: Literal["left", "right"]) -> int:
        return sum(s.shared for s in (self.left if side == "left" else self.right))


def split_sentences(text: str) -> list[tuple[int, str]]:
    """``(paragraph number, sentence)`` for each sentence of ``text``, whose
    lines are its paragraphs. A full stop after an abbreviation ("Dr."), an
    initial ("J.") or inside a figure ("4.5") ends no sentence."""
    return [(number, paragraph[start:end]) for number, paragraph, start, end in _spans(text)]


def _spans(text: str) -> list[tuple[int, str, int, int]]:
    """``(paragraph number, paragraph, start, end)`` of each sentence."""
    out: list[tuple[int, str, int, int]] = []
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    for number, paragraph in enumerate(paragraphs):
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            if not _OPENS_SENTENCE.match(paragraph, match.end()) or _after_abbreviation(paragraph, match.start()):
                continue
            out.append((number, paragraph, start, len(paragraph[: match.end()].rstrip())))
            start = match.end()
        if start < len(paragraph):
            out.append((number, paragraph, start, len(paragraph)))
    return out


def _after_abbreviation(text: str, stop: int) -> bool:
    if text[stop] != ".":
        return False
    word = text[:stop].rsplit(None, 1)[-1] if text[:stop].strip() else ""
    word = word.lstrip("\"'(\u201c\u2018").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence_terms(sentence: str) -> frozenset[str]:
    """The words a sentence is compared by: content words, stemmed; figures without commas."""
    return frozenset(_stem(w) for w in content_terms(sentence))


def _stem(word: str) -> str:
    if word[0].isdigit():
        return word.replace(",", "").rstrip(".")
    word = word.removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def overlap(mine: frozenset[str], theirs: frozenset[str], weight: dict[str, float]) -> float:
    """How much two sentences say alike, 0 to 1: the weight of the words
    they share over the weight of the shorter's words, scaled down when the
    longer has much more (a six-word brief inside a forty-word sentence
    carries it, but less surely)."""
    if not mine or not theirs:
        return 0.0
    shared = sum(weight[t] for t in mine & theirs)
    a = sum(weight[t] for t in mine)
    b = sum(weight[t] for t in theirs)
    short, long = min(a, b), max(a, b)
    return shared / short * math.sqrt(short / long) ** 0.5


def compare(left: str, right: str) -> Comparison:
    """Align the sentences of two bodies (one paragraph a line) and mark
    the quotes and figures each carries that the other does not."""
    left_spans, right_spans = _spans(left), _spans(right)
    left_terms = [sentence_terms(p[a:b]) for _, p, a, b in left_spans[:MAX_SENTENCES]]
    right_terms = [sentence_terms(p[a:b]) for _, p, a, b in right_spans[:MAX_SENTENCES]]
    weight = _weights([*left_terms, *right_terms])
    left_best, right_best = _best_partners(left_terms, right_terms, weight)
    left_quotes, right_quotes = _quotes_of(left_spans), _quotes_of(right_spans)
    left_figures, right_figures = _figures_of(left_spans), _figures_of(right_spans)
    return Comparison(
        _sentences(left_spans, left_best, _uncarried(left_quotes, right_quotes), right_figures),
        _sentences(right_spans, right_best, _uncarried(right_quotes, left_quotes), left_figures),
    )


def _weights(sentences: Sequence[frozenset[str]]) -> dict[str, float]:
    """A word's weight: rarer across the two versions' sentences, heavier."""
    df: dict[str, int] = defaultdict(int)
    for terms in sentences:
        for t in terms:
            df[t] += 1
    total = max(1, len(sentences))
    return {t: math.log(1 + total / n) for t, n in df.items()}


def _best_partners(
    left: list[frozenset[str]], right: list[frozenset[str]], weight: dict[str, float]
) -> tuple[list[tuple[int, float] | None], list[tuple[int, float] | None]]:
    """Each sentence's closest sentence on the other side when it scores
    :data:`SAME_SCORE` or more. Only pairs sharing a word that is not in
    most sentences are scored (an index of the right side's words), so
    long bodies cost little."""
    postings: dict[str, list[int]] = defaultdict(list)
    for j, terms in enumerate(right):
        for t in terms:
            postings[t].append(j)
    # A word most sentences carry finds every pair: only rarer ones find candidates.
    common = max(COMMON_MIN, COMMON_SHARE * (len(left) + len(right)))
    postings = defaultdict(list, {t: js for t, js in postings.items() if len(js) <= common})
    left_best: list[tuple[int, float] | None] = [None] * len(left)
    right_best: list[tuple[int, float] | None] = [None] * len(right)
    for i, terms in enumerate(left):
        candidates = {j for t in terms for j in postings.get(t, ())}
        for j in sorted(candidates):
            if len(terms & right[j]) < MIN_SHARED:
                continue
            score = overlap(terms, right[j], weight)
            if score < SAME_SCORE:
                continue
            if left_best[i] is None or score > left_best[i][1]:  # type: ignore[index]
                left_best[i] = (j, score)
            if right_best[j] is None or score > right_best[j][1]:  # type: ignore[index]
                right_best[j] = (i, score)
    return left_best, right_best


def _sentences(
    spans: list[tuple[int, str, int, int]],
    best: list[tuple[int, float] | None],
    quote_marks: dict[int, list[tuple[int, int]]],
    other_figures: set[str],
) -> tuple[Sentence, ...]:
    """The sentences of one version, each with its partner and its marks
    (quotes given per paragraph, clipped to the sentence)."""
    out: list[Sentence] = []
    for index, (paragraph, text, start, end) in enumerate(spans):
        partner = best[index] if index < len(best) else None
        marks = [
            Mark(max(a, start) - start, min(b, end) - start, "quote")
            for a, b in quote_marks.get(paragraph, ())
            if a < end and b > start
        ]
        marks.extend(_figure_marks(text[start:end], other_figures))
        marks.sort(key=lambda m: (m.start, m.end))
        out.append(
            Sentence(
                text[start:end],
                paragraph,
                partner[0] if partner else None,
                round(partner[1], 3) if partner else 0.0,
                tuple(marks),
            )
        )
    return tuple(out)


def _paragraphs(spans: list[tuple[int, str, int, int]]) -> dict[int, str]:
    return {number: paragraph for number, paragraph, _, _ in spans}


def _quotes_of(spans: list[tuple[int, str, int, int]]) -> list[tuple[int, int, int, frozenset[str]]]:
    """``(paragraph, start, end, words)`` of each quote of a version: in its
    paragraph, so a quote of several sentences is one quote."""
    out: list[tuple[int, int, int, frozenset[str]]] = []
    for number, paragraph in _paragraphs(spans).items():
        for match in _QUOTE.finditer(paragraph):
            said = words(next(g for g in match.groups() if g is not None))
            if len(said) >= QUOTE_MIN_WORDS:
                out.append((number, match.start(), match.end(), frozenset(said)))
    return out


def _uncarried(
    mine: list[tuple[int, int, int, frozenset[str]]], theirs: list[tuple[int, int, int, frozenset[str]]]
) -> dict[int, list[tuple[int, int]]]:
    """paragraph -> spans of the quotes that no quote of the other version carries."""
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for paragraph, start, end, said in mine:
        if not any(len(said & other) >= QUOTE_CARRIED * len(said) for *_, other in theirs):
            out[paragraph].append((start, end))
    return out


def _figures_of(spans: list[tuple[int, str, int, int]]) -> set[str]:
    return {_figure(m.group()) for paragraph in _paragraphs(spans).values() for m in _NUMBER.finditer(paragraph)}


def _figure(text: str) -> str:
    """A figure's value as compared: no commas, no spaces, "per cent" as "%"."""
    return fold(text).replace(",", "").replace(" ", "").replace("percent", "%")


def _figure_marks(sentence: str, other_figures: set[str]) -> Iterable[Mark]:
    for match in _NUMBER.finditer(sentence):
        if _figure(match.group()) not in other_figures:
            yield Mark(match.start(), match.end(), "number")
