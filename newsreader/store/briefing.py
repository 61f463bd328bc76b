"""The briefing: the stories that are new since a time, most told first.

A story is new since ``since`` when it formed or gained a version since
then (``stories.updated_at``: when a version reached the cache) or its
latest coverage was published since then (``last_ts``). Muted stories and
stories told by fewer than two outlets are left out. Rows are ranked by
:func:`rank`: outlets that told the story, halved for every
:data:`HALF_LIFE_HOURS` its latest coverage is old.

The reader remembers when it was opened (:func:`record_opening`, in the
state database beside the read state): its Briefing lists what is new since
the opening before this one, ``newsreader briefing`` what is new since the
reader was last opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsreader.store.cache import Cache
from newsreader.store.story_rows import StoryMember, StoryRow, stories_by_ids

__all__ = ["BriefingRow", "briefing_rows", "briefing_since", "last_opening", "rank", "record_opening"]

#: An outlet's weight in the ranking halves for every this many hours of
#: age of the story's latest coverage: a story three outlets told a day ago
#: (1.5) ranks above one two outlets told twelve hours ago (1.41), below
#: one two outlets told just now (2).
HALF_LIFE_HOURS = 24
#: Stories read from the cache for one briefing, newest first, before ranking.
MAX_STORIES = 500

_OPENED = "opened"  # when the reader was opened last
_OPENED_BEFORE = "opened_before"  # when it was opened the time before


@dataclass(frozen=True, slots=True)
class BriefingRow:
    """One story of the briefing: its versions oldest first, its lead (the first report)."""

    story: StoryRow
    score: float

    @property
    def lead(self) -> StoryMember:
        return self.story.members[0]

    @property
    def outlets(self) -> list[str]:
        """The outlets that told it, the first to report first."""
        return list(dict.fromkeys(m.source for m in self.story.members))


def rank(stories: list[StoryRow], now: int) -> list[BriefingRow]:
    """Most outlets and most recent first: each outlet weighs 1, halved per
    :data:`HALF_LIFE_HOURS` of the latest coverage's age; ties go to the
    newer story."""
    rows = []
    for story in stories:
        outlets = len({m.source for m in story.members}) or story.source_count
        age_hours = max(0, now - story.last_ts) / 3600
        rows.append(BriefingRow(story, round(outlets * 0.5 ** (age_hours / HALF_LIFE_HOURS), 4)))
    rows.sort(key=lambda r: (-r.score, -r.story.last_ts, -r.story.id))
    return rows


def briefing_rows(cache: Cache, since_ts: int, *, now: int, limit: int = 100, offset: int = 0) -> list[BriefingRow]:
    """The stories new since ``since_ts``, ranked; ``limit`` rows from ``offset``."""
    conn = cache.connection()
    ids = [
        int(r[0])
        for r in conn.execute(
            """SELECT id FROM stories WHERE (updated_at >= :since OR last_ts >= :since)
               AND source_count >= 2 AND muted = 0 ORDER BY last_ts DESC, id DESC LIMIT :cap""",
            {"since": since_ts, "cap": MAX_STORIES},
        )
    ]
    # Members hidden by a rule are left out: a story may be down to one outlet.
    stories = [s for s in stories_by_ids(conn, ids) if len({m.source for m in s.members}) >= 2]
    return rank(stories, now)[offset : offset + limit]


def record_opening(cache: Cache, now: int) -> int | None:
    """The reader opened at ``now``: remember it, and that the opening
    before was the last one. Returns that earlier opening (None: the first)."""
    with cache.write() as conn:
        row = conn.execute("SELECT value FROM state.reader_marks WHERE name = ?", (_OPENED,)).fetchone()
        before = int(row[0]) if row else None
        if before is not None:
            conn.execute(
                "INSERT OR REPLACE INTO state.reader_marks(name, value) VALUES (?, ?)", (_OPENED_BEFORE, before)
            )
        conn.execute("INSERT OR REPLACE INTO state.reader_marks(name, value) VALUES (?, ?)", (_OPENED, now))
    return before


def last_opening(cache: Cache) -> int | None:
    """When the reader was last opened (None: never)."""
    return _mark(cache, _OPENED)


def briefing_since(cache: Cache) -> int | None:
    """What the open reader's briefing starts from: the opening before the current one."""
    return _mark(cache, _OPENED_BEFORE)


def _mark(cache: Cache, name: str) -> int | None:
    row = cache.connection().execute("SELECT value FROM state.reader_marks WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else None
