"""A word-level diff of two versions of a text (an article's revisions).

Pure: no I/O, no terminal. The text is compared paragraph by paragraph
first (lines), and only paragraphs that changed are compared word by word,
so a long article with one edited sentence costs little and a rewritten
one never makes :class:`difflib.SequenceMatcher` compare every word with
every other. Whitespace is kept with the word before it; words are
compared without it, so a reflowed line is no change.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "removed", "added"]

#: A changed block of more words than this on either side is shown whole
#: (removed, then added), not word by word: the word matcher is quadratic.
MAX_BLOCK_WORDS = 4000

_WORD = re.compile(r"\s*\S+\s*|\s+")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text that both versions share, or only the old or the new has."""

    kind: Kind
    text: str


def _words(text: str) -> list[str]:
    """Each word with the whitespace after it (leading whitespace stays with the first)."""
    return _WORD.findall(text)


def _append(out: list[Piece], kind: Kind, text: str) -> None:
    if not text:
        return
    if out and out[-1].kind == kind:
        out[-1] = Piece(kind, out[-1].text + text)
    else:
        out.append(Piece(kind, text))


def _diff_words(old: list[str], new: list[str], out: list[Piece]) -> None:
    # Words are compared without their spacing: a reflowed line is not a change.
    matcher = difflib.SequenceMatcher(None, [w.strip() for w in old], [w.strip() for w in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(out, "same", "".join(new[j1:j2]))
            continue
        removed = "".join(old[i1:i2])
        if tag == "replace":
            # The words that replace these come right after them: a line
            # break the old words ended with belongs after the new ones.
            removed = removed.rstrip() + " "
        _append(out, "removed", removed)
        _append(out, "added", "".join(new[j1:j2]))


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``: shared text, removed words,
    added words, in reading order. The ``same`` and ``added`` pieces joined give
    ``new`` exactly; ``same`` and ``removed`` give ``old``'s words (the
    shared ones with ``new``'s spacing)."""
    old_lines, new_lines = _LINE.findall(old), _LINE.findall(new)
    out: list[Piece] = []
    # Lines are compared without their spacing too (the last one has no newline).
    matcher = difflib.SequenceMatcher(
        None, [s.strip() for s in old_lines], [s.strip() for s in new_lines], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(out, "same", "".join(new_lines[j1:j2]))
            continue
        old_words, new_words = _words("".join(old_lines[i1:i2])), _words("".join(new_lines[j1:j2]))
        if len(old_words) > MAX_BLOCK_WORDS or len(new_words) > MAX_BLOCK_WORDS:
            _append(out, "removed", "".join(old_words))
            _append(out, "added", "".join(new_words))
        else:
            _diff_words(old_words, new_words, out)
    return out


def changed_words(pieces: list[Piece]) -> tuple[int, int]:
    """How many words were removed and added."""
    removed = sum(len(p.text.split()) for p in pieces if p.kind == "removed")
    added = sum(len(p.text.split()) for p in pieces if p.kind == "added")
    return removed, added
