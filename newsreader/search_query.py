"""Turn what a person types into a safe FTS5 query.

People type words, ``"exact phrases"`` and ``prefix*``; FTS5 has its own
syntax in which a stray quote, colon or parenthesis is an error (or worse, a
column filter). Every term is re-quoted here, so user text is never FTS5
syntax.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def terms(query: str) -> list[tuple[str, bool, bool]]:
    """``(text, is_phrase, is_prefix)`` for each term the user typed."""
    out: list[tuple[str, bool, bool]] = []
    for phrase, word in _TOKEN.findall(query):
        if phrase:
            words = _WORD.findall(phrase)
            if words:
                out.append((" ".join(words), True, False))
            continue
        prefix = word.endswith("*")
        for part in _WORD.findall(word):
            out.append((part, False, False))
        if prefix and out:
            text, _, _ = out[-1]
            out[-1] = (text, False, True)
    return out


def to_fts(query: str) -> str:
    """An FTS5 MATCH expression: every term must appear (AND)."""
    parts = []
    for text, _is_phrase, is_prefix in terms(query):
        quoted = '"' + text.replace('"', '""') + '"'
        parts.append(quoted + ("*" if is_prefix else ""))
    return " ".join(parts)


def highlight_terms(query: str) -> list[str]:
    """The words to highlight in an article for ``query``."""
    return [text for text, _p, _x in terms(query)]
