"""Relative ages: reading them, splitting them off a glued source, showing them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsreader.core.timefmt import humanize
from newsreader.parser.ages import AGE_PATTERN, parse_age, parse_age_or_date, split_glued_age

AS_OF = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "back", "precision"),
    [
        ("a few seconds ago", timedelta(0), "minute"),
        ("45 seconds ago", timedelta(seconds=45), "minute"),
        ("a minute ago", MIN, "minute"),
        ("34 minutes ago", 34 * MIN, "minute"),
        ("1 min ago", MIN, "minute"),
        ("an hour ago", HOUR, "hour"),
        ("19 hours ago", 19 * HOUR, "hour"),
        ("a day ago", DAY, "day"),
        ("6 days ago", 6 * DAY, "day"),
        ("a week ago", 7 * DAY, "day"),
        ("3 weeks ago", 21 * DAY, "day"),
        ("  An Hour  Ago ", HOUR, "hour"),
    ],
)
def test_english_ages(text, back, precision):
    assert parse_age(text, AS_OF) == (AS_OF - back, precision)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a month ago", datetime(2025, 5, 10, 12, tzinfo=UTC)),
        ("2 months ago", datetime(2025, 4, 10, 12, tzinfo=UTC)),
        ("a year ago", datetime(2024, 6, 10, 12, tzinfo=UTC)),
        ("3 years ago", datetime(2022, 6, 10, 12, tzinfo=UTC)),
    ],
)
def test_months_and_years_count_calendar_months(text, expected):
    assert parse_age(text, AS_OF) == (expected, "day")


def test_month_subtraction_clamps_the_day():
    end_of_march = datetime(2025, 3, 31, 9, 30, tzinfo=UTC)
    assert parse_age("a month ago", end_of_march)[0] == datetime(2025, 2, 28, 9, 30, tzinfo=UTC)
    leap_day = datetime(2024, 2, 29, tzinfo=UTC)
    assert parse_age("a year ago", leap_day)[0] == datetime(2023, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "back", "precision"),
    [
        ("منذ 5 دقائق", 5 * MIN, "minute"),
        ("منذ 23 دقائق", 23 * MIN, "minute"),
        ("منذ دقيقتين", 2 * MIN, "minute"),
        ("منذ دقيقة واحدة", MIN, "minute"),
        ("منذ ثوانٍ", timedelta(0), "minute"),
        ("منذ ساعة واحدة", HOUR, "hour"),
        ("منذ ساعتين", 2 * HOUR, "hour"),
        ("منذ 11 ساعة", 11 * HOUR, "hour"),
        ("منذ يوم واحد", DAY, "day"),
        ("منذ يومين", 2 * DAY, "day"),
        ("منذ ٣ أيام", 3 * DAY, "day"),  # Arabic-Indic digits
        ("منذ أسبوع", 7 * DAY, "day"),
    ],
)
def test_arabic_ages(text, back, precision):
    assert parse_age(text, AS_OF) == (AS_OF - back, precision)


def test_arabic_month_and_year():
    assert parse_age("منذ شهر", AS_OF) == (datetime(2025, 5, 10, 12, tzinfo=UTC), "day")
    assert parse_age("منذ سنتين", AS_OF) == (datetime(2023, 6, 10, 12, tzinfo=UTC), "day")


@pytest.mark.parametrize(
    "text", ["", "ago", "a day", "yesterday", "5 parsecs ago", "23-04-2025", "Japan Timesa day ago", "منذ"]
)
def test_not_an_age(text):
    assert parse_age(text, AS_OF) is None


def test_reference_time_is_converted_to_utc_and_naive_means_utc():
    tokyo = AS_OF.astimezone(timezone(timedelta(hours=9)))
    value, _ = parse_age("an hour ago", tokyo)
    assert value == AS_OF - HOUR and value.utcoffset() == timedelta(0)
    naive = AS_OF.replace(tzinfo=None)
    assert parse_age("an hour ago", naive)[0] == AS_OF - HOUR


def test_no_reference_time_means_now():
    before = datetime.now(UTC)
    value, precision = parse_age("a day ago", None)
    after = datetime.now(UTC)
    assert before - DAY <= value <= after - DAY and precision == "day"


def test_absolute_dates_are_days():
    assert parse_age_or_date("23-04-2025", AS_OF) == (date(2025, 4, 23), "day")
    assert parse_age_or_date("31-02-2025", AS_OF) is None
    assert parse_age_or_date("34 minutes ago", AS_OF) == (AS_OF - 34 * MIN, "minute")


@pytest.mark.parametrize(
    ("line", "age"),
    [
        ("Japan Timesa day ago", "a day ago"),
        ("New York Post6 days ago", "6 days ago"),
        ("Sky News AUan hour ago", "an hour ago"),
        ("عكاظمنذ ساعة واحدة", "منذ ساعة واحدة"),
    ],
)
def test_age_pattern_finds_the_age_at_the_end(line, age):
    assert AGE_PATTERN.search(line).group() == age


def test_age_pattern_needs_the_age_at_the_end():
    assert AGE_PATTERN.search("a day ago in Tokyo") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Japan Timesa day ago", ("Japan Times", "a day ago")),
        ("Yahoo23-04-2025", ("Yahoo", "23-04-2025")),
        ("New York Post6 days ago", ("New York Post", "6 days ago")),
        ("The National16-05-2025", ("The National", "16-05-2025")),
        ("NZ Herald08-06-2025", ("NZ Herald", "08-06-2025")),
        ("9 News3 hours ago", ("9 News", "3 hours ago")),
        ("9 News23-04-2025", ("9 News", "23-04-2025")),  # the aggregator pads days to two digits
        ("Sky News AU12 hours ago", ("Sky News AU", "12 hours ago")),
        ("Channel 42 hours ago", ("Channel 4", "2 hours ago")),  # nobody writes "42 hours ago"
        ("France 243 hours ago", ("France 24", "3 hours ago")),
        ("Al Jazeeraan hour ago", ("Al Jazeera", "an hour ago")),
        ("خبر صحمنذ 23 دقائق", ("خبر صح", "منذ 23 دقائق")),
        ("a day ago", ("", "a day ago")),
        ("Opinion", None),
        ("", None),
    ],
)
def test_split_glued_age(line, expected):
    assert split_glued_age(line) == expected


def test_split_prefers_a_source_named_elsewhere_on_the_page():
    # "Radio 112 hours ago" reads best as "Radio 1" + "12 hours ago" ...
    assert split_glued_age("Radio 112 hours ago") == ("Radio 1", "12 hours ago")
    # ... unless the page's related stories are from "Radio 11".
    assert split_glued_age("Radio 112 hours ago", ["Radio 11", "Harbour Gazette"]) == ("Radio 11", "2 hours ago")


def test_split_prefers_a_source_not_ending_in_space():
    assert split_glued_age("Channel 12 hours ago") == ("Channel 1", "2 hours ago")


# ---------------------------------------------------------------- timefmt.humanize (shown back)

NOW = AS_OF


@pytest.mark.parametrize(
    ("published", "precision", "expected"),
    [
        (NOW - DAY, "day", "1 day ago"),
        (NOW - DAY - 3 * MIN, "day", "1 day ago"),  # never a fake minute
        (NOW - 3 * DAY - 5 * HOUR, "day", "3 days ago"),
        (NOW - 2 * HOUR, "day", "today"),
        (datetime(2025, 4, 23, 8, tzinfo=UTC), "day", "23 Apr 2025"),
        (date(2025, 4, 23), "day", "23 Apr 2025"),
        (date(2025, 6, 9), "day", "1 day ago"),
        (date(2025, 6, 10), "day", "today"),
        (NOW - HOUR, "hour", "1 hour ago"),
        (NOW - 5 * HOUR - 40 * MIN, "hour", "5 hours ago"),
        (NOW - 20 * MIN, "hour", "under an hour ago"),
        (NOW - 30 * HOUR, "hour", "1 day ago"),
        (NOW - 34 * MIN, "minute", "34 min ago"),
        (NOW - timedelta(seconds=20), "minute", "just now"),
        (NOW - 3 * HOUR, "minute", "3 hours ago"),
        (NOW - 34 * MIN, "exact", "34 min ago"),
        (NOW - 2 * DAY, "exact", "2 days ago"),
        (datetime(2024, 12, 1, 7, 5, 9, tzinfo=UTC), "exact", "1 Dec 2024"),
        (NOW - 34 * MIN, "unknown", "10 Jun 2025"),
        (NOW + 2 * DAY, "minute", "12 Jun 2025"),  # the future is shown as a date
        (None, "unknown", ""),
    ],
)
def test_humanize_age(published, precision, expected):
    assert humanize(published, precision, NOW) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a day ago", "1 day ago"),
        ("6 days ago", "6 days ago"),
        ("an hour ago", "1 hour ago"),
        ("34 minutes ago", "34 min ago"),
        ("a few seconds ago", "just now"),
        ("a month ago", "10 May 2025"),
    ],
)
def test_an_age_read_and_shown_at_the_same_moment_says_the_same(text, shown):
    value, precision = parse_age(text, AS_OF)
    assert humanize(value, precision, AS_OF) == shown
