"""Relative ages ("a day ago", "منذ ساعتين") and how to show a stored time honestly.

An aggregator page says *when* a story appeared only relative to the moment
the page was copied. :func:`parse_age` turns such an age into a UTC datetime
against a reference time, together with how far that value can be trusted:
seconds and minutes give ``minute``, hours give ``hour``, anything coarser
gives ``day``. :mod:`newsreader.core.timefmt` goes the other way for the app and
never shows more precision than was stored.

The words of each language are data (:data:`EN_UNITS`, :data:`AR_UNITS`), so a
new language is a table plus one alternative in the pattern.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from newsreader.core.models import Precision
from newsreader.parser.dates import parse_dmy

__all__ = [
    "AGE_PATTERN",
    "parse_age",
    "parse_age_or_date",
    "split_glued_age",
]

#: English unit words -> canonical unit.
EN_UNITS: dict[str, str] = {
    "second": "second",
    "seconds": "second",
    "sec": "second",
    "secs": "second",
    "minute": "minute",
    "minutes": "minute",
    "min": "minute",
    "mins": "minute",
    "hour": "hour",
    "hours": "hour",
    "hr": "hour",
    "hrs": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "month": "month",
    "months": "month",
    "mo": "month",
    "mos": "month",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
}

# Arabic unit words (written without diacritics) -> (unit, implied count).
# The implied count is 1 for a singular, 2 for a dual ("ساعتين" = two hours)
# and None for a plural, which needs a number ("منذ 5 دقائق") or means "a few".
_FEW = "few"
AR_UNITS: dict[str, tuple[str, int | str | None]] = {
    "لحظة": ("second", _FEW),
    "لحظات": ("second", _FEW),
    "ثانية": ("second", 1),
    "ثانيه": ("second", 1),
    "ثوان": ("second", None),
    "ثواني": ("second", None),
    "ثانيتين": ("second", 2),
    "ثانيتان": ("second", 2),
    "دقيقة": ("minute", 1),
    "دقيقه": ("minute", 1),
    "دقائق": ("minute", None),
    "دقيقتين": ("minute", 2),
    "دقيقتان": ("minute", 2),
    "ساعة": ("hour", 1),
    "ساعه": ("hour", 1),
    "ساعات": ("hour", None),
    "ساعتين": ("hour", 2),
    "ساعتان": ("hour", 2),
    "يوم": ("day", 1),
    "يوما": ("day", 1),
    "أيام": ("day", None),
    "ايام": ("day", None),
    "يومين": ("day", 2),
    "يومان": ("day", 2),
    "أسبوع": ("week", 1),
    "اسبوع": ("week", 1),
    "أسبوعا": ("week", 1),
    "اسبوعا": ("week", 1),
    "أسابيع": ("week", None),
    "اسابيع": ("week", None),
    "أسبوعين": ("week", 2),
    "اسبوعين": ("week", 2),
    "أسبوعان": ("week", 2),
    "شهر": ("month", 1),
    "شهرا": ("month", 1),
    "أشهر": ("month", None),
    "اشهر": ("month", None),
    "شهور": ("month", None),
    "شهرين": ("month", 2),
    "شهران": ("month", 2),
    "سنة": ("year", 1),
    "سنه": ("year", 1),
    "عام": ("year", 1),
    "عاما": ("year", 1),
    "سنوات": ("year", None),
    "سنين": ("year", None),
    "أعوام": ("year", None),
    "اعوام": ("year", None),
    "سنتين": ("year", 2),
    "سنتان": ("year", 2),
    "عامين": ("year", 2),
    "عامان": ("year", 2),
}

#: How much of a stored value to believe, by unit.
_PRECISION: dict[str, Precision] = {
    "second": "minute",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "day",
    "month": "day",
    "year": "day",
}
# "A few" of a unit. A few seconds is "now" at minute precision.
_FEW_COUNT = {"second": 0}
_FEW_DEFAULT = 3
# The numbers an aggregator writes before it switches to the next unit
# ("22 hours ago" becomes "a day ago"); used only to choose between ways of
# splitting "Channel 42 hours ago".
_USUAL_MAX = {"second": 59, "minute": 59, "hour": 23, "day": 31, "week": 5, "month": 12, "year": 99}

_AR_DIACRITICS = re.compile("[\u064b-\u0652\u0640]")  # harakat, tanwin, shadda, sukun, tatweel
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _alternation(words) -> str:
    # Longest first, so "minutes" is tried before "min".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_EN_BODY = (
    r"(?P<en_count>a\s+few|an?|one|\d{1,6})\s+"
    rf"(?P<en_unit>{_alternation(EN_UNITS)})\s+ago"
)
_AR_BODY = (
    r"(?:منذ|قبل)\s+(?:(?P<ar_num>[0-9٠-٩۰-۹]{1,6})\s+)?(?:(?P<ar_few>بضع|بضعة|عدة)\s+)?"
    rf"(?P<ar_unit>{_alternation(AR_UNITS)})[\u064b-\u0652]*"
    r"(?:\s+(?:واحد|واحدة)[\u064b-\u0652]*)?"
)
_BODY = rf"(?:{_EN_BODY})|(?:{_AR_BODY})"

#: Finds an age that ends a line, glued or not: ``AGE_PATTERN.search("Japan
#: Timesa day ago").group()`` is ``"a day ago"``. Being a regex it takes the
#: leftmost match, so for "Channel 42 hours ago" it finds "42 hours ago";
#: :func:`split_glued_age` weighs the other readings.
AGE_PATTERN = re.compile(rf"(?:{_BODY})\s*\Z", re.I)
_AGE_FULL = re.compile(rf"\s*(?:{_BODY})\s*", re.I)
_DMY_TAIL = re.compile(r"\d{1,2}-\d{1,2}-\d{4}\Z")


def _normalise(text: str) -> str:
    return " ".join(_AR_DIACRITICS.sub("", text).translate(_DIGITS).split())


def _read_age(text: str) -> tuple[str, int] | None:
    """``(unit, count)`` for an age phrase, or None."""
    m = _AGE_FULL.fullmatch(_normalise(text))
    if not m:
        return None
    if m.group("en_unit"):
        unit = EN_UNITS[m.group("en_unit").lower()]
        word = m.group("en_count").lower()
        if word == "a few":
            return unit, _FEW_COUNT.get(unit, _FEW_DEFAULT)
        count = 1 if word in ("a", "an", "one") else int(word)
        return unit, count
    unit, implied = AR_UNITS[m.group("ar_unit")]
    if m.group("ar_num"):
        return unit, int(m.group("ar_num"))
    if isinstance(implied, int) and not m.group("ar_few"):
        return unit, implied
    return unit, _FEW_COUNT.get(unit, _FEW_DEFAULT)


def _minus_months(value: datetime, months: int) -> datetime:
    index = value.year * 12 + (value.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    if year < 1:
        return value.replace(year=1, month=1, day=1)
    # Clamp the day: 31 March minus one month is 28/29 February.
    for day in range(value.day, 27, -1):
        try:
            return value.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return value.replace(year=year, month=month, day=min(value.day, 28))


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_age(text: str, as_of: datetime | None) -> tuple[datetime, Precision] | None:
    """Resolve a relative age against ``as_of`` (aware; naive is read as UTC;
    None means now).

    Returns ``(datetime_utc, precision)`` or None when ``text`` is not an age.
    """
    if not text or len(text) > 80:
        return None
    read = _read_age(text)
    if read is None:
        return None
    unit, count = read
    ref = _utc(as_of)
    try:
        if unit in ("month", "year"):
            value = _minus_months(ref, count * (12 if unit == "year" else 1))
        else:
            seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}[unit]
            value = ref - timedelta(seconds=count * seconds)
    except (OverflowError, ValueError):
        return None
    return value, _PRECISION[unit]


def parse_age_or_date(text: str, as_of: datetime | None) -> tuple[datetime | date, Precision] | None:
    """An age, or an absolute ``DD-MM-YYYY`` day (a ``date`` at ``day`` precision)."""
    found = parse_age(text, as_of)
    if found is not None:
        return found
    value, precision = parse_dmy(text)
    if value is None:
        return None
    return value, precision


def _is_usual(age_text: str) -> bool:
    read = _read_age(age_text)
    if read is not None:
        return read[1] <= _USUAL_MAX[read[0]]
    return parse_dmy(age_text)[0] is not None


def split_glued_age(line: str, known_sources=()) -> tuple[str, str] | None:
    """Split ``"<Source><age or DD-MM-YYYY>"`` into ``(source, age_text)``.

    The age is found at the END of the line; the source may contain digits
    and spaces ("9 News", "Sky News AU"), so every split whose tail reads as
    an age or date is a candidate, and the best is chosen by, in order: a
    source named elsewhere on the page (``known_sources``), a number in the
    range aggregators write ("42 hours" is never shown), a two-digit day in a
    date (the aggregator pads them), a source that does not end in
    whitespace, and then the longer number. ``source`` may be empty.
    """
    text = line.strip()
    if not text or len(text) > 160:
        return None
    known = {" ".join(s.split()).casefold() for s in known_sources if s}
    best: tuple[tuple, tuple[str, str]] | None = None
    for i in range(len(text)):
        tail = text[i:]
        if tail[0].isspace():
            continue  # split after the space: the source then ends in one
        is_date = bool(_DMY_TAIL.match(tail)) and parse_dmy(tail)[0] is not None
        if not is_date and _read_age(tail) is None:
            continue
        source = text[:i]
        key = (
            0 if (not known or " ".join(source.split()).casefold() in known) else 1,
            0 if _is_usual(tail) else 1,
            0 if (not is_date or re.match(r"\d{2}-", tail)) else 1,
            1 if source[-1:].isspace() else 0,
            i,
        )
        if best is None or key < best[0]:
            best = (key, (source.strip(), tail.strip()))
    return None if best is None else best[1]
