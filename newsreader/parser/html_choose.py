"""Choosing the article's text among what several extraction methods found.

Each method (our reading of the story element, trafilatura on the pruned
page, trafilatura tuned for recall, readability-lxml, our reading of the
page's prose outside its chrome) hands back plain text blocks: a
:class:`Candidate`. A candidate is judged by what an article looks like,
measured against a :class:`PageProfile` taken before the page was pruned:
how much of it is link text, how much repeats (``Reply``, ``Share``), how
much comes from the page's chrome (navigation, menus and datelines above the
headline, boxes named as comments, related links, footers) and what share of
the whole page it is. Length alone never wins: a text that is most of the
page and carries its chrome is "the whole page", a text that is mostly
chrome is not the article, and the next method is asked instead.

:func:`choose` walks the methods in order and keeps the first text that
reads as the article, with two corrections: a short text (a few paragraphs)
gives way to a later library's clean text that holds it and a little more
(the precise method stopped short); a text that holds a much smaller one
that readability-lxml finds too, or that is a large part of the page around
readability's much smaller text, gives way to that smaller text (the
precise method took in other stories or replies). A page is refused
(``ParseError("no readable text")``) only when no method finds prose: an
index, a login form, a paywall stub, a gallery.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsreader.core.models import ParseError

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# A sentence ends at . ! ? before a space, the end, or a capital (pages do
# lose the space between sentences: "on Wednesday.The stabbing...").
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*(?=\s|$|[^\W\d_a-z])")
# Containers whose text is not the article: comments, related and promoted
# links, sharing and navigation boxes (whole words of a class or id).
_CHROME_NAMES = re.compile(
    r"(?<![a-z])(?:comments?|commentlist|replies|reply|disqus|discussion|respond|"
    r"related|recirc\w*|more-stories|more-reading|read-more|more-news|recommended|you-may-like|also-like|read-next|up-next|"
    r"most-popular|most-read|popular|trending|sidebar|menu|navbar|nav|breadcrumbs?|"
    r"footer|masthead|share|sharing|social|newsletters?|subscribe|signup|promo|sponsor\w*|"
    r"taboola|outbrain|ads?|advert\w*|cookies?|consent|paywall|regwall|subscription)(?![a-z])"
)
# Readers' comments: chrome however much of the page they fill.
_COMMENT_NAMES = re.compile(r"(?<![a-z])(?:comments?|commentlist|replies|reply|disqus|discussion|respond)(?![a-z])")
_CHROME_TAGS = {"nav", "aside", "footer", "form", "menu"}
_NEVER_CHROME = {"body", "main", "article"}
_BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "blockquote", "figcaption", "td"}
#: A named box holding the headline or more than this share of the page's
#: paragraph text is the page's content whatever its name
#: (``<div class="container with_sidebar">``).
_CHROME_MAX_SHARE = 0.3
_ABOVE_MAX_WORDS = 12
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link"}

#: A text shorter than this many prose words may be the precise method
#: stopping short: a later method's text that holds it is preferred.
SHORT_WORDS = 120
#: A text is "most of the page" from this share of the page's words on...
WHOLE_SHARE = 0.5
#: ...on a page of at least this many words (a short page is mostly article).
WHOLE_PAGE_MIN_WORDS = 500
#: Shares of a text's words that mark it as chrome, not article.
MAX_CHROME_SHARE = 0.15
MAX_LINK_SHARE = 0.2
MAX_REPEAT_SHARE = 0.1
#: A text that is this share chrome or links is not the article, however
#: small a part of the page it is.
MOSTLY = 0.5
#: ...and has at least this many times its prose, and at most this many.
MORE = 1.3
MOST = 3.0
#: A text this share of the page or more gives way to a later method's text
#: at least this many times smaller that it holds (of this many prose words).
CROWDED = 0.4
INSIDE_RATIO = 3.0
MIN_INSIDE = 50
#: A text gives way to two later methods that agree on a text this many
#: times smaller inside it.
AGREED_RATIO = 1.5
#: A later text "holds" an earlier one when this share of the earlier
#: one's 4-word shingles are in it.
HOLDS = 0.6


def size(k: str) -> int:
    """Words in a key; Chinese, Japanese and Korean text, written without
    spaces, counts one word for every two of its characters."""
    if not k:
        return 0
    return k.count(" ") + 1 + len(_CJK.findall(k)) // 2


def key(text: str | None) -> str:
    """Lower-case words only: the form in which texts are compared."""
    return " ".join(_WORD.findall((text or "").lower()))


def _lines(blocks: Sequence[str]) -> list[str]:
    """The lines of the blocks, list and quote marks removed."""
    out = []
    for block in blocks:
        for line in block.split("\n"):
            line = line.strip().removeprefix("- ").removeprefix("> ")
            if line:
                out.append(line)
    return out


@dataclass
class PageProfile:
    """What the page holds besides any one method's text (read before pruning)."""

    words: int = 0
    link_keys: set[str] = field(default_factory=set)
    chrome_keys: set[str] = field(default_factory=set)
    _chrome_shingles: set[tuple[str, ...]] | None = None

    def is_chrome(self, k: str) -> bool:
        """Is this line (a key) the page's chrome? Either one of its chrome
        texts, or a line most of whose 4-word runs come from them (a method
        renders a reply without its "Reply" link, a box with its heading)."""
        if k in self.chrome_keys:
            return True
        tokens = k.split()
        if len(tokens) < 4:
            return False
        if self._chrome_shingles is None:
            self._chrome_shingles = {s for c in self.chrome_keys for s in _runs(c.split())}
        runs = _runs(tokens)
        return len(runs & self._chrome_shingles) >= HOLDS * len(runs)

    @classmethod
    def of(cls, tree, title: str | None) -> PageProfile:
        body = tree.find("body")
        profile = cls()
        if body is None:
            return profile
        from lxml import etree

        headline = headline_of(body, title)
        page_chars = max(1, _paragraph_chars(body))
        holds_headline = set(headline.iterancestors()) if headline is not None else set()
        before = headline is not None  # text above the headline is the masthead's
        # For each open element: (is it in chrome?, is its text never shown?)
        open_: list[tuple[bool, bool]] = [(False, False)]
        for event, el in etree.iterwalk(body, events=("start", "end")):
            if event == "end":
                open_.pop()
                chrome, hidden = open_[-1]
                profile._chunk(el.tail, chrome, hidden, above=before)
                continue
            if el is headline:
                before = False
            tag = el.tag if isinstance(el.tag, str) else ""
            names = f"{el.get('class', '')} {el.get('id', '')}".lower()
            chrome = open_[-1][0]
            if not chrome and (
                tag in _CHROME_TAGS or (tag not in _NEVER_CHROME and names.strip() and _CHROME_NAMES.search(names))
            ):
                chrome = el not in holds_headline and (
                    bool(_COMMENT_NAMES.search(names)) or _paragraph_chars(el) <= _CHROME_MAX_SHARE * page_chars
                )
            hidden = open_[-1][1] or not tag or tag in _SKIP_TAGS
            open_.append((chrome, hidden))
            if tag == "a" and not hidden:
                k = key(el.text_content())
                if k:
                    profile.link_keys.add(k)
            profile._chunk(el.text, chrome, hidden, above=before)
            if chrome and not hidden and tag in _BLOCK_TAGS:
                profile.chrome_keys.add(key(el.text_content()))  # the whole line, as a method renders it
        return profile

    def _chunk(self, text: str | None, chrome: bool, hidden: bool, *, above: bool = False) -> None:
        k = key(text)
        if not k or hidden:
            return
        n = size(k)
        self.words += n
        # Above the headline, menus, tickers and datelines are chrome; a
        # paragraph there is more likely a standfirst or the story itself.
        if chrome or (above and n < _ABOVE_MAX_WORDS):
            self.chrome_keys.add(k)


def _paragraph_chars(el) -> int:
    return sum(len(p.text_content()) for p in el.iter("p"))


def headline_of(body, title: str | None):
    """The page's headline element: the <h1> that matches the title, else the first."""
    h1s = [h for h in body.iter("h1") if key(h.text_content())][:10]
    want = key(title)
    for h in h1s:
        k = key(h.text_content())
        if want and (k == want or (len(k) > 20 and (k in want or want in k))):
            return h
    return h1s[0] if h1s else None


@dataclass
class Candidate:
    """One method's text for the article, measured.

    ``prose_words``/``sentences`` count lines of running text (six words or
    more); ``own_words``/``own_sentences`` count only those that are not in
    the page's chrome (a paywall prompt, a reader's reply).
    """

    method: str
    blocks: list[str]
    words: int = 0
    prose_words: int = 0
    sentences: int = 0
    own_words: int = 0
    own_sentences: int = 0
    longest: int = 0
    link_share: float = 0.0
    chrome_share: float = 0.0
    repeat_share: float = 0.0
    page_share: float = 0.0

    @classmethod
    def of(cls, method: str, blocks: list[str], page: PageProfile) -> Candidate:
        c = cls(method, blocks)
        lines = _lines(blocks)
        keys = [key(line) for line in lines]
        counts = Counter(keys)
        linked = chrome = repeated = 0
        for line, k in zip(lines, keys):
            n = size(k)
            c.words += n
            c.longest = max(c.longest, n)
            in_chrome = page.is_chrome(k)
            chrome += n if in_chrome else 0
            linked += n if k in page.link_keys else 0
            repeated += n if counts[k] >= 3 and n <= 6 else 0
            if n >= 6:
                found = len(_SENTENCE_END.findall(line))
                found = max(1, found) if n >= 12 else found
                c.prose_words += n
                c.sentences += found
                if not in_chrome:
                    c.own_words += n
                    c.own_sentences += found
        total = max(1, c.words)
        c.link_share, c.chrome_share, c.repeat_share = linked / total, chrome / total, repeated / total
        c.page_share = c.words / max(1, page.words)
        return c

    def has_prose(self) -> bool:
        """Some paragraphs of running text: two sentences and twenty words at least."""
        return self.sentences >= 2 and self.prose_words >= 20

    def looks_like_chrome(self) -> bool:
        return (
            self.link_share > MAX_LINK_SHARE
            or self.chrome_share > MAX_CHROME_SHARE
            or self.repeat_share > MAX_REPEAT_SHARE
        )

    def mostly_chrome(self) -> bool:
        """Half or more of it is the page's chrome or its links: not the article."""
        return self.chrome_share >= MOSTLY or self.link_share >= MOSTLY

    def whole_page(self, page: PageProfile) -> bool:
        """Most of a sizeable page, chrome included: the page, not its article."""
        return page.words >= WHOLE_PAGE_MIN_WORDS and self.page_share >= WHOLE_SHARE and self.looks_like_chrome()

    def holds(self, other: Candidate) -> bool:
        """Does this text contain most of ``other``'s (4-word shingles)?"""
        mine, theirs = _shingles(self.blocks), _shingles(other.blocks)
        return bool(theirs) and len(theirs & mine) >= HOLDS * len(theirs)


def without_chrome(blocks: Sequence[str], page: PageProfile) -> list[str]:
    """The blocks with every line of the page's chrome taken out."""
    out = []
    for block in blocks:
        lines = [
            line for line in block.split("\n") if not page.is_chrome(key(line.removeprefix("- ").removeprefix("> ")))
        ]
        if lines:
            out.append("\n".join(lines))
    return out


def _runs(tokens: list[str]) -> set[tuple[str, ...]]:
    """The 4-word runs of a list of words (the whole list when shorter)."""
    return {tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3))} if tokens else set()


def _shingles(blocks: Sequence[str]) -> set[tuple[str, ...]]:
    return _runs(key(" ".join(blocks)).split())


@dataclass
class PageRules:
    """What the page says of itself, for telling an article from a non-article."""

    is_article: bool
    listing: bool
    paywall: bool
    login: bool


def readable(c: Candidate, rules: PageRules) -> bool:
    """Is this text an article worth showing, not an index, login page or paywall stub?"""
    if not c.has_prose():
        return False
    if rules.listing and not rules.is_article:
        # An index page's "text" is linked headlines and teasers: prose that
        # is not links makes it a story.
        return c.longest >= 50 or (c.link_share <= 0.1 and c.prose_words >= 40 and c.sentences >= 3)
    if rules.paywall:  # two sentences and a subscription prompt are a teaser
        return c.own_sentences >= 3 and c.own_words >= 50
    # A login form with a paragraph of small print is not an article.
    return not (rules.login and not rules.is_article and c.own_words < 80)


Maker = Callable[[], "list[str] | None"]
#: The method used only when no other gives an article.
LAST_RESORT = "page prose"
#: The independent library whose smaller text inside a crowded one shows
#: where the article is.
SECOND_OPINION = "readability"


def _agreed_inside(
    c: Candidate, others: Sequence[Callable[[], Candidate | None]], opinion: Candidate | None
) -> Candidate | None:
    """A later text that the independent library agrees on, well inside ``c``.

    Two methods that find the same text independently, a good deal smaller
    than ``c`` and held by it, show that ``c`` took in text around the
    article (another story, a box of teasers). Returns the first such text;
    ``others`` are run only when the library's own text is small enough.
    """
    if opinion is None or opinion.prose_words < MIN_INSIDE or c.words < AGREED_RATIO * opinion.words:
        return None
    for make in others:
        x = make()
        if (
            x is not None
            and x.prose_words >= MIN_INSIDE
            and c.words >= AGREED_RATIO * x.words
            and x.holds(opinion)
            and opinion.holds(x)
            and c.holds(x)
        ):
            return x
    return None


def choose(methods: Sequence[tuple[str, Maker]], page: PageProfile, rules: PageRules) -> Candidate:
    """The text of the first method that reads as the whole article; see the module doc.

    ``methods`` are (name, maker) pairs in order of preference; a maker is
    called only when its text is needed and returns blocks or None.
    """
    made: dict[int, Candidate | None] = {}

    def get(i: int) -> Candidate | None:
        if i not in made:
            blocks = methods[i][1]()
            made[i] = Candidate.of(methods[i][0], blocks, page) if blocks else None
        return made[i]

    def acceptable(c: Candidate | None) -> bool:
        return c is not None and readable(c, rules) and not c.whole_page(page) and not c.mostly_chrome()

    for i in range(len(methods)):
        c = get(i)
        if not acceptable(c):
            continue
        assert c is not None
        # Later texts that may complete or narrow this one: the libraries',
        # not our last-resort reading of the whole page.
        later = [j for j in range(i + 1, len(methods)) if methods[j][0] != LAST_RESORT]
        if c.prose_words < SHORT_WORDS:
            # A short text: a later method may have the rest of it (clean
            # text around it, not the page's other stories).
            for j in later:
                other = get(j)
                if (
                    other is not None
                    and acceptable(other)
                    and not other.looks_like_chrome()
                    and MORE * c.prose_words <= other.prose_words <= MOST * c.prose_words
                    and other.holds(c)
                ):
                    return other
        else:
            opinion = [j for j in later if methods[j][0] == SECOND_OPINION]
            others = [functools.partial(get, j) for j in later if methods[j][0] != SECOND_OPINION]
            narrower = _agreed_inside(c, others, get(opinion[0]) if opinion else None)
            if narrower is not None and acceptable(narrower):
                return narrower
        if c.prose_words >= SHORT_WORDS and c.page_share >= CROWDED:
            # A large part of the page: when a later method finds a text a
            # few times smaller inside it, the rest is the page around the
            # article (other stories, replies), not the article.
            for j in later:
                if methods[j][0] != SECOND_OPINION:
                    continue  # the same library as this text, or ours
                other = get(j)
                if (
                    other is not None
                    and acceptable(other)
                    and other.prose_words >= MIN_INSIDE
                    and c.words >= INSIDE_RATIO * other.words
                    and c.holds(other)
                ):
                    return other
        return c
    # No method gave a text that reads as the article alone: the first prose
    # found is shown (the page may be all article, or its chrome misnamed).
    for i in range(len(methods)):
        c = get(i)
        if c is not None and readable(c, rules):
            return c
    raise ParseError("no readable text")
