"""The text of HTML that is only paragraphs of inline markup, read in C.

Most feed items are ``<p>`` after ``<p>`` of words, links and emphasis.
For them the general walk (:mod:`newsreader.parser.htmltext`) spends its
time in Python on every start and end of every element; here one XPath test
tells such a tree apart, the links get their ``(address)`` written into the
tree, and libxml2 serialises the text of the whole body at once. The result
is the walk's, character for character (the tests compare the two); any
tree this does not read whole is left to the walk.
"""

from __future__ import annotations

from lxml import etree

from newsreader.parser.html_links import link_target, same_address
from newsreader.parser.plaintext import ASCII_SPACES, drop_invisible, holds_any, one_line, paragraph_line

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
_SPACES_BUT_NEWLINE = tuple(c for c in ASCII_SPACES if c != "\n")


def _only_paragraphs(root: etree._Element) -> etree._Element | None:
    """The body of <html><body> holding only <p>s (whitespace between them)
    whose elements are all inline, else None."""
    if len(root) != 1 or (root.text and root.text.strip()):
        return None
    body = root[0]
    if body.tag != "body" or (body.text and body.text.strip()):
        return None
    for paragraph in body:
        if paragraph.tag != "p" or (paragraph.tail and paragraph.tail.strip()):
            return None
        for el in paragraph.iterdescendants():
            if el.tag not in _INLINE_TAGS:
                return None
    return body


def paragraphs_text(root: etree._Element, base_url: str | None, max_chars: int) -> str | None:
    """The walk's text of ``root`` when it is only paragraphs, else None
    (and the tree as it was: the walk reads it next)."""
    if root.tag != "html":
        return None
    body = _only_paragraphs(root)
    if body is None:
        return None
    # Each shown address goes into the tree at the end of its link's own
    # text (short: lxml checks every character it is given), so that the
    # text serialised below holds it. Innermost first: an outer link's label
    # holds an inner one's address.
    added: list[tuple[etree._Element, bool, str | None]] = []
    for link in reversed(list(body.iter("a"))):
        target = link_target(link.get("href"), base_url)
        if target is None:
            continue
        label = one_line((link.text or "") if not len(link) else "".join(link.itertext()))
        if label and ((" " in label and "://" not in label) or not same_address(label, target)):
            if len(link):
                last = link[-1]
                added.append((last, True, last.tail))
                last.tail = (last.tail or "") + f" ({target})"
            else:
                added.append((link, False, link.text))
                link.text = f"{link.text} ({target})"  # a label: some text
    text = "\n\n".join(line for line in _paragraph_lines(body) if line)
    if len(text) + 2 > max_chars:  # the walk stops at its cap: let it
        for el, is_tail, value in added:
            if is_tail:
                el.tail = value
            else:
                el.text = value
        return None
    return text if text.isascii() else drop_invisible(text)


def _paragraph_lines(body: etree._Element) -> list[str]:
    """Each paragraph's text on one line (maybe empty)."""
    # Paragraphs apart by one newline each (whitespace the walk drops) and
    # serialised at once: when the body's text holds no other newline, it
    # splits into the paragraphs, and the whole is checked for whitespace
    # to collapse in one pass.
    if body.text is not None:
        body.text = None
    for paragraph in body:
        if paragraph.tail != "\n":
            paragraph.tail = "\n"
    whole = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
    pieces = whole.split("\n")
    if len(pieces) == len(body) + 1:
        del pieces[-1]
        if whole.isascii() and "  " not in whole and not holds_any(whole, _SPACES_BUT_NEWLINE):
            return [piece.strip(" ") for piece in pieces]
        return [one_line(piece) for piece in pieces]
    return [paragraph_line(etree.tostring(p, method="text", encoding="unicode", with_tail=False)) for p in body]
