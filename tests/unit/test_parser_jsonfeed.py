"""JSON Feed 1.0 and 1.1, and JSON that is hostile in every way ``json`` allows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from newsreader.core.models import ParseError
from newsreader.core.sanitize import has_control
from newsreader.parser import jsonfeed, parse
from tests.support.paths import FIXTURES

FEEDS = FIXTURES / "feeds"
VERSION = "https://jsonfeed.org/version/1.1"


def feed_of(*items, **fields) -> bytes:
    return json.dumps({"version": VERSION, "title": "T", **fields, "items": list(items)}).encode()


def test_json_feed_10():
    doc = parse((FEEDS / "jsonfeed10.json").read_bytes())
    assert doc.format == "json-feed"
    assert (doc.feed_title, doc.site_url, doc.feed_url) == (
        "Kettle & Crumb",
        "https://kettle.example.com/",
        "https://kettle.example.com/feed.json",
    )
    rye, scones = doc.articles
    assert rye.title == "A slow rye loaf"
    assert rye.body == "Three days, mostly waiting.\n\n1. Feed the starter\n2. Mix\n3. Wait"
    assert rye.published == datetime(2023, 1, 14, 14, 30, tzinfo=UTC)
    assert rye.author == "Priya Nandakumar"  # the feed's 1.0 "author"
    assert rye.tags == ["bread", "rye"]
    assert rye.source == "Kettle & Crumb"
    # No title: its first words; relative url resolved against feed_url.
    assert scones.title == "Cold butter, hot oven. That is the whole secret."
    assert scones.url == "https://kettle.example.com/2023/scones"
    assert scones.body == "Cold butter, hot oven.\n\nThat is the whole secret."
    assert scones.guid == "2"


def test_json_feed_11():
    doc = parse((FEEDS / "jsonfeed11.json").read_bytes())
    ep12, ep11 = doc.articles
    assert ep12.author == "Dee Carver"  # the item's 1.1 "authors" wins over the feed's
    assert ep12.summary == "Drivers on the final route of the night."
    assert ep12.body == "Drivers on the final route of the night talk about the map (https://nightbus.example.org/map)."
    assert ep12.updated == datetime(2024, 3, 1, 8, tzinfo=UTC)
    assert [(e.url, e.type, e.length) for e in ep12.enclosures] == [
        ("https://nightbus.example.org/audio/12.m4a", "audio/x-m4a", 31457280)
    ]
    assert any("javascript" in w for w in doc.warnings)
    assert ep11.url == "https://radio.example.com/segments/night-bus"  # external_url
    assert ep11.author == "Olu Mensah"
    assert ep11.published == date(2024, 2, 15) and ep11.precision == "day"  # only date_modified


def test_items_of_the_wrong_shape_are_skipped_with_a_reason():
    data = feed_of(1, "text", None, [1, 2], {"id": "ok", "title": "Fine"})
    doc = parse(data)
    assert [a.title for a in doc.articles] == ["Fine"]
    assert sum("skipped" in w for w in doc.warnings) == 4


def test_fields_of_the_wrong_type_are_ignored():
    data = feed_of(
        {
            "id": True,
            "url": 5,
            "title": ["x"],
            "content_html": {"a": 1},
            "content_text": "body",
            "tags": "notalist",
            "authors": "Ann",
            "attachments": [{"url": 7}, "x"],
            "date_published": 20240101,
        },
        title=None,
        home_page_url=["x"],
    )
    doc = parse(data)
    article = doc.articles[0]
    assert article.title == "body" and article.body == "body"
    assert article.url is None and article.tags == [] and article.enclosures == []
    assert article.guid.startswith("sha1:")
    assert doc.feed_title is None


@pytest.mark.parametrize(
    "text, reason",
    [
        ('{"version": "%s", "items": {"a": 1}}' % VERSION, "no list of items"),
        ("[1, 2, 3]", "top level"),
        ('{"version": "%s", "items": %s}' % (VERSION, "7" * 5000), "no list of items"),
        ('{"items": [' + "[" * 100_000 + "]" * 100_000 + "]}", "nested too deeply"),
        ('{"version": "%s", "items": [' % VERSION, "not valid JSON"),
        ('{"rss": {"channel": {"item": []}}}', "no list of items"),
    ],
)
def test_unusable_json_is_one_parse_error(text, reason):
    with pytest.raises(ParseError, match=reason):
        jsonfeed.parse(text.encode(), url=None)


def test_nan_infinity_and_huge_numbers_are_not_values():
    data = (
        '{"version": "%s", "items": [{"id": NaN, "title": "n", "date_published": Infinity,'
        '"attachments": [{"url": "https://e.example/a", "size_in_bytes": 1e400}]},'
        '{"id": 1e999, "title": "m"}, {"id": 12345, "title": "k"}]}' % VERSION
    ).encode()
    doc = parse(data)
    n, m, k = doc.articles
    assert n.guid.startswith("sha1:") and n.published is None
    assert n.enclosures[0].length is None
    assert m.guid.startswith("sha1:")
    assert k.guid == "12345"


def test_a_5000_digit_integer_spoils_one_field_not_the_feed():
    """Python refuses to convert over 4,300 digits; that must not fail the whole feed."""
    data = (
        '{"version": "%s", "items": [{"id": %s, "title": "Long id", "_size": -%s},'
        '{"id": "b", "title": "Short id"}]}' % (VERSION, "7" * 5000, "9" * 5000)
    ).encode()
    first, second = parse(data).articles
    assert (first.title, second.title, second.guid) == ("Long id", "Short id", "b")
    assert first.guid.startswith("sha1:")


def test_lone_surrogates_never_reach_the_output():
    data = (
        '{"version": "%s", "title": "a\\ud800b", "items": [{"id": "\\udfff", "title": "x\\ud83dy",'
        '"content_text": "c\\udc00", "tags": ["\\ud800"], "authors": [{"name": "\\udbff"}]}]}' % VERSION
    ).encode()
    doc = parse(data)
    article = doc.articles[0]
    for text in (doc.feed_title, article.title, article.body, article.guid, article.author, *article.tags):
        assert not has_control(text)
        text.encode("utf-8")  # would raise on a surrogate
    assert article.title == "x\ufffdy"


def test_control_characters_and_markup_in_strings():
    data = feed_of(
        {
            "id": "1",
            "title": "<b>Bold</b> \x1b[31mred\u202e",
            "content_html": "<p>a\x07b</p>",
            "url": "javascript:alert(1)",
        }
    )
    article = parse(data).articles[0]
    assert article.title == "Bold [31mred"
    assert not has_control(article.title) and not has_control(article.body)
    assert article.url is None


def test_item_cap(monkeypatch):
    monkeypatch.setattr(jsonfeed, "MAX_ITEMS", 2)
    doc = parse(feed_of(*({"id": str(i), "title": f"t{i}"} for i in range(5))))
    assert len(doc.articles) == 2
    assert any("only the first 2" in w for w in doc.warnings)


def test_invalid_utf8_is_replaced_not_fatal():
    data = feed_of({"id": "1", "title": "PLACEHOLDER"}).replace(b"PLACEHOLDER", b"caf\xe9")
    assert parse(data).articles[0].title == "caf\ufffd"
