"""Plain text helpers shared by the HTML walk and the parsers: one line,
shortening at a word, windows-1252 punctuation in C1 controls, paragraphs."""

from __future__ import annotations

import html
import re
from itertools import repeat
from operator import contains

from newsreader.core.sanitize import clean, one_line

__all__ = [
    "ASCII_SPACES",
    "BLANK_LINES",
    "INVISIBLE",
    "MAX_TEXT_CHARS",
    "cap_text",
    "clean_short",
    "clean_text",
    "drop_invisible",
    "finish_text",
    "fix_c1",
    "holds_any",
    "looks_like_html",
    "one_line",
    "paragraph_line",
    "plain_to_text",
    "shorten",
]

#: Longest text one conversion returns; the rest is cut with a marker.
MAX_TEXT_CHARS = 200_000

BLANK_LINES = re.compile(r"\n\s*\n")
INVISIBLE = re.compile("[\u00ad\u200b\u2060]")
_TAG_LIKE = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|!--)>|&(?:#|[A-Za-z]+;)", re.S)
_LEFTOVER_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_TRUNCATED = "\n\n[…]"
_C1_CHARS = tuple(map(chr, range(0x80, 0xA0)))
_C1_TO_CP1252 = {code: bytes([code]).decode("cp1252", "ignore") or None for code in range(0x80, 0xA0)}


def drop_invisible(text: str) -> str:
    """``text`` without soft hyphens, zero-width spaces and word joiners."""
    # A regular expression scans every character of a long text; ``in``
    # finds one character in C (and at once when the text cannot hold it).
    if "\u00ad" in text or "\u200b" in text or "\u2060" in text:
        return INVISIBLE.sub("", text)
    return text


def holds_any(text: str, chars: tuple[str, ...]) -> bool:
    """Whether ``text`` holds any of ``chars`` (single characters): ``in``
    looks for one in C, faster than a pattern scans for their class."""
    return any(map(contains, repeat(text), chars))


# The whitespace of ASCII text but the space (what str.split() breaks at).
ASCII_SPACES = ("\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f")


def paragraph_line(text: str) -> str:
    """:func:`one_line` of a paragraph: in ASCII text, ``in`` finds each
    other whitespace character in C far faster than ``isprintable`` reads
    every character; without them and a double space, only the ends change."""
    if text.isascii() and "  " not in text and not holds_any(text, ASCII_SPACES):
        return text.strip(" ")
    return one_line(text)


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds a tag or an entity reference worth decoding."""
    return ("<" in text or "&" in text) and _TAG_LIKE.search(text) is not None


def clean_short(text: str | None, limit: int) -> str:
    """``text`` as one sanitized line of at most ``limit`` characters.

    Cut before cleaning, so a long text costs no more than a short one.
    """
    if not text:
        return ""
    if len(text) <= limit and "  " not in text and text.isprintable():
        return text.strip(" ")  # nothing to clean, collapse or cut (see one_line)
    # Cleaning and collapsing work a character at a time, so the line made
    # of a head of the text is the head of the line made of all of it (up
    # to a space at its end). Once that line is longer than ``limit``, the
    # cut falls inside it: a summary of a long body reads a short window
    # first, and the whole allowance only when the window was not enough.
    allowance = limit * 4 + 16
    window = limit + _SHORT_WINDOW
    if len(text) > window and window < allowance:
        line = _one_clean_line(text[:window])
        if len(line) > limit:
            return shorten(line, limit)
    return shorten(_one_clean_line(text[:allowance]), limit)


# Past the limit, what a summary's window holds beyond it: a paragraph
# break or two and a few spaces collapse away in a usual body.
_SHORT_WINDOW = 64


def _one_clean_line(text: str) -> str:
    # clean_line's own space collapsing is a regex; one_line is faster.
    # A paragraph break made one space first spares it the general way
    # (whitespace for whitespace: the same words, and clean() turns it to
    # spaces anyway).
    if "\n\n" in text:
        text = text.replace("\n\n", " ")
    if text.isascii() and not holds_any(text, _ASCII_CONTROLS):
        # Nothing for clean() to remove, and no whitespace but spaces and
        # line breaks: what clean() and one_line() then do, without
        # reading every character twice (isprintable).
        if "\n" in text:
            text = text.replace("\n", " ")
        return text.strip(" ") if "  " not in text else " ".join(text.split())
    return one_line(clean(text, newlines=False))


# What clean() removes from ASCII text (or, CR, turns into a line feed):
# everything below the space but the tab and the line feed, and DEL.
_ASCII_REMOVED = tuple(map(chr, [*range(0x09), *range(0x0B, 0x20), 0x7F]))
# Those and the tab, which a one-line field makes a space.
_ASCII_CONTROLS = ("\t", *_ASCII_REMOVED)


def clean_text(text: str) -> str:
    """``clean(text)``: in ASCII text that holds none of the controls it
    removes (the tab it keeps), ``in`` tells in C without reading every
    character (isprintable)."""
    if text.isascii() and not holds_any(text, _ASCII_REMOVED):
        return text
    return clean(text)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with ``…``."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def fix_c1(text: str) -> str:
    """C1 control characters read as the windows-1252 punctuation they were meant as.

    Feeds written on Windows put ``&#146;`` (or the UTF-8 of U+0092) where
    they mean a right quote; the sanitizer would otherwise delete it.
    """
    # ``in`` finds a character in C far faster than a pattern scans for a
    # class of them, and most text holds none of the 32.
    if not text.isascii() and holds_any(text, _C1_CHARS):
        return text.translate(_C1_TO_CP1252)
    return text


def finish_text(text: str) -> str:
    """Text from an HTML walk, entities escaped twice decoded, C1 punctuation fixed."""
    # Feeds often escape twice ("AT&amp;amp;T"); one more pass leaves no
    # entity for the reader to puzzle over.
    if "&" in text and _LEFTOVER_ENTITY.search(text):
        text = html.unescape(text)
    return fix_c1(text)


def plain_to_text(text: str, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Plain text with paragraphs kept (blank lines) and whitespace tidied."""
    if "\n" not in text and "\r" not in text and len(text) <= max_chars:
        text = one_line(text)
        return text if text.isascii() else fix_c1(drop_invisible(text))
    text = fix_c1(drop_invisible(text.replace("\r\n", "\n").replace("\r", "\n")))
    paragraphs = []
    for para in BLANK_LINES.split(text):
        lines = [one_line(line) for line in para.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return cap_text("\n\n".join(paragraphs), max_chars)


def cap_text(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return shorten(text, max_chars - len(_TRUNCATED)) + _TRUNCATED
