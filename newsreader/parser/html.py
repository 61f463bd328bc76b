"""A web page -> its one article: main text without the page's chrome.

The body comes from trafilatura (a well-kept main-content extractor, imported
lazily so starting the app does not pay for it), run on a tree that *we*
parsed: decoding, size and depth limits and the no-network parser are ours.
Metadata (title, author, dates, canonical URL, captions) is read by
:mod:`newsreader.parser.html_meta` from the page itself, not by trafilatura.

What we add to trafilatura's body, each measured on the public extraction
benchmark (``benchmarks/html_extraction.py``; trafilatura 2.3.1 alone scores
F1 0.9601 there, with all of this 0.9707; the figure is the F1 without that step):

* a plain-text rendering of its tree (:mod:`newsreader.parser.html_render`):
  blank lines between blocks, ``- `` list items, ``> `` quotes;
* chrome removed before extraction: newsletter, related-story, share and
  print boxes, hidden microdata (:mod:`newsreader.parser.html_prune`; 0.9675);
* tables that lay out the page turned into plain blocks (0.9695);
* a second opinion when trafilatura stops short: the page's story element
  read directly (:mod:`newsreader.parser.html_fallback`) when it holds
  clearly more prose, as with stories split over several containers (0.9679);
* the headline dropped from the top of the body: the reader shows it apart
  (0.9673);
* later copies of a long paragraph dropped: pages that carry the story twice
  (0.9703).

Which text becomes the body is decided by :mod:`newsreader.parser.html_choose`
among several methods, in this order: the story element (when it qualifies),
trafilatura on the pruned page, trafilatura tuned for recall on the page as
it came, readability-lxml, and last our own reading of the page's prose
outside its chrome. Each text is judged by what an article looks like, not
by its length; the order and the thresholds are measured in
``benchmarks/html_extraction_results.md``.

A page without readable prose (an index, a login form, a paywall stub, a
gallery) raises ``ParseError("no readable text")``; a short article (a
headline and a few paragraphs) is never refused.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
from datetime import UTC, date, datetime, timedelta

from newsreader.core.models import Article, ParsedDocument, ParseError
from newsreader.core.sanitize import clean, clean_line
from newsreader.parser.html_choose import PageProfile, PageRules, choose, headline_of, without_chrome
from newsreader.parser.html_fallback import prose_words, story_blocks
from newsreader.parser.html_meta import PageMeta, article_root, read_meta
from newsreader.parser.html_prune import prune_chrome, unwrap_layout_tables
from newsreader.parser.html_render import render_blocks

MAX_HTML_BYTES = 16 * 1024 * 1024
#: libxml2 stops nesting at 255 levels; we refuse anything deeper in case a
#: build behaves otherwise (trafilatura walks trees recursively).
MAX_DEPTH = 400
#: News pages have 300-1,600 elements (the benchmark's 181); extraction costs
#: ~40 us per element, so this bounds a page to a few seconds.
MAX_ELEMENTS = 100_000
#: Read the story element ourselves when it holds this many times the words
#: trafilatura returned (measured: 1.5 fixes split stories, moves no other page).
FALLBACK_RATIO = 1.5

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.I)
# Labels that browsers read as windows-1252 (WHATWG encoding standard).
_AS_CP1252 = {
    "iso-8859-1",
    "iso8859-1",
    "latin1",
    "latin-1",
    "l1",
    "ascii",
    "us-ascii",
    "iso-ir-100",
    "cp819",
    "ibm819",
    "windows-1252",
    "cp1252",
    "x-cp1252",
}

_WORD = re.compile(r"\w+")


def decode(data: bytes) -> str:
    """Bytes -> text: BOM, then valid UTF-8, then the declared charset, then cp1252.

    Valid UTF-8 wins over a declaration because a page re-saved as UTF-8
    keeps its old ``<meta charset>`` far more often than a legacy-encoded page
    happens to be valid multi-byte UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    label = m.group(1).decode("ascii").lower() if m else ""
    if label in _AS_CP1252 or label.startswith(("utf-16", "utf-32", "utf16")):
        label = "cp1252"
    try:
        codecs.lookup(label)
    except LookupError:
        label = "cp1252"
    return data.decode(label or "cp1252", errors="replace")


def load_tree(data: bytes):
    """Parse with lxml: no network, comments and PIs dropped, depth bounded."""
    if len(data) > MAX_HTML_BYTES:
        raise ParseError(f"document too large ({len(data)} bytes, limit {MAX_HTML_BYTES})")
    import lxml.html
    from lxml import etree

    text = decode(data)
    if not text.strip():
        raise ParseError("empty document")
    # Strip an XML declaration so the re-encoded bytes cannot claim another charset.
    text = re.sub(r"^\s*<\?xml[^>]{0,200}\?>", "", text, count=1)
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, collect_ids=False, huge_tree=False
    )
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"unreadable HTML ({' '.join(str(exc).split())[:80]})") from None
    depth = elements = 0
    for event, _el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            elements += 1
        else:
            depth -= 1
        if depth > MAX_DEPTH:
            raise ParseError("document nested too deeply")
    if elements > MAX_ELEMENTS:
        raise ParseError(f"document too complex ({elements} elements, limit {MAX_ELEMENTS})")
    return tree


# --- body -----------------------------------------------------------------


def _key(text: str | None) -> str:
    return " ".join(_WORD.findall((text or "").lower()))


def _drop_repeated_head(blocks: list[str], meta: PageMeta) -> list[str]:
    """Drop the headline from the top of the body: the reader shows it apart.

    A standfirst equal to the meta description stays: on as many pages that
    "description" is the story's first paragraph (measured: dropping it too
    moved F1 by 0.000, trading recall for precision), and losing a lede is
    worse for a reader than seeing a standfirst twice.
    """
    title = _key(meta.title)
    out = list(blocks)
    while out and title:
        first = _key(out[0])
        if first == title or (len(first) > 20 and title.startswith(first)):
            out.pop(0)
        else:
            break
    return out


def _drop_repeated_paragraphs(body) -> None:
    """Remove later copies of a long paragraph (pages that hold the story twice).

    Only ``<p>`` of 50+ words: interview questions, recipe lines and table
    rows of 15-30 words do repeat on purpose.
    """
    seen: set[str] = set()
    for p in list(body.iter("p")):
        key = _key(" ".join(p.itertext()))
        if key.count(" ") < 49:
            continue
        if key in seen:
            p.getparent().remove(p)
        seen.add(key)


def _story_around_headline(tree, title: str | None) -> set:
    """The elements that hold the headline and the paragraphs of the story
    below it: a short story is a small share of a long page, and a box
    named like chrome around it must not take it away."""
    body = tree.find("body")
    headline = headline_of(body, title) if body is not None else None
    if headline is None:
        return set()
    return {el for el in headline.iterancestors() if _prose_paragraphs(el) >= 2}


def _prose_paragraphs(el) -> int:
    return sum(1 for p in el.iter("p") if len(_WORD.findall(p.text_content())) >= 20)


def _looks_like_listing(tree) -> bool:
    """Many linked headlines or many <article> teasers: an index page."""
    linked_headings = len(tree.xpath("//h1[.//a]|//h2[.//a]|//h3[.//a]|//h4[.//a]|//a[.//h2 or .//h3 or .//h4]"))
    return linked_headings >= 5 or len(tree.xpath("//article")) >= 4


def _has_password_field(tree) -> bool:
    return any((i.get("type") or "").lower() == "password" for i in tree.iter("input"))


def _paywall_markers(tree) -> bool:
    return bool(
        tree.xpath(
            '//*[contains(@class,"paywall") or contains(@id,"paywall") '
            'or contains(@class,"subscriber-only") or contains(@class,"regwall")]'
        )
    )


@functools.cache
def _trafilatura():
    """Import trafilatura on first use (~0.1 s: the app only needs it for web pages)."""
    import trafilatura

    # Its warnings ("discarding data: ...") would reach stderr through
    # logging's last-resort handler and scribble over the terminal UI.
    logging.getLogger("trafilatura").addHandler(logging.NullHandler())
    return trafilatura


def _trafilatura_blocks(tree, url: str | None, *, recall: bool = False) -> list[str]:
    """trafilatura's body of ``tree`` as blocks; ``recall`` asks it to keep more."""
    document = _trafilatura().bare_extraction(
        tree,
        url=url,
        favor_recall=recall,
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
    )
    body = getattr(document, "body", None)
    if body is None:
        return []
    _drop_repeated_paragraphs(body)
    return render_blocks(body)


def _story_element_blocks(tree, found: list[str]) -> list[str] | None:
    """The page's story element read directly, when it holds clearly more
    prose than trafilatura kept (a story split into chunks); else None."""
    root = article_root(tree)
    if root.tag == "body":
        return None
    words = sum(len(_WORD.findall(b)) for b in found)
    if prose_words(root) < FALLBACK_RATIO * words + 50:
        return None
    direct = story_blocks(root)
    return direct if sum(len(_WORD.findall(b)) for b in direct) >= FALLBACK_RATIO * words else None


def _readability_blocks(tree) -> list[str]:
    """readability-lxml's article of ``tree`` (which it changes) as blocks."""
    import lxml.html
    from readability import Document

    summary = Document(tree).summary(html_partial=True)
    if not summary or not summary.strip():
        return []
    return render_blocks(lxml.html.fragment_fromstring(summary, create_parent="div"))


def parse(data: bytes, *, as_of: datetime | None = None, url: str | None = None) -> ParsedDocument:
    """One web page -> a ParsedDocument holding its article (``main=0``).

    ``url`` is where the page came from: relative links (the canonical URL)
    resolve against it, and its host names the source when the page does
    not. ``as_of`` is "now" for the page: a published date more than a day
    after it is a page's mistake and is dropped. Raises only ParseError.
    """
    return parse_page(data, as_of=as_of, url=url)[0]


def parse_page(data: bytes, *, as_of: datetime | None = None, url: str | None = None) -> tuple[ParsedDocument, str]:
    """:func:`parse`, and the name of the method that found the body."""
    if len(data) > MAX_HTML_BYTES:
        raise ParseError(f"document too large ({len(data)} bytes, limit {MAX_HTML_BYTES})")
    try:
        return _parse(data, as_of, url)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("document nested too deeply") from None
    except MemoryError:
        raise ParseError("document too large to parse") from None
    except Exception as exc:  # noqa: BLE001 - a library bug must not end an import
        raise ParseError(f"html: {type(exc).__name__}") from None


def _parse(data: bytes, as_of: datetime | None, url: str | None) -> tuple[ParsedDocument, str]:
    tree = load_tree(data)
    meta = read_meta(tree, url)  # before pruning: captions and bylines live in the chrome too
    paywall = meta.paywalled or _paywall_markers(tree)
    login = _has_password_field(tree)
    page = PageProfile.of(tree, meta.title)
    prune_chrome(tree, keep=_story_around_headline(tree, meta.title))
    unwrap_layout_tables(tree)
    rules = PageRules(meta.is_article, _looks_like_listing(tree), paywall, login)

    def fresh_tree():
        fresh = load_tree(data)
        unwrap_layout_tables(fresh)
        return fresh

    def finish(blocks: list[str] | None) -> list[str]:
        cleaned = _drop_repeated_head([clean(b).strip() for b in blocks or []], meta)
        return [b for b in cleaned if b]

    precise = _trafilatura_blocks(tree, meta.url)
    methods = [
        ("story element", lambda: finish(_story_element_blocks(tree, precise))),
        ("trafilatura", lambda: finish(precise)),
        ("trafilatura recall", lambda: finish(_trafilatura_blocks(fresh_tree(), meta.url, recall=True))),
        ("readability", lambda: finish(_readability_blocks(fresh_tree()))),
    ]
    if not rules.listing:  # an index page's prose is its teasers
        methods.append(("page prose", lambda: finish(without_chrome(story_blocks(tree.find("body")), page))))
    chosen = choose(methods, page, rules)
    blocks, method = chosen.blocks, chosen.method
    warnings = []
    if meta.paywalled:
        warnings.append("the page marks the article as subscriber-only: the text may be only its opening")
    published, precision = meta.published, meta.precision
    if published is not None and as_of is not None and _after(published, as_of + timedelta(days=1)):
        warnings.append(f"published date {meta.published_text!r} is in the future; ignored")
        published, precision = None, "unknown"
    article = Article(
        title=clean_line(meta.title) or clean_line(blocks[0][:120]),
        body="\n\n".join(blocks),
        source=meta.source,
        url=meta.url,
        published=published,
        published_text=meta.published_text,
        precision=precision,
        summary=meta.summary,
        captions=meta.captions,
        tags=meta.tags,
        author=meta.author,
        updated=meta.updated,
        images=meta.images,
    )
    return ParsedDocument(format="html", articles=[article], main=0, warnings=warnings), method


def _after(value: datetime | date, limit: datetime) -> bool:
    if limit.tzinfo is None:
        limit = limit.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value > limit
    return value > limit.astimezone(UTC).date()
