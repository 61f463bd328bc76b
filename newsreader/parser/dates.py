"""Absolute dates and times as documents write them, with their precision.

Feeds use RFC 822 (``Wed, 10 Feb 2021 21:00:00 +1100``), RFC 3339 / ISO 8601
(``2021-02-10T21:00:00Z``) and a long tail of near misses; pages use
``23-04-2025``. Every function returns ``(value, precision)`` and never
raises: a date that cannot be read is ``(None, "unknown")``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from ..models import Precision

Parsed = tuple[datetime | date | None, Precision]

_TZ_NAMES = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "CET": 1, "CEST": 2, "BST": 1, "IST": 5.5, "JST": 9, "AEST": 10, "AEDT": 11,
}
_ISO = re.compile(
    r"^\s*(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{2,4})?\s*$",
    re.I,
)
_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_MIN_YEAR, _MAX_YEAR = 1970, 2200


def _tz(text: str | None) -> timezone | None:
    if not text:
        return None
    t = text.upper()
    if t in _TZ_NAMES:
        return timezone(timedelta(hours=_TZ_NAMES[t]))
    m = re.match(r"([+-])(\d{2}):?(\d{2})?$", t)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 23 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m.group(1) == "-" else delta)


def _valid_year(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


def parse_iso(text: str) -> Parsed:
    """RFC 3339 / ISO 8601 / W3C-DTF, including date-only forms."""
    m = _ISO.match(text)
    if not m:
        ym = _YEAR_MONTH.match(text)
        if ym and _valid_year(int(ym.group(1))) and 1 <= int(ym.group(2)) <= 12:
            return date(int(ym.group(1)), int(ym.group(2)), 1), "day"
        return None, "unknown"
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not _valid_year(year):
        return None, "unknown"
    try:
        if m.group(4) is None:
            return date(year, month, day), "day"
        hour, minute = int(m.group(4)), int(m.group(5))
        second = int(m.group(6) or 0)
        tz = _tz(m.group(7)) or timezone.utc
        value = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=tz)
    except ValueError:
        return None, "unknown"
    return value.astimezone(timezone.utc), "exact" if m.group(6) is not None else "minute"


def parse_rfc822(text: str) -> Parsed:
    """RFC 822/2822 dates as RSS writes them (and the usual sloppiness)."""
    cleaned = re.sub(r"\s+", " ", text.strip())
    # Some feeds write the zone name after a numeric offset, or a comma-less day.
    cleaned = re.sub(r"^(\w{3})\.?\s", r"\1, ", cleaned) if re.match(r"^[A-Za-z]{3}\.?\s\d", cleaned) else cleaned
    try:
        value = parsedate_to_datetime(cleaned)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, "unknown"
    if value is None or not _valid_year(value.year):
        return None, "unknown"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    has_seconds = bool(re.search(r"\d{1,2}:\d{2}:\d{2}", cleaned))
    has_time = has_seconds or bool(re.search(r"\d{1,2}:\d{2}", cleaned))
    if not has_time:
        return value.date(), "day"
    return value.astimezone(timezone.utc), "exact" if has_seconds else "minute"


def parse_dmy(text: str) -> Parsed:
    """``23-04-2025`` / ``23/04/2025`` as a day (day first, as the aggregator writes it)."""
    m = _DMY.match(text)
    if not m:
        return None, "unknown"
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not _valid_year(year):
        return None, "unknown"
    try:
        return date(year, month, day), "day"
    except ValueError:
        return None, "unknown"


def parse_date(text: str | None) -> Parsed:
    """Any absolute date a document may contain; never raises."""
    if not text or len(text) > 100:
        return None, "unknown"
    for fn in (parse_iso, parse_rfc822, parse_dmy):
        value, precision = fn(text)
        if value is not None:
            return value, precision
    return None, "unknown"
