"""The page-dump parser on bytes: encodings, line breaks, control characters,
the reference time, and any input at all (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.core.models import ParseError
from newsreader.core.sanitize import has_control
from newsreader.parser.dump import parse
from tests.support.page_dumps import AS_OF, DUMPS, strings

# ------------------------------------------------------------------ bytes and text


def test_encodings_and_line_breaks_agree():
    base = (DUMPS / "b_no_leading_newline.txt").read_text(encoding="utf-8")
    expected = parse(base.encode(), as_of=AS_OF)
    variants = [
        b"\xef\xbb\xbf" + base.encode(),
        base.replace("\n", "\r\n").encode(),
        base.replace("\n", "\r").encode(),
        base.replace("\n", "\u2028").encode(),
        base.encode("utf-16"),
    ]
    for data in variants:
        doc = parse(data, as_of=AS_OF)
        assert [(a.title, a.body, a.summary, a.source) for a in doc.articles] == [
            (a.title, a.body, a.summary, a.source) for a in expected.articles
        ]


def test_legacy_encoding_falls_back():
    doc = parse("Café on the quay reopens\nThe café reopened on Monday.\n".encode("cp1252"), as_of=AS_OF)
    assert doc.articles[0].title == "Café on the quay reopens"
    assert any("Windows-1252" in w for w in doc.warnings)


def test_control_characters_are_removed():
    page = (DUMPS / "a_article.txt").read_text(encoding="utf-8")
    page = page.replace("Harbour council approves", "Harbour \x1b]52;c;aGk=\x07council\u202e approves")
    page = page.replace("The terminal will cost", "The \x9b31mterminal will cost")
    doc = parse(page.encode(), as_of=AS_OF)
    assert doc.articles[0].title.startswith("Harbour ]52;c;aGk=council approves")
    assert not any(has_control(s) for s in strings(doc))


def test_reference_time():
    data = (DUMPS / "a_article.txt").read_bytes()
    naive = parse(data, as_of=AS_OF.replace(tzinfo=None)).articles[0]
    assert naive.published == AS_OF - timedelta(days=1)
    before = datetime.now(UTC)
    now = parse(data, as_of=None).articles[0]
    assert before - timedelta(days=1, seconds=1) <= now.published <= datetime.now(UTC) - timedelta(days=1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_document_or_parse_error(data):
    try:
        doc = parse(data, as_of=AS_OF)
    except ParseError:
        return
    assert doc.format == "page-dump" and doc.articles
    assert not any(has_control(s) for s in strings(doc))


# Lines that look like a Daily8 page, shuffled: reaches the structure code far
# more often than random bytes do.
PAGE_LINES = st.sampled_from(
    [
        "logo",
        "",
        "",
        "Title of a story",
        "Title of a story",
        "Harbour Gazettea day ago",
        "Opinion",
        "time34 minutes ago",
        "an hour ago",
        "منذ ساعتين",
        "  • Harbour Gazette",
        "- Weather",
        "Hashtags",
        "Try Our AI Features",
        "Related Articles",
        "Comments",
        "Latest news with #Tag",
        "Latest from X",
        "A sentence of the body. And another",
        "Caption of a photo. |",
        "PEXELS",
        "07:30",
        "Advertisement",
        "%3Cp%3E%3C%2Fp%3E",
        "Related Internet Links",
        "\x1b[2J",
        "\u202e",
        "app-storeplay-store",
        "Copy the Story Link",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PAGE_LINES, max_size=40), st.integers(min_value=0, max_value=4000))
def test_page_shaped_text_gives_a_document_or_parse_error(lines, cut):
    data = "\n".join(lines).encode()[:cut]
    try:
        doc = parse(data, as_of=AS_OF)
    except ParseError:
        return
    assert doc.articles and all(a.title for a in doc.articles)
    assert not any(has_control(s) for s in strings(doc))
    if doc.main is not None:
        assert all(0 < i < len(doc.articles) for i in doc.articles[doc.main].related)
