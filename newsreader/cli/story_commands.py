"""``newsreader stories``: the stories in the cache, as the reader groups them.

A story is one event told by at least two outlets (see
:mod:`newsreader.stories.clustering`). ``--json`` prints the grouping for scripts::

    [{"id": 3, "title": "...", "sources": ["Harbour Gazette", ...],
      "articles": [{"id": 12, "title": "...", "source": "...", "url": null,
                    "published": "2025-06-09T22:00:00+00:00"}, ...]}]

Stories come most recently active first; their articles oldest first.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from newsreader.core.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.store import StoryRow


def add_stories_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stories", help="list stories told by more than one source")
    p.add_argument(
        "--since",
        metavar="DATE",
        help="only stories with coverage since DATE (2025-06-09, an ISO time, or 36h / 3d / 2w ago)",
    )
    p.add_argument("--json", action="store_true", help="print the stories as JSON")
    p.add_argument(
        "--rebuild", action="store_true", help="regroup every article from scratch first (slow; loses mute/follow)"
    )


def parse_since(text: str, *, now: float | None = None) -> int:
    """``--since`` as Unix seconds; ValueError with a one-line reason."""
    from newsreader.search.language import parse_duration  # here: every command builds this parser

    text = text.strip()
    span = parse_duration(text)
    if span is not None:
        now = time.time() if now is None else now
        return int(now - span.total_seconds())
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return int(datetime(day.year, day.month, day.day).astimezone(UTC).timestamp())
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--since: not a date, time or duration: {clean_line(text)[:60]}") from None
    if value.tzinfo is None:
        value = value.astimezone()
    return int(value.timestamp())


def stories_json(stories: list[StoryRow]) -> list[dict]:
    """The ``stories --json`` contract: field names other tools rely on."""
    return [
        {
            "id": s.id,
            "title": s.title,
            "sources": list(dict.fromkeys(m.source for m in s.members)),
            "articles": [
                {"id": m.id, "title": m.title, "source": m.source, "url": m.url, "published": m.published}
                for m in s.members
            ],
        }
        for s in stories
    ]


def _when(published: str | None) -> str:
    if not published:
        return "undated".ljust(16)
    return published.replace("T", " ")[:16].ljust(16)


def run_stories(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.store import list_stories, rebuild_stories

    try:
        since = parse_since(args.since) if getattr(args, "since", None) else None
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    cache = open_cache()
    try:
        if getattr(args, "rebuild", False):
            count = rebuild_stories(cache)
            print(f"regrouped: {count} stories", file=sys.stderr)
        stories = list_stories(cache, since_ts=since)
    finally:
        cache.close()
    if args.json:
        json.dump(stories_json(stories), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not stories:
        print("no stories yet: a story needs the same event from two sources")
        return 0
    for story in stories:
        sources = list(dict.fromkeys(m.source for m in story.members))
        flags = "".join(f" · {flag}" for flag, on in (("followed", story.followed), ("muted", story.muted)) if on)
        print(f"{clean_line(story.title)}")
        print(f"  story {story.id} · {len(sources)} sources · {len(story.members)} articles{flags}")
        width = min(24, max(len(clean_line(s)) for s in sources))
        for m in story.members:
            print(
                f"  {_when(m.published)}  {clean_line(m.source)[:width].ljust(width)}  {clean_line(m.title)}  [{m.id}]"
            )
        print()
    return 0
