"""Properties that hold for any input: the sanitizer and the parser entry point.

The per-format test files fuzz their own module with bytes shaped for it;
here the one entry point, :func:`newsreader.parser.parse`, is driven with
every format forced on every kind of input (a feed parsed as a page dump, a
page as JSON...), and JSON Feed gets documents built from arbitrary JSON
values, which random bytes almost never are. Examples are bounded so CI
stays fast.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.core.models import ParsedDocument, ParseError
from newsreader.core.sanitize import clean, clean_line, has_control
from newsreader.parser import FORMAT_MODULES, parse

AS_OF = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FORMATS = sorted(set(FORMAT_MODULES))

# What must never leave clean(): C0 except LF and TAB, DEL, C1, the bidi
# embeddings/overrides/isolates and marks, line/paragraph separators, BOM,
# lone surrogates.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff\ud800-\udfff]"
)

_NASTY_CHARS = (
    [chr(c) for c in range(0x20)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u2028",
        "\u2029",
        "\ufeff",
        "\ud800",
        "\udfff",
        "\x1b]52;c;",
        "\x1b[2J",
        "\r\n",
        "[/]",
        "[@click=app.quit]",
    ]
)
hostile_text = st.lists(st.one_of(st.sampled_from(_NASTY_CHARS), st.text(max_size=8)), max_size=40).map("".join)


# ---------------------------------------------------------------- the sanitizer


@settings(max_examples=500, deadline=None)
@given(hostile_text)
def test_clean_leaves_no_control_and_is_idempotent(text):
    once = clean(text)
    assert not FORBIDDEN.search(once)
    assert not has_control(once)
    assert clean(once) == once
    # Nothing else is removed: every character that was not a control is kept, in order.
    kept = FORBIDDEN.sub("", text.replace("\r", "").replace("\u2028", "").replace("\u2029", ""))
    assert once.replace("\n", "").replace("\ufffd", "") == kept.replace("\n", "").replace("\ufffd", "")


@settings(max_examples=500, deadline=None)
@given(hostile_text)
def test_clean_line_is_one_clean_line(text):
    line = clean_line(text)
    assert not FORBIDDEN.search(line)
    assert "\n" not in line and "\t" not in line
    assert line == line.strip() and "  " not in line
    assert clean_line(line) == line
    assert clean_line(clean(text)) == line


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_clean_without_newlines_is_one_line(text):
    flat = clean(text, newlines=False)
    assert "\n" not in flat and "\t" not in flat and not FORBIDDEN.search(flat)


# ---------------------------------------------------------------- the parser entry point


def _strings(value, path="doc"):
    """Every string in a parsed document, with where it was."""
    if isinstance(value, str):
        yield path, value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def _check(data: bytes, fmt: str | None) -> ParsedDocument | None:
    try:
        doc = parse(data, as_of=AS_OF, format=fmt)
    except ParseError as exc:
        reason = str(exc)
        assert reason and "\n" not in reason and not FORBIDDEN.search(reason)
        return None
    assert isinstance(doc, ParsedDocument)
    assert doc.articles or doc.subscriptions
    for path, text in _strings(doc):
        assert not FORBIDDEN.search(text), (path, text[:80])
        text.encode("utf-8")  # storable: no lone surrogate
    for article in doc.articles:
        assert article.title and "\n" not in article.title
    return doc


_TEMPLATES = {
    "rss": '<?xml version="1.0"?><rss version="2.0"><channel><title>{0}</title><item><title>{1}</title>'
    "<link>{2}</link><description>{3}</description></item></channel></rss>",
    "atom": '<feed xmlns="http://www.w3.org/2005/Atom"><title>{0}</title><entry><title>{1}</title>'
    '<link href="{2}"/><content type="html">{3}</content></entry></feed>',
    "opml": '<opml version="2.0"><body><outline text="{0}" title="{1}" xmlUrl="{2}" htmlUrl="{3}"/></body></opml>',
    "html": '<html><head><title>{0}</title></head><body><article><h1>{1}</h1><a href="{2}">x</a><p>{3}</p></article></body></html>',
    "page-dump": "logo\n{1}\n\n{1}\n\n{0}an hour ago\n\n{3}\n{2}\n",
    "json-feed": '{{"version": "https://jsonfeed.org/version/1.1", "title": "{0}", "items": [{{"title": "{1}", "url": "{2}", "content_html": "{3}"}}]}}',
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from([None, *FORMATS]))
def test_any_bytes_with_any_format_forced(data, fmt):
    _check(data, fmt)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(_TEMPLATES)),
    st.lists(hostile_text, min_size=4, max_size=4),
    st.sampled_from([None, *FORMATS]),
    st.sampled_from(["utf-8", "utf-16", "latin-1"]),
)
def test_hostile_strings_in_every_format_never_get_through(shape, parts, fmt, encoding):
    text = _TEMPLATES[shape].format(*parts)
    data = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    _check(data, fmt)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | hostile_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "url",
                    "title",
                    "content_text",
                    "content_html",
                    "summary",
                    "date_published",
                    "authors",
                    "tags",
                    "attachments",
                    "name",
                    "size_in_bytes",
                    "image",
                    "external_url",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(json_values, max_size=5), json_values), json_values)
def test_json_feed_built_from_arbitrary_values(items, title):
    document = {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items}
    data = json.dumps(document, allow_nan=True).encode("utf-8", "surrogatepass")
    doc = _check(data, "json-feed")
    if doc is not None:
        assert len(doc.articles) <= (len(items) if isinstance(items, list) else 0)
