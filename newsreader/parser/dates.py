"""Absolute dates and times as documents write them, with their precision.

Feeds use RFC 822 (``Wed, 10 Feb 2021 21:00:00 +1100``), RFC 3339 / ISO 8601
(``2021-02-10T21:00:00Z``) and a long tail of near misses: no weekday or no
time (``10 Feb 2021``), two-digit years, full or non-English month names
(``Seg, 24 Set 2018``), month first (``Feb 10, 2021``), asctime, zone names
after or instead of offsets; pages use ``23-04-2025``. Every function returns
``(value, precision)`` and never raises: a date that cannot be read, or a
placeholder year such as ``0001``, is ``(None, "unknown")``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from newsreader.core.models import Precision

Parsed = tuple[datetime | date | None, Precision]

_TZ_NAMES = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 1,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "AST": -4,
    "ADT": -3,
    "NST": -3.5,
    "NDT": -2.5,
    "CET": 1,
    "CEST": 2,
    "MET": 1,
    "MEST": 2,
    "EET": 2,
    "EEST": 3,
    "BST": 1,
    "IST": 5.5,
    "MSK": 3,
    "JST": 9,
    "KST": 9,
    "HKT": 8,
    "SGT": 8,
    "AWST": 8,
    "ACST": 9.5,
    "ACDT": 10.5,
    "AEST": 10,
    "AEDT": 11,
    "NZST": 12,
    "NZDT": 13,
    # RFC 822 military zones other than Z are too often misused to trust.
}

# Month names by their first letters, in the languages feeds are written in
# most. Three letters are enough except where two months share them.
_MONTHS = {
    # English
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    # German, Dutch, Scandinavian
    "mär": 3,
    "mrz": 3,
    "mae": 3,
    "mai": 5,
    "okt": 10,
    "dez": 12,
    "maa": 3,
    "mei": 5,
    "des": 12,
    # French
    "fév": 2,
    "fev": 2,
    "avr": 4,
    "jui": 7,
    "aoû": 8,
    "aou": 8,
    "déc": 12,
    # Spanish, Portuguese, Italian
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "set": 9,
    "dic": 12,
    "out": 10,
    "gen": 1,
    "mag": 5,
    "giu": 6,
    "lug": 7,
    "ott": 10,
}
_MONTHS_LONG = {"juin": 6, "juil": 7, "juni": 6, "juli": 7}

_ISO = re.compile(
    r"^\s*(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ]\s*(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{1,2})?|[A-Z]{2,5})?\s*$",
    re.I,
)
_YMD_SLASH = re.compile(
    r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})"
    r"(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{1,2})?|[A-Z]{2,5})?\s*$",
    re.I,
)
_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")

# Pieces shared by the RFC 822 family.
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?"
_ZONE = r"(?P<tz>(?:GMT|UTC|UT)?\s*[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})?"
_TAIL = r"\s*(?:\([^)]*\))?\s*$"
_WEEKDAY = r"(?:[^\W\d_]{2,12}\.?,?\s+|[^\W\d_]{2,12}\.?,\s*)?"
_MONTH = r"(?P<mon>[^\W\d_]{3,12})\.?"
_DAY_FIRST = re.compile(
    rf"^\s*{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s./-]*{_MONTH}[\s./,-]*(?P<y>\d{{4}}|\d{{2}})"
    rf"(?:(?:\s+|\s*[T,]\s*|\s*[,-]\s*){_TIME})?\s*{_ZONE}{_TAIL}",
    re.I,
)
_MONTH_FIRST = re.compile(
    rf"^\s*{_WEEKDAY}{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"(?:(?:\s+|\s*,\s*|\s+at\s+){_TIME})?\s*{_ZONE}{_TAIL}",
    re.I,
)
_ASCTIME = re.compile(
    rf"^\s*{_WEEKDAY}{_MONTH}\s+(?P<d>\d{{1,2}})\s+{_TIME}\s*{_ZONE}\s+(?P<y>\d{{4}}){_TAIL}",
    re.I,
)
_MIN_YEAR, _MAX_YEAR = 1970, 2200


def _tz(text: str | None) -> timezone | None:
    """A zone from a name or a numeric offset; None when it cannot be read."""
    if not text:
        return None
    t = re.sub(r"\s+", "", text.upper())
    if t in _TZ_NAMES:
        return timezone(timedelta(hours=_TZ_NAMES[t]))
    t = re.sub(r"^(?:GMT|UTC|UT)(?=[+-])", "", t)
    m = re.match(r"([+-])(\d{1,2}):?(\d{1,2})?$", t)
    if not m:
        return None
    digits = m.group(2) + (m.group(3) or "")
    if len(digits) == 4 or (m.group(3) and len(m.group(3)) == 2):
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    elif m.group(3):  # "+00:0", a truncated offset
        hours, minutes = int(m.group(2)), int(m.group(3)) * 10
    else:
        hours, minutes = int(m.group(2)), 0
    if hours > 23 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m.group(1) == "-" else delta)


def _valid_year(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


def _month(name: str) -> int | None:
    name = name.lower()
    return _MONTHS_LONG.get(name[:4]) or _MONTHS.get(name[:3])


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # RFC 2822 section 4.3
        year += 2000 if year < 50 else 1900
    return year


def _build(
    year: int,
    month: int,
    day: int,
    hour: str | None,
    minute: str | None,
    second: str | None,
    zone: str | None,
    ampm: str | None = None,
) -> Parsed:
    """Assemble a value from matched pieces, with the precision they allow."""
    if not _valid_year(year):
        return None, "unknown"
    try:
        if hour is None:
            return date(year, month, day), "day"
        h, mi = int(hour), int(minute or 0)
        if ampm:
            if h > 12:
                return None, "unknown"
            h = h % 12 + (12 if ampm.lower() == "p" else 0)
        tz = _tz(zone) or UTC
        value = datetime(year, month, day, h, mi, min(int(second or 0), 59), tzinfo=tz)
    except (ValueError, OverflowError):
        return None, "unknown"
    return value.astimezone(UTC), "exact" if second is not None else "minute"


def parse_iso(text: str) -> Parsed:
    """RFC 3339 / ISO 8601 / W3C-DTF, including date-only forms and ``2020/1/10 14:03``."""
    m = _ISO.match(text) or _YMD_SLASH.match(text)
    if not m:
        ym = _YEAR_MONTH.match(text)
        if ym and _valid_year(int(ym.group(1))) and 1 <= int(ym.group(2)) <= 12:
            return date(int(ym.group(1)), int(ym.group(2)), 1), "day"
        return None, "unknown"
    return _build(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5), m.group(6), m.group(7))


def parse_rfc822(text: str) -> Parsed:
    """RFC 822/2822 dates as RSS writes them, and the usual sloppiness.

    The weekday is ignored (it is often wrong or in another language); an
    unknown zone name counts as UTC; a two-digit year follows RFC 2822.
    """
    cleaned = re.sub(r"\s+", " ", text.strip())
    for pattern in (_DAY_FIRST, _MONTH_FIRST, _ASCTIME):
        m = pattern.match(cleaned)
        if not m:
            continue
        month = _month(m.group("mon"))
        if month is None:
            continue
        return _build(
            _full_year(m.group("y")),
            month,
            int(m.group("d")),
            m.group("H"),
            m.group("M"),
            m.group("S"),
            m.group("tz"),
            m.group("ampm"),
        )
    return None, "unknown"


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


# RFC 822 as nearly every RSS feed writes it ("Mon, 11 May 2026 13:43:58 GMT"),
# read without the general patterns: one match, the same value.
_RFC822_PLAIN = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:GMT|UTC|UT|Z|[+-]0000)\Z"
)


def _plain_rfc822(text: str) -> datetime | None:
    m = _RFC822_PLAIN.match(text)
    if m is None:
        return None
    month = _month(m.group(2))
    year = int(m.group(3))
    if month is None or not _valid_year(year):
        return None
    try:
        return datetime(
            year, month, int(m.group(1)), int(m.group(4)), int(m.group(5)), min(int(m.group(6)), 59), tzinfo=UTC
        )
    except ValueError:
        return None


def parse_date(text: str | None) -> Parsed:
    """Any absolute date a document may contain; never raises."""
    if not text or len(text) > 100:
        return None, "unknown"
    plain = _plain_rfc822(text)
    if plain is not None:
        return plain, "exact"
    for fn in (parse_iso, parse_rfc822, parse_dmy):
        value, precision = fn(text)
        if value is not None:
            return value, precision
    return None, "unknown"
