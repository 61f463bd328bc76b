"""Show a stored time as honestly as the source gave it.

"a day ago" resolved against yesterday's file is stored with precision
``day``: it reads "2 days ago" today and never "1 day 3 hours ago".
"""

from __future__ import annotations

from datetime import date, datetime, timezone

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def parse_stored(value: str | None) -> datetime | date | None:
    """The cache's ISO text back into a date or an aware datetime."""
    if not value:
        return None
    try:
        if "T" in value or " " in value:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        return date.fromisoformat(value)
    except ValueError:
        return None


def _day_text(d: date, now: datetime) -> str:
    text = f"{d.day} {_MONTHS[d.month - 1]}"
    return text if d.year == now.year else f"{text} {d.year}"


def humanize(value: str | datetime | date | None, precision: str, now: datetime) -> str:
    """``34 min ago``, ``5 h ago``, ``1 day ago``, ``23 Apr 2025`` or ``undated``."""
    when = parse_stored(value) if isinstance(value, str) else value
    if when is None or precision == "unknown":
        return "undated"
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    if not isinstance(when, datetime):
        days = (now.date() - when).days
        if 0 <= days <= 1:
            return "today" if days == 0 else "yesterday"
        return _day_text(when, now)
    seconds = (now - when).total_seconds()
    if seconds < -300:  # in the future: show the date rather than a negative age
        return _day_text(when.date(), now)
    seconds = max(0.0, seconds)
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if precision in ("exact", "minute") and minutes < 60:
        return "just now" if minutes < 1 else f"{int(minutes)} min ago"
    if precision in ("exact", "minute", "hour") and hours < 24:
        return f"{max(1, int(hours))} h ago"
    if days < 1.5 and precision != "day":
        return "1 day ago"
    if days < 30:
        count = max(1, round(days))
        return "1 day ago" if count == 1 else f"{count} days ago"
    return _day_text(when.date(), now)
