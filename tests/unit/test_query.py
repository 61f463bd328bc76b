"""The search language: every construct, every error, and no input that breaks it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.search.language import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    DateBound,
    Query,
    QueryError,
    Term,
    highlight_terms,
    parse_query,
)
from newsreader.store.searching import match_expression

# 20:00 in UTC+10: the local day is already the 27th.
TZ = timezone(timedelta(hours=10))
NOW = datetime(2026, 11, 27, 6, 30, tzinfo=TZ)


def words(*texts: str, phrase: bool = False, prefix: bool = False, negated: bool = False) -> Term:
    return Term(tuple(texts), phrase=phrase, prefix=prefix, negated=negated)


# -- words, phrases, prefixes -------------------------------------------------


def test_plain_words_each_a_term():
    assert parse_query("harbour  pilots").terms == (words("harbour"), words("pilots"))


def test_quoted_phrase_is_one_term():
    q = parse_query('"port calder" pilots')
    assert q.terms == (words("port", "calder", phrase=True), words("pilots"))


def test_prefix_marks_the_last_word():
    assert parse_query("pilot*").terms == (words("pilot", prefix=True),)
    assert parse_query('"port cal"*').terms == (words("port", "cal", phrase=True, prefix=True),)


def test_punctuation_inside_a_word_makes_a_phrase_as_fts5_sees_it():
    (term,) = parse_query("covid-19").terms
    assert term.words == ("covid", "19") and term.phrase
    assert parse_query("covid-19").highlight_terms() == ["covid-19"]


def test_negated_words_and_phrases():
    q = parse_query('harbour -ferry -"late sailings"')
    assert q.positive_terms == (words("harbour"),)
    assert q.negative_terms == (words("ferry", negated=True), words("late", "sailings", phrase=True, negated=True))


def test_a_lone_dash_and_punctuation_are_nothing():
    assert parse_query(" - ( ) ** ").is_empty()
    assert parse_query("").is_empty()


def test_unclosed_quote_runs_to_the_end():
    assert parse_query('pilots "port calder').terms == (words("pilots"), words("port", "calder", phrase=True))


def test_same_term_twice_is_kept_once():
    assert parse_query("harbour Harbour harbour").terms == (words("harbour"), words("Harbour"))


def test_fts5_syntax_is_only_words():
    q = parse_query('NEAR(harbour pilots, 3) OR ^ferry {title body} AND "a" title')
    assert [t.text for t in q.terms] == ["NEAR harbour", "pilots", "3", "OR", "ferry", "title", "body", "AND", "a"]
    assert all(all(w.isalnum() for w in t.words) for t in q.terms)


def test_url_is_text_not_a_filter():
    (term,) = parse_query("https://harbour.example/news").terms
    assert term.words == ("https", "harbour", "example", "news")


def test_a_colon_word_with_nothing_after_is_a_word():
    assert parse_query("Breaking: fire").terms == (words("Breaking"), words("fire"))


# -- filters -------------------------------------------------------------------


def test_source_bare_and_quoted():
    assert parse_query("source:Ledger").sources == ("Ledger",)
    q = parse_query('source:"Sky News AU" pilots')
    assert q.sources == ("Sky News AU",) and q.terms == (words("pilots"),)


def test_negated_source_and_tag():
    q = parse_query("-source:Gazette tag:world -tag:sport")
    assert q.not_sources == ("Gazette",) and q.tags == ("world",) and q.not_tags == ("sport",)


def test_states():
    assert parse_query("is:unread").read is False
    assert parse_query("is:read").read is True
    assert parse_query("-is:unread").read is True
    assert parse_query("-is:read").read is False
    assert parse_query("is:bookmarked").bookmarked is True
    assert parse_query("-is:bookmarked").bookmarked is False


def test_field_names_and_states_ignore_case():
    q = parse_query('SOURCE:"Harbour Gazette" Is:UnRead TAG:World After:Today')
    assert q.sources == ("Harbour Gazette",) and q.read is False and q.tags == ("World",)
    assert q.after == DateBound("today", days_back=0)


def test_filters_alone_are_a_valid_query():
    q = parse_query('source:"Harbour Gazette" is:unread')
    assert not q.terms and q.has_filters and not q.is_empty()
    assert q.highlight_terms() == []


def test_filter_value_is_cleaned_of_controls():
    assert parse_query('source:"Sky\x1b[31m  News"').sources == ("Sky[31m News",)


# -- dates -----------------------------------------------------------------------


def test_iso_dates_start_at_local_midnight():
    q = parse_query("after:2026-11-01 before:2026-11-20")
    low, high = q.time_range(NOW)
    assert low == int(datetime(2026, 11, 1, tzinfo=TZ).timestamp())
    assert high == int(datetime(2026, 11, 20, tzinfo=TZ).timestamp())


def test_today_and_yesterday_follow_the_local_day():
    low, _ = parse_query("after:today").time_range(NOW)
    assert low == int(datetime(2026, 11, 27, tzinfo=TZ).timestamp())
    _, high = parse_query("before:yesterday").time_range(NOW)
    assert high == int(datetime(2026, 11, 26, tzinfo=TZ).timestamp())


@pytest.mark.parametrize(
    ("text", "span"),
    [("7d", timedelta(days=7)), ("24h", timedelta(hours=24)), ("2w", timedelta(weeks=2)), ("7D", timedelta(days=7))],
)
def test_ages_are_moments_before_now(text, span):
    low, _ = parse_query(f"after:{text}").time_range(NOW)
    assert low == int((NOW - span).timestamp())


def test_no_dates_no_range():
    assert parse_query("harbour").time_range(NOW) == (None, None)


def test_the_same_date_twice_is_fine():
    assert parse_query("after:7d after:7d").after == DateBound("7d", ago=timedelta(days=7))


# -- errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "after:tomorow",
            'after: not a date: "tomorow" (use YYYY-MM-DD, today, yesterday, or an age like 7d, 24h, 2w)',
        ),
        ("before:2026-02-30", 'before: not a date: "2026-02-30" (no such day)'),
        (
            "after:26-11-2026",
            'after: not a date: "26-11-2026" (use YYYY-MM-DD, today, yesterday, or an age like 7d, 24h, 2w)',
        ),
        ("after:99999w", 'after: "99999w" is too far back (at most 100 years)'),
        ("is:starred", 'is: unknown state "starred" (use unread, read, bookmarked, flagged, hidden or updated)'),
        ("source: harbour", 'source: needs a source name (as in source:"Sky News AU")'),
        ('source:"" x', 'source: needs a source name (as in source:"Sky News AU")'),
        ("tag:", "tag: needs a tag (as in tag:world)"),
        ("is:", "is: needs a state (as in is:unread)"),
        ("after:", "after: needs a date (as in after:7d)"),
        (
            "sorce:bbc",
            'unknown filter "sorce:" (filters: source: tag: author: title: is: before: after:; put text in quotes to search for it)',
        ),
        ("is:read is:unread", "is:read and is:unread contradict each other"),
        ("is:bookmarked -is:bookmarked", "is:bookmarked and -is:bookmarked contradict each other"),
        ("after:7d after:2d", 'after: given twice ("7d" and "2d")'),
        ("-after:7d", "-after: cannot be negated (use before:)"),
        ("-before:7d", "-before: cannot be negated (use after:)"),
        ("ha*", 'prefix* needs at least 3 letters: "ha*"'),
        ('"new yo"*', 'prefix* needs at least 3 letters: "new yo"'),
    ],
)
def test_errors_are_one_clear_line(text, message):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_quoted_unknown_filter_is_searchable_text():
    assert parse_query('"sorce:bbc"').terms == (words("sorce", "bbc", phrase=True),)


def test_error_quotes_user_text_cleaned_and_short():
    with pytest.raises(QueryError) as caught:
        parse_query("after:\x1b]52;" + "x" * 200)
    message = str(caught.value)
    assert "\x1b" not in message and len(message) < 200


def test_limits():
    with pytest.raises(QueryError, match="too long"):
        parse_query("a" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(QueryError, match="too many words"):
        parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))
    assert len(parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS))).terms) == MAX_TERMS


def test_not_text_is_a_query_error():
    with pytest.raises(QueryError):
        parse_query(None)  # type: ignore[arg-type]


# -- text form and the helpers the app uses ---------------------------------------


def test_str_is_the_canonical_query():
    q = parse_query(
        '-ferry "late sail"* covid-19 Tag:world source:"Sky News AU" -is:bookmarked is:unread after:7D before:2026-11-20'
    )
    assert str(q) == (
        '-ferry "late sail"* "covid 19" source:"Sky News AU" tag:world is:unread -is:bookmarked after:7d before:2026-11-20'
    )
    assert parse_query(str(q)) == q


def test_highlight_only_words_and_phrases():
    text = 'harbour "port calder" pilot* -ferry source:Gazette tag:local is:unread after:7d'
    assert highlight_terms(text) == ["harbour", "port calder", "pilot"]
    assert highlight_terms("after:tomorow harbour") == []  # does not parse: nothing to highlight
    assert highlight_terms("source:Gazette") == []


def test_match_expression_quotes_every_term():
    q = parse_query('pilot* "port calder" -x tag:y')
    assert [(t.text, t.phrase, t.prefix) for t in q.positive_terms] == [
        ("pilot", False, True),
        ("port calder", True, False),
    ]
    assert match_expression(parse_query('pilot* "(:')) == '"pilot"*'
    assert match_expression(parse_query('harbour -ferry "a b"')) == '("harbour" AND "a b") NOT ("ferry")'
    assert match_expression(parse_query("source:x")) is None


def test_with_filter_changes_one_field():
    q = parse_query("harbour is:read")
    assert q.with_filter(read=False).read is False and q.with_filter(read=False).terms == q.terms


# -- properties ------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("abcXYZ019 -*\":()^{}.,'\\/_+\t\n\x00\x1bé漢")
    + ["source:", "tag:", "is:", "after:", "before:", "is:unread", "after:7d", "-"]
)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300) | st.lists(_ALPHABET, max_size=40).map("".join))
def test_any_text_gives_a_query_or_a_query_error(text):
    try:
        q = parse_query(text)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(q, Query)
    for term in q.terms:  # only letters and digits ever reach FTS5
        assert term.words and all(w.isalnum() for w in term.words)
    assert parse_query(str(q)) == q
    q.time_range(NOW)
    highlight_terms(text)


@pytest.mark.parametrize("text", ['SOURCE:\x08"0', 'source:"0', 'tag:a"b'])
def test_quote_marks_in_a_filter_value_read_back_the_same(text):
    q = parse_query(text)
    assert parse_query(str(q)) == q


def test_a_filter_value_of_only_controls_and_quotes_is_empty():
    with pytest.raises(QueryError, match="source: needs a source name"):
        parse_query('SOURCE:\x08"')
