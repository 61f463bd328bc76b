"""The columns a headline is read from, and the row built from them.

Shared by the cache's own lists and by search (:mod:`newsreader.store.searching`).
"""

from __future__ import annotations

import sqlite3

from newsreader.store.records import HeadlineRow

#: The SELECT list of a headline; the query joins ``articles a`` and ``sources s``.
HEADLINE_COLUMNS = """a.id, a.key, a.title, s.name AS source, a.source_id, a.published,
    a.precision, a.published_text, a.is_read, a.summary_only, a.url, a.flagged, a.revised"""


def headline_from_row(r: sqlite3.Row) -> HeadlineRow:
    return HeadlineRow(
        id=r["id"],
        key=r["key"],
        title=r["title"],
        source=r["source"],
        source_id=r["source_id"],
        published=r["published"],
        precision=r["precision"],
        published_text=r["published_text"],
        is_read=bool(r["is_read"]),
        summary_only=bool(r["summary_only"]),
        url=r["url"],
        flagged=bool(r["flagged"]),
        revised=bool(r["revised"]),
    )
