"""A bookmark's note and tags in one tt-rss article note.

tt-rss's API (level 15 and later) can set an article's note
(``updateArticle`` field 3) but can neither set an article's tags nor
create a label, so a bookmark's tags travel in the note, on a last line of
their own::

    Read before the meeting.
    [tags: work, later]

The line is readable in tt-rss's own interface, and a note without it has no
tags. A tag cannot hold ``,`` or ``]`` there; they are sent as a space and ``)``.
"""

from __future__ import annotations

import re

_TAGS_LINE = re.compile(r"(?:^|\n)\[tags: ([^\]\n]*)\][ \t]*\n?\Z")


def _tag(tag: str) -> str:
    return " ".join(tag.replace(",", " ").replace("]", ")").split())


def note_with_tags(note: str, tags: list[str]) -> str:
    """The tt-rss note for a bookmark with this note and these tags."""
    names = [t for t in (_tag(t) for t in tags) if t]
    if not names:
        return note
    line = "[tags: " + ", ".join(names) + "]"
    return f"{note}\n{line}" if note else line


def split_note(text: str) -> tuple[str, list[str]]:
    """(note, tags) of a tt-rss note written by :func:`note_with_tags` (or by hand)."""
    found = _TAGS_LINE.search(text)
    if found is None:
        return text, []
    tags = [t for t in dict.fromkeys(" ".join(t.split()) for t in found.group(1).split(",")) if t]
    return text[: found.start()], tags
