"""newsreader.parser.html: a web page -> its article, without the page's chrome."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.core.models import Caption, ParseError
from newsreader.core.sanitize import has_control
from newsreader.parser import html
from newsreader.parser import parse as parse_any
from tests.support.paths import FIXTURES, REPO_ROOT, shared_path

PAGES = FIXTURES / "html"
URL = "https://courier.example/news/story.html?id=7"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def article_of(data: bytes, url: str | None = URL, **kw):
    doc = html.parse(data, as_of=kw.get("as_of"), url=url)
    assert doc.format == "html" and doc.main == 0 and len(doc.articles) == 1
    return doc.articles[0]


# --- the article and nothing else ---------------------------------------------


def test_news_page_body_keeps_the_story_in_order():
    body = article_of(page("news_page.html")).body
    story = [
        "The Marigold, the little blue ferry",
        "Engineers replaced both propeller shafts",
        "A quieter engine",
        "Regular passengers said the first thing",
        "Crossings every twenty minutes",
        "It feels like the town has its heartbeat back",
        "The harbour trust expects the Marigold",
    ]
    positions = [body.find(s) for s in story]
    assert -1 not in positions, body
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "chrome",
    [
        "We use cookies",
        "Accept all cookies",  # cookie banner
        "Sport",
        "Weather",
        "Opinion",  # navigation
        "ADVERTISEMENT",
        "Glimmerwax",  # ad slot
        "Get the Courier in your inbox",
        "morning newsletter",  # newsletter box
        "Related stories",
        "Storm tears ferry",
        "Saltmere dry dock wins",  # related links
        "Share on social media",
        "Email this story",  # share tools
        "Comments (2)",
        "Lovely news",
        "replacement bus",  # comments
        "All rights reserved",  # footer
        "PAGEVIEW-SCRIPT-TEXT",
        "font-family",  # script, style
    ],
)
def test_news_page_body_has_none_of_the_chrome(chrome):
    assert chrome not in article_of(page("news_page.html")).body


def test_body_reads_as_blocks_in_a_terminal():
    body = article_of(page("news_page.html")).body
    blocks = body.split("\n\n")
    assert "A quieter engine" in blocks  # heading on its own
    assert (
        "- Crossings every twenty minutes from seven in the morning\n"
        "- Bicycles carried free of charge until the end of April"
    ) in blocks
    assert any(b.startswith("> It feels like the town") for b in blocks)
    assert not body.startswith("Harbour ferry returns")  # the headline is shown apart
    assert "\n\n\n" not in body and body == body.strip()


def test_story_split_over_several_containers_is_read_whole():
    """trafilatura alone stops after the first of three body containers here."""
    body = article_of(page("split_story.html")).body
    assert all(f"chunk paragraph {i} sentence 3" in body for i in range(12))
    assert body.count("\n\n") == 11 and "Advertisement" not in body


def test_story_laid_out_in_a_table_keeps_its_paragraphs():
    """A <td> holding the story is layout: paragraphs stay apart, the menu cell goes."""
    blocks = article_of(page("layout_table.html")).body.split("\n\n")
    assert blocks[-3].startswith("The tide tables for the northern estuary")
    assert blocks[-2].startswith("A software update")
    assert blocks[-1].startswith("Nobody was hurt")
    assert not any("Home" in b for b in blocks)


def test_long_paragraph_carried_twice_is_shown_once():
    """A print copy repeats the story; trafilatura alone keeps both. Paragraphs
    under 50 words may repeat (recipes, interview questions), so only the long
    one is dropped."""
    body = article_of(page("story_twice.html")).body
    assert body.count("The tide tables for the northern estuary") == 1
    assert "The harbour master said" in body


def test_nested_lists_are_indented_under_their_item():
    data = (
        b"<html><head><meta property='og:type' content='article'></head><body><article>"
        b"<p>The committee published its list of priorities for the coming year on Monday, after a "
        b"long meeting.</p><ul><li>Roads<ul><li>Potholes on the high street</li><li>New crossings"
        b"</li></ul></li><li>Schools and libraries</li></ul><p>Each item will get a budget line in "
        b"the spring, the chair said, and progress will be reported monthly.</p></article></body></html>"
    )
    assert "- Roads\n  - Potholes on the high street\n  - New crossings\n- Schools and libraries" in article_of(
        data
    ).body.split("\n\n")


# --- metadata -------------------------------------------------------------------


def test_metadata_from_meta_tags():
    art = article_of(page("news_page.html"))
    assert art.title == "Harbour ferry returns after winter repairs"
    assert art.author == "Petra Vallow"
    assert art.published == datetime(2031, 3, 14, 6, 45, tzinfo=UTC)
    assert art.precision == "exact"
    assert art.published_text == "2031-03-14T07:45:00+01:00"
    assert art.updated == datetime(2031, 3, 14, 9, 10, 30, tzinfo=UTC)
    assert art.url == "https://courier.example/2031/03/harbour-ferry-returns"  # relative canonical
    assert art.source == "The Lanternfield Courier"
    assert art.summary == "The Marigold is back on the Lanternfield crossing after four months in dry dock."
    assert art.captions == [
        Caption("The Marigold leaves the east quay on its first crossing of the season.", "Ivo Brannick")
    ]
    assert art.tags == ["Transport", "Harbour"]


def test_metadata_from_json_ld():
    art = article_of(page("jsonld_page.html"))
    assert art.title == "Orchard growers try frost fans as spring turns cold"  # headline, not <title>
    assert art.author == "Dag Ellery, Mira Soto"
    assert art.published == date(2030, 4, 2) and art.precision == "day"
    assert art.updated == datetime(2030, 4, 2, 16, 20, tzinfo=UTC)
    assert art.source == "Vale Gazette"  # publisher, not the WebSite node
    assert art.url == "https://valegazette.example/farming/frost-fans"
    assert art.summary == "Fruit farmers in the upper vale are betting on giant fans."
    assert art.captions == [Caption("A frost fan towers over the pear trees at Hollin Farm.", "Vale Gazette archive")]
    assert art.body.startswith("Fruit farmers in the upper vale have started")
    assert "frost fan towers" not in art.body  # captions are not body text


def test_json_ld_main_entity_and_author_fallbacks():
    ld = (
        b'<script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type": '
        b'"ReportageNewsArticle", "headline": "Ferry strike ends", "datePublished": "not a date"}}</script>'
        b'<meta property="article:author" content="https://social.example/ines">'
        b'<meta name="parsely-author" content="Ines Aldana">'
        b'<meta name="parsely-pub-date" content="2031-05-02T10:00:00Z">'
    )
    art = article_of(
        page("short_article.html")
        .replace(b"</head>", ld + b"</head>")
        .replace(b'<meta property="article:published_time" content="2031-02-20">', b"")
    )
    assert art.title == "Ferry strike ends"
    assert art.author == "Ines Aldana"  # the profile URL is skipped
    assert art.published == datetime(2031, 5, 2, 10, 0, tzinfo=UTC)  # next date that reads


def test_title_from_title_element_loses_the_site_name():
    data = page("short_article.html").replace(
        b'<meta property="og:type" content="article">', b'<meta property="og:site_name" content="Coast Rail News">'
    )
    data = data.replace(
        b"<title>Night trains resume on the coast line</title>", b"<title>Night trains resume | Coast Rail News</title>"
    ).replace(b"<h1>", b"<h2>")
    data = data.replace(b"</h1>", b"</h2>")
    art = article_of(data)
    assert art.title == "Night trains resume"
    assert art.source == "Coast Rail News"


def test_time_element_gives_the_date_when_meta_is_silent():
    data = (
        page("short_article.html")
        .replace(b'<meta property="article:published_time" content="2031-02-20">', b"")
        .replace(b"<h1>", b'<time datetime="2031-02-19T22:05Z">last night</time><h1>')
    )
    art = article_of(data)
    assert art.published == datetime(2031, 2, 19, 22, 5, tzinfo=UTC)
    assert art.precision == "minute"


def test_source_falls_back_to_the_host_without_www():
    art = article_of(page("short_article.html"), url="https://www.coastrail.example/news/1")
    assert art.source == "coastrail.example"
    assert art.url == "https://www.coastrail.example/news/1"


@pytest.mark.parametrize(
    "href, url, expected",
    [
        ("/2031/x", "https://a.example/news/b?q=1", "https://a.example/2031/x"),
        ("../x", "https://a.example/news/sub/b", "https://a.example/news/x"),
        ("//cdn.example/y", "https://a.example/b", "https://cdn.example/y"),
        ("https://other.example/z", None, "https://other.example/z"),
        ("/2031/x", None, None),  # nothing to resolve against
        ("javascript:alert(1)", "https://a.example/b", "https://a.example/b"),
        ("data:text/html,hi", "https://a.example/b", "https://a.example/b"),
        ("ftp://a.example/file", "https://a.example/b", "https://a.example/b"),
    ],
)
def test_canonical_url_is_resolved_and_http_only(href, url, expected):
    data = page("short_article.html").replace(
        b"</head>", f'<base href="http://evil.example/"><link rel="canonical" href="{href}"></head>'.encode()
    )
    assert article_of(data, url=url).url == expected


# --- pages without an article -----------------------------------------------------


@pytest.mark.parametrize("name", ["index_page.html", "login_page.html"])
def test_page_without_an_article_is_refused(name):
    with pytest.raises(ParseError, match="no readable text"):
        html.parse(page(name), as_of=None, url=URL)


def test_paywall_stub_is_refused():
    """Two sentences and a subscribe box are a teaser, not the story: we refuse
    the page (ParseError) rather than show a stub as if it were the article.
    The feed item that linked to it keeps its own summary, and a longer
    teaser (three sentences or more) is still shown, with a warning."""
    with pytest.raises(ParseError, match="no readable text"):
        html.parse(page("paywall_stub.html"), as_of=None, url=URL)


def test_longer_paywalled_teaser_is_shown_with_a_warning():
    extra = (
        b"<p>The deck beams had been cut from a single batch of steel in 1931. Nobody had "
        b"inspected the joints since the war. Three of them had cracked right through.</p></div>"
    )
    doc = html.parse(page("paywall_stub.html").replace(b"</div>", extra, 1), as_of=None, url=URL)
    assert "Three of them had cracked" in doc.articles[0].body
    assert "Subscribe" not in doc.articles[0].body
    assert any("subscriber-only" in w for w in doc.warnings)


def test_short_genuine_article_is_kept():
    art = article_of(page("short_article.html"))
    assert art.body == (
        "Night trains between Varrow and Pellick Sands will run again from Monday, "
        "the rail operator said.\n\nThe service was suspended in December after a "
        "landslip near the tunnel at Cray Head."
    )
    assert art.published == date(2031, 2, 20)


# --- hostile and broken input --------------------------------------------------------


def test_hostile_page_comes_out_clean():
    art = article_of(page("hostile_page.html"), url="https://good.example/a/b.html")
    for name in ("title", "body", "source", "url", "summary", "author", "published_text"):
        value = getattr(art, name)
        assert value is None or not has_control(value), name
    for marker in (
        "SCRIPT-TEXT-MARKER",
        "STYLE-TEXT-MARKER",
        "NOSCRIPT-TEXT-MARKER",
        "IFRAME-TEXT-MARKER",
        "ONLOAD-MARKER",
        "INLINE-SCRIPT-MARKER",
        "javascript",
    ):
        assert marker not in art.body
    assert art.url == "https://good.example/a/b.html"  # javascript: canonical and og:url refused
    assert "\x1b" not in art.title and "\u202e" not in art.title
    assert art.body.startswith("The flooded quarry at Dunmere")
    assert "Read the council notice" in art.body


def test_legacy_charset_from_meta():
    text = (
        "<html><head><meta charset='windows-1252'><meta property='og:type' content='article'>"
        "</head><body><article><p>The caf\u00e9 on the pier reopened on Sunday, and its owner said "
        "\u201cwe are here to stay\u201d after a difficult winter by the sea.</p><p>Queues stretched "
        "past the lifeboat station before noon.</p></article></body></html>"
    )
    art = article_of(text.encode("cp1252"))
    assert "caf\u00e9" in art.body and "\u201cwe are here to stay\u201d" in art.body


def test_utf16_with_bom():
    text = (
        "<html><head><meta property='og:type' content='article'></head><body><article>"
        "<p>Die Br\u00fccke \u00fcber die Ilm ist wieder offen, teilte die Stadt am Montag mit.</p>"
        "<p>Der Umweg \u00fcber Kranichfeld entf\u00e4llt damit.</p></article></body></html>"
    )
    art = article_of(b"\xff\xfe" + text.encode("utf-16-le"))
    assert "Br\u00fccke \u00fcber die Ilm" in art.body


def test_valid_utf8_wins_over_a_stale_latin1_declaration():
    text = (
        "<html><head><meta charset='iso-8859-1'><meta property='og:type' content='article'></head>"
        "<body><article><p>\u0141\u00f3d\u017a city council voted to keep the tram line, the mayor "
        "said on Friday.</p><p>Work on the tracks starts in May and should end before the autumn term."
        "</p></article></body></html>"
    )
    assert "\u0141\u00f3d\u017a city council" in article_of(text.encode("utf-8")).body


def test_huge_document_refused_before_parsing():
    data = b"<html><body><p>" + b"a " * (html.MAX_HTML_BYTES // 2) + b"</p></body></html>"
    with pytest.raises(ParseError, match="too large"):
        html.parse(data, as_of=None, url=URL)


def test_pathological_nesting_is_bounded():
    data = b"<html><body>" + b"<div>" * 100_000 + b"<p>deep</p>" + b"</div>" * 100_000 + b"</body></html>"
    with pytest.raises(ParseError):
        html.parse(data, as_of=None, url=URL)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"\x00\x01\x02\xff\xfe",
        b"<html></html>",
        b"<html><body></body></html>",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>hi</p></body></html>",
        b"<html><body><p>" + b"\xff" * 1000 + b"</p></body></html>",
    ],
)
def test_unusable_input_raises_parse_error(data):
    with pytest.raises(ParseError):
        html.parse(data, as_of=None, url=URL)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='comments'>",
                "</div>",
                "<article>",
                "<table><tr><td>",
                "<h2>",
                "<script>",
                "</script>",
                "<meta charset='x-unknown'>",
                "\x1b[2J",
                "\x00",
                "&#27;",
                "<figure>",
                "<figcaption>",
                "A sentence that is long enough to count as prose in a story. ",
                "<li>",
                "<a href='//x'>",
                "<link rel='canonical' href='javascript:1'>",
                "<script type='application/ld+json'>{\"@type\":",
            ]
        ),
        max_size=60,
    )
)
def test_any_markup_gives_an_article_or_parse_error(pieces):
    data = ("<html><body>" + "".join(pieces)).encode("utf-8")
    try:
        doc = html.parse(data, as_of=None, url=URL)
    except ParseError:
        return
    art = doc.articles[0]
    assert not has_control(art.body) and not has_control(art.title)


# --- wiring --------------------------------------------------------------------------


def test_future_date_is_dropped_against_as_of():
    doc = html.parse(page("short_article.html"), as_of=datetime(2030, 1, 1, tzinfo=UTC), url=URL)
    assert doc.articles[0].published is None and doc.articles[0].precision == "unknown"
    assert doc.warnings


def test_entry_point_detects_and_parses_html():
    doc = parse_any(page("news_page.html"), url=URL)
    assert doc.format == "html" and doc.articles[0].title == "Harbour ferry returns after winter repairs"


def test_importing_the_module_does_not_import_trafilatura():
    code = "import sys, newsreader.parser.html; print('trafilatura' in sys.modules, 'lxml' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False"]


# --- the public benchmark corpus (skipped when ../shared is absent) ------------------------

_TOKEN = re.compile(r"\w+")


def _shingle_f1(true: str, pred: str) -> float:
    """The benchmark's per-page F1: 4-token shingles counted as a multiset."""

    def shingles(text):
        t = _TOKEN.findall(text)
        return Counter(tuple(t[i : i + 4]) for i in range(max(1, len(t) - 3)))

    want, got = shingles(true), shingles(pred)
    tp = sum((want & got).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(got.values()), tp / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def test_benchmark_pages_extract_sanely():
    corpus = shared_path("corpus", "html_articles")
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[::18][:10]
    scores = {}
    for key in keys:
        data = gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes())
        body = html.parse(data, as_of=None, url=truth[key]["url"]).articles[0].body
        scores[key[:10]] = _shingle_f1(truth[key]["articleBody"], body)
    assert all(f1 >= 0.6 for f1 in scores.values()), scores
    assert sum(scores.values()) / len(scores) >= 0.9, scores
