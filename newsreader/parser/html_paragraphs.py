"""The text of HTML that is only plain blocks of inline markup, mostly in C.

Most feed items are ``<p>`` after ``<p>`` (or ``<div>``s, headings) of
words, links and emphasis. For them the general walk
(:mod:`newsreader.parser.htmltext`) spends its time in Python on every start
and end of every element. Here one pass over the elements (no text read)
tells such a tree apart; each link's ``(address)`` and each block's edges
are written into the tree, and libxml2 serialises the text of the whole body
at once, to be split into paragraphs at the edges. The result is the
walk's, character for character (the tests compare the two); a tree this
does not read is left to the walk as it was. Measured in
benchmarks/MEASUREMENTS.md ("HTML of plain paragraphs").
"""

from __future__ import annotations

import re

from lxml import etree

from newsreader.parser.html_links import link_target, same_address
from newsreader.parser.plaintext import ASCII_SPACES, drop_invisible, holds_any, one_line

__all__ = ["paragraphs_text"]

# Elements the walk reads as plain inline text (none is a block, a cell, a
# break, skipped or a link but ``a``) and that libxml2 keeps inside a ``<p>``.
_INLINE = (
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "big",
    "cite",
    "code",
    "data",
    "del",
    "dfn",
    "em",
    "font",
    "i",
    "img",
    "ins",
    "kbd",
    "mark",
    "nobr",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "time",
    "tt",
    "u",
    "var",
    "wbr",
)
_INLINE_TAGS = frozenset(_INLINE)
# Blocks that only end one paragraph and start the next (no bullet, quote,
# table or preformatted text): a subset of the walk's plain blocks.
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "figure",
        "figcaption",
        "address",
        "center",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "hgroup",
    }
)
# Blocks nested deeper than this are left to the walk (the check here
# recurses; the walk does not).
_MAX_DEPTH = 40
# Put at each block's edges in the tree, so that the serialised text
# splits into paragraphs there. libxml2 reads a raw CR as a newline, so only
# a character reference puts one into the text: such markup is not read here.
_EDGE = "\r"
_CR_REFERENCE = re.compile(r"&#(?:0*13(?![0-9])|[xX]0*[dD](?![0-9a-fA-F]))")
_SPACES_BUT = {edge: tuple(c for c in ASCII_SPACES if c != edge) for edge in (_EDGE, "\n")}

# The text before a block: (element, True for its tail / False for its
# text), and the block.
_Edge = tuple[etree._Element, bool, etree._Element]
# A text changed: (element, its tail?, the value it had).
_Change = tuple[etree._Element, bool, str | None]


def _blocks_of(el: etree._Element, depth: int, found: list[_Edge], links: list[etree._Element]) -> int:
    """How many of block ``el``'s children are blocks when its content is
    only blocks and inline elements holding no block, else -1. Each block
    found at any depth goes into ``found``, each link into ``links``, in
    the document's order."""
    before, tail = el, False
    blocks = 0
    for child in el:
        tag = child.tag
        if tag in _INLINE_TAGS:
            if tag == "a":
                links.append(child)
            if len(child):
                for inner in child.iterdescendants():
                    tag = inner.tag
                    if tag not in _INLINE_TAGS:
                        return -1
                    if tag == "a":
                        links.append(inner)
        elif tag in _BLOCKS and depth < _MAX_DEPTH:
            found.append((before, tail, child))
            blocks += 1
            if len(child) and _blocks_of(child, depth + 1, found, links) < 0:
                return -1
        else:
            return -1
        before, tail = child, True
    return blocks


def paragraphs_text(root: etree._Element, markup: str, base_url: str | None, max_chars: int) -> str | None:
    """The walk's text of ``root`` (parsed from ``markup``) when it is only
    paragraphs, else None (and the tree as it was: the walk reads it next)."""
    if root.tag != "html" or len(root) != 1 or (root.text and root.text.strip()):
        return None
    body = root[0]
    found: list[_Edge] = []
    links: list[etree._Element] = []
    if body.tag != "body":
        return None
    blocks = _blocks_of(body, 0, found, links)
    if blocks < 0:
        return None
    changes: list[_Change] = []
    _show_addresses(links, base_url, changes)
    lines = _side_by_side(body) if blocks == len(found) == len(body) else None
    if lines is None:
        lines = _marked(body, markup, found, changes)
    text = "" if lines is None else "\n\n".join(line for line in lines if line)
    if lines is None or len(text) + 2 > max_chars:  # past the cap, the walk cuts
        for el, tail, value in reversed(changes):  # a text changed twice gets its first value
            if tail:
                el.tail = value
            else:
                el.text = value
        return None
    return text if text.isascii() else drop_invisible(text)


def _one_lines(whole: str, pieces: list[str], edge: str) -> list[str]:
    """Each piece of ``whole`` (split at ``edge``) on one line."""
    if whole.isascii() and "  " not in whole and not holds_any(whole, _SPACES_BUT[edge]):
        return [piece.strip(" ") for piece in pieces]
    return [one_line(piece) for piece in pieces]


def _side_by_side(body: etree._Element) -> list[str] | None:
    """The lines of a body of blocks side by side with only whitespace
    around them (most items), else None."""
    # One newline after each block (in place of whitespace the walk drops:
    # harmless if another text turns out not to be whitespace) and the text
    # serialised at once: unless a block's text holds a newline too, it
    # splits into the blocks.
    text = body.text
    if text is not None:
        if text.strip():
            return None
        body.text = None
    for block in body:
        tail = block.tail
        if tail != "\n":
            if tail and tail.strip():
                return None
            block.tail = "\n"
    whole = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
    pieces = whole.split("\n")
    if len(pieces) == len(body) + 1:
        return _one_lines(whole, pieces, "\n")
    return [one_line(etree.tostring(block, method="text", encoding="unicode", with_tail=False)) for block in body]


def _marked(body: etree._Element, markup: str, found: list[_Edge], changes: list[_Change]) -> list[str] | None:
    """The lines of any body of blocks, each block's edges marked in the
    tree; None when the document holds a mark of its own."""
    # One character is found at once (memchr), two are searched for.
    if "&" in markup and "&#" in markup and _CR_REFERENCE.search(markup):
        return None
    marks = 0
    for el, tail, block in found:
        marks += _mark(changes, el, tail, at_end=True) + _mark(changes, block, True, at_end=False)
    whole = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
    pieces = whole.split(_EDGE)
    return _one_lines(whole, pieces, _EDGE) if len(pieces) == marks + 1 else None


def _mark(changes: list[_Change], el: etree._Element, tail: bool, *, at_end: bool) -> int:
    """Put a paragraph's edge into a text; how many marks that added."""
    value = el.tail if tail else el.text
    if value is None or not value.strip():
        # Whitespace at a paragraph's edge is dropped by the walk: the mark
        # takes its place (it may be there already, for the block before).
        if value == _EDGE:
            return 0
        new = _EDGE
    else:
        new = value + _EDGE if at_end else _EDGE + value
    changes.append((el, tail, value))
    if tail:
        el.tail = new
    else:
        el.text = new
    return 1


def _show_addresses(links: list[etree._Element], base_url: str | None, changes: list[_Change]) -> None:
    """Each shown address written at the end of its link's own text (short:
    lxml checks every character it is given). Innermost first: an outer
    link's label holds an inner one's address."""
    for link in reversed(links):
        target = link_target(link.get("href"), base_url)
        if target is None:
            continue
        label = one_line((link.text or "") if not len(link) else "".join(link.itertext()))
        if label and ((" " in label and "://" not in label) or not same_address(label, target)):
            if len(link):
                last = link[-1]
                changes.append((last, True, last.tail))
                last.tail = (last.tail or "") + f" ({target})"
            else:
                changes.append((link, False, link.text))
                link.text = f"{link.text} ({target})"  # a label: some text
