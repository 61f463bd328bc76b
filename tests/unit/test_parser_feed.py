"""RSS 0.9x / 1.0 / 2.0 and Atom 0.3 / 1.0 feeds, their dates, encodings and broken forms
(hostile ones: test_parser_feed_hostile.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsreader.core.models import ParsedDocument, ParseError
from newsreader.parser import feed, parse
from newsreader.parser.dates import parse_date, parse_iso, parse_rfc822
from tests.support.paths import FIXTURES

FEEDS = FIXTURES / "feeds"


def load(name: str, url: str | None = None) -> ParsedDocument:
    return parse((FEEDS / name).read_bytes(), url=url)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- the flavours -------------------------------------------------------------


def test_rss_091_with_netscape_doctype_and_latin1():
    doc = load("rss091.xml")
    assert doc.format == "rss"
    assert doc.feed_title == "Lindqvist Harbour Gazette"
    assert doc.site_url == "http://gazette.example.org/"
    assert [a.title for a in doc.articles] == ["Ferry timetable changes for the winter", "Café on the quay reopens"]
    assert doc.articles[1].body == "After the storm repairs the café serves crêpes again."
    assert doc.articles[0].body == "The morning crossing moves to 07:40 & the late boat is withdrawn until March."
    assert doc.articles[0].guid == "http://gazette.example.org/ferry-winter.html"  # no guid: the link
    assert doc.articles[0].published is None and doc.articles[0].precision == "unknown"
    assert any("DOCTYPE" in w for w in doc.warnings)


def test_rss_092_escaped_html_enclosures_and_an_untitled_item():
    doc = load("rss092.xml", url="https://fetched.example/feeds/whistle.xml")
    first, second = doc.articles
    assert first.body == "Three reels, one very fast.\n\nRecorded live."
    assert first.tags == ["reels"]
    assert [(e.url, e.type, e.length) for e in first.enclosures] == [
        ("http://tinwhistle.example.net/audio/s41.mp3", "audio/mpeg", 5123400)
    ]
    # No title: the first words of the summary stand in for it.
    assert second.title.startswith("A short tune with no title")
    # No id and no link: a stable hash of title, date and summary.
    assert second.guid.startswith("sha1:")
    assert load("rss092.xml").articles[1].guid == second.guid
    assert doc.feed_url == "https://fetched.example/feeds/whistle.xml"  # no self link: the url given
    assert first.source == "Tin Whistle Radio"


def test_rss_20_content_encoded_enclosures_and_links():
    doc = load("rss20.xml")
    assert doc.format == "rss"
    assert doc.feed_url == "https://ledger.example.com/feed.xml"  # atom:link rel=self
    assert doc.site_url == "https://ledger.example.com/"
    frost, cider, grafting = doc.articles
    assert frost.title == "Frost returns to the upper orchard"
    # A relative link, resolved against the channel link when no URL is known.
    assert frost.url == "https://ledger.example.com/2024/03/frost-upper-orchard"
    assert frost.guid == "ledger-2024-0311"
    assert frost.author == "Marta Ilves"  # dc:creator, whatever its prefix
    assert frost.published == utc(2024, 3, 11, 5, 15) and frost.precision == "exact"
    assert frost.published_text == "Mon, 11 Mar 2024 06:15:00 +0100"
    assert frost.tags == ["Weather", "Pears"]  # deduplicated case-insensitively
    assert frost.summary == "Growers lit smudge pots overnight."  # the description
    assert frost.body == (
        "Growers lit smudge pots overnight as the temperature fell to −4 °C.\n\n"
        "The Conference pears (https://ledger.example.com/varieties/conference) were in blossom; "
        "see https://ledger.example.com/frost-map.\n\n"
        "• Upper orchard: heavy damage\n• Lower orchard: light damage\n\n"
        "> We have not seen this since 1997."
    )
    assert "track(" not in frost.body and "color" not in frost.body
    # Only the http(s) enclosure survives; the data: one is dropped with a warning.
    assert [e.url for e in frost.enclosures] == ["https://ledger.example.com/photos/frost.jpg"]
    # javascript: link dropped; the permalink guid is the link instead.
    assert cider.url == "https://ledger.example.com/2024/02/cider-day"
    assert cider.published == date(2024, 2, 10) and cider.precision == "day"
    assert grafting.url is None
    assert any("javascript" in w for w in doc.warnings)
    assert any("data:" in w for w in doc.warnings)


def test_rdf_10_with_dc_date():
    doc = load("rdf10.xml")
    assert doc.format == "rdf"
    assert doc.feed_title == "Hill Observatory News"
    comet, night = doc.articles
    assert comet.url == "http://observatory.example.edu/n/comet"
    assert comet.published == utc(2023, 10, 5, 2, 30) and comet.precision == "exact"
    assert comet.author == "R. Okafor"
    assert comet.tags == ["comets"]
    assert night.published == date(2023, 10, 2) and night.precision == "day"


def test_atom_03_escaped_and_base64_content():
    doc = load("atom03.xml")
    assert doc.format == "atom"
    assert doc.feed_title == "Quiet <Type> Foundry"  # escaped HTML title, entity-decoded once
    italic, b64 = doc.articles
    assert italic.published == utc(2005, 11, 9, 1, 12)  # <issued>, to UTC
    assert italic.updated == utc(2005, 11, 9, 11, 56, 34)  # <modified>
    assert italic.summary == "The matrices arrived on Tuesday."
    assert italic.body == "The matrices arrived on Tuesday.\n\nFirst proofs next week."
    assert italic.author == "Ines Baptiste"  # inherited from the feed
    assert b64.body == "Hello from the foundry!"
    assert b64.published == utc(2005, 10, 1, 9)  # only <modified>: used as the date


def test_atom_10_xml_base_at_feed_and_entry_level_and_typed_titles():
    doc = load("atom10.xml")
    assert doc.feed_title == "Glacier Field Notes"  # type="html" title as text
    assert doc.feed_url == "https://glacier.example.net/blog/feed.atom"
    assert doc.site_url == "https://glacier.example.net/blog/"
    melt, crevasse, plain = doc.articles
    assert melt.title == "Melt rate doubles in May"  # type="xhtml"
    assert melt.url == "https://glacier.example.net/blog/2024/06/melt-rate"  # feed + entry xml:base
    assert [(e.url, e.type, e.length) for e in melt.enclosures] == [
        ("https://glacier.example.net/data/melt-2024-05.csv", "text/csv", 20480)
    ]
    assert melt.body == (
        "The stakes on the lower tongue lost 4 cm a day.\n\n"
        "Raw numbers are in the spreadsheet "
        "(https://glacier.example.net/blog/2024/06/melt-rate/numbers.csv)."  # content's own xml:base
    )
    assert melt.published == utc(2024, 6, 1, 6) and melt.updated == utc(2024, 6, 2, 18, 30)
    assert melt.tags == ["Melt", "data"]
    assert melt.author == "Sigrun Hale"  # the feed's author
    assert crevasse.title == "Crevasse & moulin survey"
    assert crevasse.author == "Tomasz Berg"
    assert crevasse.body == "Ropes, crampons and the gear list (https://glacier.example.net/blog/gear.html)."
    assert crevasse.published == utc(2024, 5, 20, 12)  # only <updated>
    # type="text": angle brackets are text, not tags.
    assert plain.title == "Plain text title with <angle> brackets"
    # Only content: the summary is its start, cut at a word boundary.
    assert 200 < len(plain.summary) <= 301 and plain.summary.endswith("…")
    assert plain.body.startswith("A long account of the season.\n\nIt has two paragraphs")


def test_url_argument_resolves_relative_links_and_names_the_source():
    data = b'<rss version="2.0"><channel><item><title>t</title><link>/a/b</link></item></channel></rss>'
    doc = parse(data, url="https://host.example/feeds/main.xml")
    assert doc.articles[0].url == "https://host.example/a/b"
    assert doc.articles[0].source == "host.example"  # no feed title: the host
    assert doc.feed_url == "https://host.example/feeds/main.xml"


def test_atom_entry_document_and_cdf():
    entry = parse(
        b'<entry xmlns="http://www.w3.org/2005/Atom"><title>Solo</title>'
        b'<link href="https://e.example/solo"/><id>x</id></entry>'
    )
    assert entry.format == "atom" and entry.articles[0].url == "https://e.example/solo"
    cdf = parse(
        b'<CHANNEL HREF="http://cdf.example/"><TITLE>Old</TITLE>'
        b'<ITEM HREF="http://cdf.example/1" LASTMOD="2004-04-06T23:05:43-05:00">'
        b"<TITLE>Item one</TITLE><ABSTRACT>About it</ABSTRACT></ITEM></CHANNEL>"
    )
    item = cdf.articles[0]
    assert (cdf.site_url, item.title, item.url, item.body) == (
        "http://cdf.example/",
        "Item one",
        "http://cdf.example/1",
        "About it",
    )
    assert item.published == utc(2004, 4, 7, 4, 5, 43)


def test_feedburner_original_link_is_preferred():
    data = (
        b'<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">'
        b"<channel><item><title>t</title><link>https://proxy.example/~r/abc</link>"
        b"<feedburner:origLink>https://blog.example/post</feedburner:origLink></item></channel></rss>"
    )
    assert parse(data).articles[0].url == "https://blog.example/post"


# -- dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, precision",
    [
        ("Wed, 10 Feb 2021 21:00:00 +1100", utc(2021, 2, 10, 10), "exact"),
        ("10 Feb 2021", date(2021, 2, 10), "day"),
        ("Wed, 10 Feb 21 21:00:00 GMT", utc(2021, 2, 10, 21), "exact"),
        ("Wednesday, 10-Feb-99 21:00 EST", utc(1999, 2, 11, 2), "minute"),
        ("Wed, 10 Feb 2021 21:00:00 +1100 (AEDT)", utc(2021, 2, 10, 10), "exact"),
        ("10 Feb 2021 21:00:00 GMT+1", utc(2021, 2, 10, 20), "exact"),
        ("Feb 10, 2021", date(2021, 2, 10), "day"),
        ("February 10, 2021 3:04 PM", utc(2021, 2, 10, 15, 4), "minute"),
        ("Wed Feb 10 21:00:00 2021", utc(2021, 2, 10, 21), "exact"),
        ("Seg, 24 Set 2018 19:18:49 -0300", utc(2018, 9, 24, 22, 18, 49), "exact"),
        ("14. März 2019", date(2019, 3, 14), "day"),
        ("2021-02-10T21:00:00.123+01:00", utc(2021, 2, 10, 20), "exact"),
        ("2017-06-13T03:18:00+00:0", utc(2017, 6, 13, 3, 18), "exact"),
        ("2020/1/10 14:03:00", utc(2020, 1, 10, 14, 3), "exact"),
        ("2021-02-10", date(2021, 2, 10), "day"),
        ("23-04-2025", date(2025, 4, 23), "day"),
    ],
)
def test_dates_feeds_write(text, value, precision):
    assert parse_date(text) == (value, precision)


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00Z",
        "Mon, 01 Jan 0001 00:00:00 +0000",
        "32 Feb 2021",
        "Wed, 10 Feb 2021 25:00:00 GMT",
        "soon",
        "",
        "9" * 200,
        "Feb 2021 10",
    ],
)
def test_dates_that_cannot_be_read(text):
    assert parse_date(text) == (None, "unknown")
    assert parse_rfc822(text)[0] is None or parse_iso(text)[0] is None


# -- encodings ------------------------------------------------------------------

RSS_TEMPLATE = '<rss version="2.0"><channel><title>{t}</title><item><title>{t}</title></item></channel></rss>'


@pytest.mark.parametrize(
    "encoded",
    [
        ("\ufeff" + RSS_TEMPLATE.format(t="Žluťoučký kůň")).encode("utf-16-le"),
        ("\ufeff" + RSS_TEMPLATE.format(t="Žluťoučký kůň")).encode("utf-16-be"),
        RSS_TEMPLATE.format(t="Žluťoučký kůň").encode("utf-16-le"),  # no BOM: sniffed
        ("\ufeff" + RSS_TEMPLATE.format(t="Žluťoučký kůň")).encode("utf-32"),
        b"\xef\xbb\xbf" + RSS_TEMPLATE.format(t="Žluťoučký kůň").encode("utf-8"),
        ('<?xml version="1.0" encoding="iso-8859-2"?>\n' + RSS_TEMPLATE.format(t="Žluťoučký kůň")).encode("iso-8859-2"),
        # A wrong declaration: says UTF-16, is UTF-8.
        ('<?xml version="1.0" encoding="utf-16"?>' + RSS_TEMPLATE.format(t="Žluťoučký kůň")).encode("utf-8"),
        # An unknown encoding name.
        ('<?xml version="1.0" encoding="bogus"?>' + RSS_TEMPLATE.format(t="Žluťoučký kůň")).encode("utf-8"),
        # Blank lines before the declaration.
        ('\n\n<?xml version="1.0" encoding="utf-8"?>' + RSS_TEMPLATE.format(t="Žluťoučký kůň")).encode("utf-8"),
    ],
)
def test_encodings_by_bom_declaration_and_sniffing(encoded):
    doc = feed.parse(encoded, url=None)
    assert doc.feed_title == "Žluťoučký kůň"
    assert doc.articles[0].title == "Žluťoučký kůň"


def test_undeclared_windows_1252_and_declared_gb2312():
    latin = RSS_TEMPLATE.format(t="“Quoted” café").encode("cp1252")
    doc = parse(latin)
    assert doc.articles[0].title == "“Quoted” café"
    assert any("windows-1252" in w for w in doc.warnings)
    chinese = ('<?xml version="1.0" encoding="gb2312"?>' + RSS_TEMPLATE.format(t="新闻标题")).encode("gb2312")
    assert parse(chinese).articles[0].title == "新闻标题"


@pytest.mark.parametrize(
    "declared, data_encoding",
    [
        ("us-ascii", "utf-8"),  # "ASCII" that is really UTF-8
        ("us-ascii", "cp1252"),
        ("utf-8", "cp1252"),  # a UTF-8 declaration on windows-1252 bytes
        ("iso-8859-1", "cp1252"),  # latin-1 read as windows-1252, as browsers do
    ],
)
def test_wrong_declarations_are_survived(declared, data_encoding):
    text = f'<?xml version="1.0" encoding="{declared}"?>' + RSS_TEMPLATE.format(t="café “quoted”")
    doc = feed.parse(text.encode(data_encoding), url=None)
    assert doc.articles[0].title == "café “quoted”"


def test_mostly_utf8_with_a_bad_byte_keeps_the_utf8():
    text = '<?xml version="1.0" encoding="utf-8"?>' + RSS_TEMPLATE.format(t="Žluťoučký")
    doc = feed.parse(text.encode("utf-8").replace(b"</channel>", b"\xff</channel>"), url=None)
    assert doc.articles[0].title == "Žluťoučký"


# -- broken documents -----------------------------------------------------------------


def test_unescaped_ampersands_and_html_entities_are_repaired():
    data = (
        b'<rss version="2.0"><channel><title>Fish & Chips</title><item><title>Caf&eacute; &nbsp;'
        b"news &amp; views</title><link>https://e.example/?a=1&b=2</link></item></channel></rss>"
    )
    doc = parse(data)
    assert doc.feed_title == "Fish & Chips"
    assert doc.articles[0].title == "Café news & views"
    assert doc.articles[0].url == "https://e.example/?a=1&b=2"
    assert any("repaired" in w for w in doc.warnings)


def test_bad_nesting_is_recovered_with_a_warning():
    data = (
        b'<rss version="2.0"><channel><item><title>Fine</title><link>https://e.example/1</link></item>'
        b"<item><title>One <b>bold</title></item></channel>"
    )
    doc = parse(data)
    assert doc.articles[0].url == "https://e.example/1"
    assert doc.articles[1].title.startswith("One bold")
    assert any("recovery" in w for w in doc.warnings)


@pytest.mark.parametrize("data", [b"<rss", b"<rss><<<<", b"<?xml version='1.0'?>", b"<feed>\x00\x01</feed>"])
def test_nothing_usable_is_a_one_line_parse_error(data):
    with pytest.raises(ParseError) as err:
        parse(data, format="rss")
    assert "\n" not in str(err.value)


def test_a_root_that_is_no_feed_is_refused():
    with pytest.raises(ParseError, match="not a feed"):
        feed.parse(b"<catalog><book/></catalog>", url=None)


def test_item_cap_and_field_caps(monkeypatch):
    monkeypatch.setattr(feed, "MAX_ITEMS", 3)
    items = "".join(f"<item><title>n{i}</title><description>{'word ' * 50_000}</description></item>" for i in range(5))
    doc = parse(f'<rss version="2.0"><channel>{items}</channel></rss>'.encode())
    assert len(doc.articles) == 3
    assert any("only the first 3" in w for w in doc.warnings)
    assert len(doc.articles[0].body) <= feed.MAX_BODY
    assert len(doc.articles[0].summary) <= feed.MAX_SUMMARY
