"""Show a stored time as honestly as the source gave it.

"a day ago" resolved against yesterday's file is stored with precision
``day``: it reads "2 days ago" today and never "1 day 3 hours ago".
``day`` -> "today", "1 day ago", "3 days ago", then "23 Apr 2025";
``hour`` -> "under an hour ago", "5 hours ago", then as ``day``;
``minute``/``exact`` -> "just now", "34 min ago", "5 hours ago", then as
``day``; ``unknown`` -> the date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Older than this, a date says more than "N days ago".
_RELATIVE_DAYS = 7
# A little clock skew between the copy and the reader is not "the future".
_SKEW = timedelta(minutes=5)


def parse_stored(value: str | None) -> datetime | date | None:
    """The cache's ISO text back into a date or an aware datetime."""
    if not value:
        return None
    try:
        if "T" in value or " " in value:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return date.fromisoformat(value)
    except ValueError:
        return None


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _date_text(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _days_text(days: int, day: date) -> str:
    if days < 0:
        return "today" if days == -1 else _date_text(day)
    if days == 0:
        return "today"
    if days < _RELATIVE_DAYS:
        return "1 day ago" if days == 1 else f"{days} days ago"
    return _date_text(day)


def humanize(value: str | datetime | date | None, precision: str, now: datetime | None = None) -> str:
    """Render a stored time no more precisely than it was known ("" when unknown)."""
    published = parse_stored(value) if isinstance(value, str) else value
    if published is None:
        return ""
    ref = _utc(now)
    if not isinstance(published, datetime):
        return _days_text((ref.date() - published).days, published)
    when = _utc(published)
    if precision == "unknown":
        return _date_text(when.date())
    delta = ref - when
    if delta < -_SKEW and precision != "day":
        return _date_text(when.date())
    seconds = max(delta.total_seconds(), 0.0)
    if precision == "day":
        return _days_text(int(delta.total_seconds() // 86400), when.date())
    if seconds < 86400:
        hours = int(seconds // 3600)
        if precision == "hour":
            if hours < 1:
                return "under an hour ago"
        elif seconds < 60:
            return "just now"
        elif seconds < 3600:
            return f"{int(seconds // 60)} min ago"
        return "1 hour ago" if hours == 1 else f"{hours} hours ago"
    return _days_text(int(seconds // 86400), when.date())
