"""``newsreader briefing``: the stories new since the reader was last opened
(or since ``--since``), most told and most recent first, as the reader's
Briefing lists them; plain text, ``--json`` for scripts, ``--markdown`` for mail.

``--json`` prints::

    {"since": "2026-11-26T08:00:00+00:00",
     "stories": [{"id": 3, "title": "...", "outlets": ["Harbour Gazette", ...],
                  "articles": 3, "score": 2.74, "first": "...", "latest": "...",
                  "lead": {"id": 12, "title": "...", "source": "...", "url": "...",
                           "published": "..."}}]}
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from newsreader.cli.story_commands import parse_since
from newsreader.core.sanitize import clean_line
from newsreader.core.timefmt import humanize
from newsreader.core.urls import is_safe_url

if TYPE_CHECKING:
    from newsreader.store import BriefingRow

#: Since when, when the reader was never opened and no ``--since`` is given.
DEFAULT_SPAN = 24 * 3600


def add_briefing_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("briefing", help="the stories new since you last opened the reader, most told first")
    p.add_argument(
        "--since",
        metavar="WHEN",
        help="new since WHEN instead (12h / 3d / 2w ago, a date, or an ISO time)",
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the briefing as JSON")
    form.add_argument("--markdown", action="store_true", help="print the briefing as Markdown")
    p.add_argument("--limit", type=int, default=30, help="at most this many stories (default 30)")


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def briefing_json(since: int, rows: list[BriefingRow]) -> dict:
    """The ``briefing --json`` contract: field names other tools rely on."""
    return {
        "since": _iso(since),
        "stories": [
            {
                "id": r.story.id,
                "title": clean_line(r.story.title),
                "outlets": [clean_line(o) for o in r.outlets],
                "articles": len(r.story.members),
                "score": r.score,
                "first": _iso(r.story.first_ts),
                "latest": _iso(r.story.last_ts),
                "lead": {
                    "id": r.lead.id,
                    "title": clean_line(r.lead.title),
                    "source": clean_line(r.lead.source),
                    "url": r.lead.url if is_safe_url(r.lead.url) else None,
                    "published": r.lead.published,
                },
            }
            for r in rows
        ],
    }


def _latest(row: BriefingRow, now: datetime) -> str:
    member = max(row.story.members, key=lambda m: m.when)
    return humanize(member.published, member.precision, now) or "undated"


def briefing_text(since: int, rows: list[BriefingRow], now: datetime, why: str) -> str:
    lines = [f"Briefing: {len(rows)} stories new since {_iso(since)[:16].replace('T', ' ')} UTC ({why})"]
    for number, r in enumerate(rows, 1):
        lines += [
            "",
            f"{number:>2}. {clean_line(r.story.title)}",
            f"    {len(r.outlets)} outlets: {', '.join(clean_line(o) for o in r.outlets)}",
            f"    latest {_latest(r, now)} · lead [{r.lead.id}] {clean_line(r.lead.source)}",
        ]
    return "\n".join(lines) + "\n"


def briefing_markdown(since: int, rows: list[BriefingRow], now: datetime) -> str:
    from newsreader.exchange.bookmark_export import markdown_text

    lines = [f"# Briefing since {_iso(since)[:16].replace('T', ' ')} UTC", ""]
    for number, r in enumerate(rows, 1):
        title = markdown_text(r.story.title) or "untitled"
        url = r.lead.url
        # <url>: a ")" in the address does not end the link.
        head = f"[{title}](<{url.replace('<', '%3C').replace('>', '%3E')}>)" if is_safe_url(url) else title
        outlets = ", ".join(markdown_text(o) for o in r.outlets)
        lines.append(f"{number}. **{head}** — {outlets} ({len(r.outlets)} outlets, latest {_latest(r, now)})")
    return "\n".join(lines) + "\n"


def run_briefing(args: argparse.Namespace) -> int:
    from newsreader.cli.session import open_cache
    from newsreader.store import briefing_rows, last_opening

    now = time.time()
    try:
        since = parse_since(args.since, now=now) if args.since else None
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    cache = open_cache(rules=False)
    try:
        why = f"--since {clean_line(args.since)}" if since is not None else "since the reader was last opened"
        if since is None:
            since = last_opening(cache)
        if since is None:
            since, why = int(now) - DEFAULT_SPAN, "the last 24 hours: the reader was never opened"
        rows = briefing_rows(cache, since, now=int(now), limit=max(0, args.limit))
    finally:
        cache.close()
    at = datetime.fromtimestamp(now, UTC)
    if args.json:
        json.dump(briefing_json(since, rows), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(briefing_markdown(since, rows, at))
    else:
        sys.stdout.write(briefing_text(since, rows, at, why))
    return 0
