"""The one sanitizer for text that comes from outside.

Textual and Rich strip only BEL, BS, VT, FF and CR; ESC and the C1 controls
pass straight to the terminal (SECURITY.md, trap 1). Everything a feed, a page,
a file or a server says goes through :func:`clean` before it is stored and
again before it is drawn.
"""

from __future__ import annotations

import re

# C0 except TAB and LF, DEL, C1 (U+0080-U+009F), the bidi embeddings,
# overrides and isolates, and the Unicode line/paragraph separators (which
# terminals render as line breaks behind the layout's back).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
_CONTROL_KEEP_NO_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
# Lone surrogates cannot be encoded for SQLite or a file; replace them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str | None, *, newlines: bool = True) -> str:
    """Return ``text`` without control characters, ESC, C1 or bidi overrides.

    CR and CRLF become LF first so a line break is not lost; with
    ``newlines=False`` every line break becomes a space (for one-line fields
    such as titles and source names).
    """
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Most text holds nothing to remove, and every character removed or
    # replaced below (controls, format characters, line separators,
    # surrogates) is one isprintable() refuses: one C scan tells.
    probe = text.replace("\n", "") if "\n" in text else text
    if (probe.replace("\t", "") if "\t" in probe else probe).isprintable():
        return text if newlines else text.replace("\n", " ").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    if _has_surrogate(text):
        text = _SURROGATE.sub("\ufffd", text)
    if newlines:
        return _CONTROL.sub("", text)
    text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL_KEEP_NO_NEWLINE.sub("", text)


def _has_surrogate(text: str) -> bool:
    # Strict UTF-8 refuses exactly the surrogate code points, and encodes
    # far faster than a regular expression scans.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_line(text: str | None) -> str:
    """One-line field: controls removed, runs of whitespace collapsed."""
    return one_line(clean(text, newlines=False))


def one_line(text: str) -> str:
    """``text`` with every run of whitespace made one space, none at the ends."""
    # Printable text holds no whitespace but " " (every other character
    # str.split() breaks at is unprintable): without two spaces in a row,
    # only its ends can change, and that costs no string per word.
    if "  " not in text and text.isprintable():
        return text.strip(" ")
    return " ".join(text.split())


def has_control(text: str) -> bool:
    """True when ``text`` still holds anything :func:`clean` would remove."""
    return bool(_CONTROL.search(text) or _has_surrogate(text))
