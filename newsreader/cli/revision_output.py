"""``newsreader show ID|URL --revisions [--json]``: an article's versions.

The JSON lists every kept version, oldest first, the current one last (an
article that never changed has just that one). The text form gives each
version's number, arrival time and title, and what changed from one to the
next as a word diff (``[-removed-]`` and ``{+added+}``).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from newsreader.core.sanitize import clean, clean_line
from newsreader.core.worddiff import word_diff
from newsreader.store import ArticleRow, Cache, Revision, article_revisions


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _marked(old: str, new: str) -> str:
    """``new`` with what ``old`` had and it has not, and what it added, marked in wdiff's way."""
    marks = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    out = []
    for piece in word_diff(old, new):
        body = piece.text.rstrip()
        out.append(marks[piece.kind].format(body) + piece.text[len(body) :] if body else piece.text)
    return "".join(out)


def print_revisions(cache: Cache, article: ArticleRow, *, as_json: bool) -> int:
    history = article_revisions(cache, article.id)
    if history is None:
        versions = [Revision(1, article.title, article.body, article.added_at)]
        read_version = 1 if article.is_read else None
    else:
        versions, read_version = history.versions, history.read_version
    if as_json:
        record = {
            "id": article.id,
            "url": article.url,
            "source": article.source,
            "read_version": read_version,
            "versions": [
                {
                    "version": v.version,
                    "title": v.title,
                    "body": v.body,
                    "seen_at": _when(v.seen_at),
                    "current": v is versions[-1],
                }
                for v in versions
            ],
        }
        json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    # Plain text for a terminal: no control character from a feed reaches it.
    previous: Revision | None = None
    for v in versions:
        current = "  (current)" if v is versions[-1] else ""
        print(f"version {v.version} · {_when(v.seen_at)}{current}")
        if previous is None:
            print(clean_line(v.title))
        else:
            print(clean_line(_marked(previous.title, v.title)))
            print(clean(_marked(previous.body, v.body)).rstrip())
        print()
        previous = v
    if len(versions) == 1:
        print("It has not changed since it was stored.")
    return 0
