"""The short ways the parse worker takes through common input (issue 16)
give exactly what the general code gives: each is checked against that
code, written out here, on the cases the short way takes and on those
next to it that it must leave to the general code."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.core import sanitize, textnorm
from newsreader.core.urls import check_url, normalize_url
from newsreader.parser import dates
from newsreader.parser.images import image_urls
from newsreader.store.articlerows import normal_url

# Characters each short way must judge right: controls, format and
# separator characters, surrogates, quotes, letters of several scripts,
# digits that are and are not decimal, spaces that are not " ".
TRICKY = (
    [chr(c) for c in range(0x00, 0x250)]
    + list("\u00a0\u2000\u2028\u2029\u200b\u200e\u200f\u202a\u202e\u2060\u2066\u2069\u3000\ufeff\ufffd")
    + list("\ud800\udfff\u2018\u2019\u201c\u2013\u0130\u0131\ufb01\u00b2\u2167\u0663\U0001f600")
)
tricky_text = st.text(alphabet=st.sampled_from(TRICKY + list("ab c\n\t\r.-'")), max_size=24)


def reference_clean(text: str, newlines: bool) -> str:
    """clean() as it was before its short way: the patterns alone."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    if newlines:
        return sanitize._CONTROL.sub("", text)
    return sanitize._CONTROL_KEEP_NO_NEWLINE.sub("", text.replace("\n", " ").replace("\t", " "))


@pytest.mark.parametrize("newlines", [True, False])
def test_clean_matches_the_patterns_for_every_tricky_character(newlines):
    for ch in TRICKY:
        for text in (ch, f"plain text {ch} more\n", f"ünïcode {ch}\ttab"):
            assert sanitize.clean(text, newlines=newlines) == reference_clean(text, newlines), repr(text)


@given(tricky_text)
def test_clean_matches_the_patterns(text):
    assert sanitize.clean(text) == reference_clean(text, True)
    assert sanitize.clean(text, newlines=False) == reference_clean(text, False)
    assert sanitize.has_control(text) == bool(sanitize._CONTROL.search(text) or re.search("[\ud800-\udfff]", text))


@given(tricky_text)
def test_content_terms_are_the_pattern_s_words(text):
    folded = textnorm.fold(text)
    expected = [w for w in textnorm._WORD.findall(folded) if len(w) > 2 and w not in textnorm.STOPWORDS]
    assert textnorm.content_terms(text) == expected


def test_fold_of_ascii_is_its_lower_case():
    text = "".join(chr(c) for c in range(128))
    assert textnorm.fold(text) == text.lower()
    assert textnorm.fold("Don\u2019t ﬁle") == "don't file"  # not ASCII: NFKC and quotes as before


@pytest.mark.parametrize(
    "text",
    [
        "Mon, 11 May 2026 13:43:58 GMT",
        "11 May 2026 13:43:58 +0000",
        "Tue, 3 Feb 2026 07:05:09 -0000",
        "Sun, 01 Mar 2026 23:59:60 UTC",  # a leap second reads as :59
        "Mon, 30 Feb 2026 10:00:00 GMT",  # no such day
        "Mon, 11 May 1969 13:43:58 GMT",  # before the years read
        "Mon, 11 Foo 2026 13:43:58 GMT",
        "Mon, 11 Juin 2026 13:43:58 GMT",
        "Mon, 11 May 2026 13:43:58 +0100",  # the general way: an offset
        "Mon, 11 May 2026 24:00:00 GMT",
    ],
)
def test_plain_rfc822_dates_read_as_the_general_patterns_read_them(text):
    general = dates.parse_rfc822(text)
    assert dates.parse_date(text) == general
    if general[0] is not None:
        assert dates.parse_date(text)[0].tzinfo == general[0].tzinfo
    if dates._plain_rfc822(text) is not None:
        assert dates.parse_date(text)[0] == datetime(2026, 1, 1, tzinfo=UTC).replace(**_fields(text))


def _fields(text: str) -> dict[str, int]:
    day, mon, year, clock = text.split(", ")[-1].split()[:4]
    hour, minute, second = (int(x) for x in clock.split(":"))
    month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].index(mon) + 1
    return {
        "year": int(year),
        "month": month,
        "day": int(day),
        "hour": hour,
        "minute": minute,
        "second": min(second, 59),
    }


@pytest.mark.parametrize(
    "src",
    [
        "https://site.example/img/a.jpg",
        "http://site.example",
        "https://site.example/a/../b.png",
        "https://site.example/a.jpg?",  # urljoin drops the empty query
        "https://site.example/a.jpg#",
        "https://site.example/a;v=1.jpg",
        "HTTPS://Site.Example/a.jpg",
        "http:///no-host.jpg",
        "https://site.example/" + "x" * 2100,  # too long to keep
        "/relative/b.gif",
    ],
)
def test_images_as_joined_and_checked(src):
    base = "https://feed.example/news/"
    joined = urljoin(base, src)
    expected = [joined] if joined.lower().startswith(("http://", "https://")) and not check_url(joined) else []
    assert image_urls(f'<p><img src="{src}"></p>', base) == expected


@given(st.text(alphabet=st.sampled_from(list("aZ09.-_~/%!$&'()*+,=:@;?# ")), max_size=20))
def test_a_normal_address_is_its_own_normal_form(tail):
    for head in ("http://site.example", "https://a.b", "HTTP://Site.Example", "http://a.b:80"):
        assert normal_url(head + tail) == normalize_url(head + tail)
