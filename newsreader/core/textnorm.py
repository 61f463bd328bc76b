"""Text normalisation shared by deduplication, search and relatedness."""

from __future__ import annotations

import re
import unicodedata

# Curly quotes and dashes, and what they fold to.
_QUOTES = (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2013", "-"), ("\u2014", "-"))
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_WORD = re.compile(r"[^\W\d_][\w'-]*|\d[\w.,]*", re.UNICODE)
# Punctuation that is neither a word character nor one :data:`_WORD` lets
# inside a word (``'`` and ``-`` are).
_AROUND_WORD = '.,;:!?()[]{}"*'

#: Words too common in news to say anything about what a story is about.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "new",
        "one",
        "two",
        "three",
        "first",
        "last",
        "year",
        "years",
        "week",
        "weeks",
        "day",
        "days",
        "today",
        "yesterday",
        "tomorrow",
        "time",
        "times",
        "according",
        "after",
        "amid",
        "mr",
        "mrs",
        "ms",
        "may",
        "might",
        "must",
        "shall",
        "could",
        "us",
        "its",
        "it's",
        "don't",
        "can't",
        "won't",
        "also",
        "still",
        "even",
        "well",
        "back",
        "many",
        "much",
        "per",
        "via",
        "like",
        "get",
        "got",
        "make",
        "made",
        "told",
        "tells",
        "since",
        "ago",
        "around",
    ]
)


def fold(text: str) -> str:
    """Lowercase, NFKC and straight quotes: the form every comparison uses."""
    if text.isascii():  # NFKC and the quotes leave ASCII as it is; casefold is lower
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    # str.translate looks every character up in a dict, in Python's own
    # slow way beyond ASCII; each replace scans for its one character in C.
    for curly, straight in _QUOTES:
        text = text.replace(curly, straight)
    return text.casefold()


def normalize_title(title: str) -> str:
    """A title reduced to its words, so `Akazawa talks of 'dense fog'` and
    `Akazawa Talks Of “Dense Fog”` compare equal."""
    # A parse worker asks twice for each article's title (its story key,
    # its row): the last answer is kept for the very same string.
    global _last_title
    last = _last_title
    if last[0] is title:
        return last[1]
    normal = " ".join(_NON_WORD.sub(" ", fold(title)).split())
    _last_title = (title, normal)
    return normal


_last_title: tuple[str | None, str] = (None, "")


def normalize_name(name: str) -> str:
    """A source name as an identity key (`Japan Times` == `japan  times`)."""
    return " ".join(fold(name).split())


def words(text: str) -> list[str]:
    """Folded word tokens of ``text`` (letters first; numbers kept whole)."""
    return _WORD.findall(fold(text))


def content_terms(text: str) -> list[str]:
    """Words that carry meaning: no stopwords, no one- or two-letter words.

    The :func:`words` of ``text``, found a run of non-space characters at a
    time (no word spans a space): a run of letters alone is one word as it
    stands, and only the others (punctuation, digits) go through the
    pattern, which costs far more per character than a split.
    """
    terms: list[str] = []
    append = terms.append
    for run in fold(text).split():
        if not run.isalpha():
            terms += run_terms(run)
        elif len(run) > 2 and run not in STOPWORDS:
            append(run)
    return terms


def run_terms(run: str) -> list[str]:
    """The :func:`content_terms` of one folded run of non-space characters
    that is not letters alone."""
    # A word between punctuation that neither starts nor continues one
    # ("(word),"): the pattern would find that word alone.
    word = run.strip(_AROUND_WORD)
    if word.isalpha():
        return [word] if len(word) > 2 and word not in STOPWORDS else []
    return [w for w in _WORD.findall(run) if len(w) > 2 and w not in STOPWORDS]
