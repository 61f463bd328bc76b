"""The short way for HTML of plain paragraphs gives the walk's text exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newsreader.parser import html_paragraphs, htmltext
from newsreader.parser.htmltext import html_to_text

WORDS = [
    "word",
    "Tide",
    "Café",
    "x\u200by",
    "\u00a0",
    "  ",
    "\n",
    "\t",
    " ",
    "&amp;",
    "&#8217;",
    "&#13;",
    "&nbsp;",
    "a\u2003b",
    "\u2028",
    "https://a.example/p",
    "a.example/p",
    "www.a.example/p/",
    "https://a.example/...",
    "&lt;b&gt;",
    "\r\n",
    "\u00ad",
]
HREFS = ["https://a.example/p", "/rel", "#top", "javascript:x", "https://a.example/p?q=1 2", "", "http://a.example/p/"]
INLINE = ["em", "strong", "code", "span", "b", "i", "sup", "font"]
BLOCKS = ["p", "div", "h2", "section", "figure", "article", "ul", "li", "blockquote", "pre", "table", "td"]

words = st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)


def inline(depth: int) -> st.SearchStrategy[str]:
    if depth > 2:
        return words
    inner = inline(depth + 1)
    element = st.one_of(
        st.tuples(st.sampled_from(INLINE), inner).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
        st.tuples(st.sampled_from(HREFS), inner).map(lambda t: f'<a href="{t[0]}">{t[1]}</a>'),
        st.sampled_from(['<img src="/i.png" alt="alt">', "<br>", "<wbr>", "<script>x</script>"]),
    )
    return st.lists(st.one_of(words, element), max_size=4).map("".join)


def flow(depth: int) -> st.SearchStrategy[str]:
    if depth > 2:
        return inline(1)
    block = st.tuples(st.sampled_from(BLOCKS), flow(depth + 1), st.booleans()).map(
        lambda t: f"<{t[0]}>{t[1]}" + (f"</{t[0]}>" if t[2] else "")
    )
    gap = st.sampled_from(["", "\n", " ", "\t", "\n\n"])
    return st.lists(st.one_of(inline(1), block, st.just("<hr>"), gap), max_size=5).map("".join)


def walk_only(markup: str, monkeypatch: pytest.MonkeyPatch, **kwargs) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(htmltext, "paragraphs_text", lambda *args: None)
        return html_to_text(markup, **kwargs)


@settings(max_examples=400, deadline=None)
@given(
    flow(0),
    st.sampled_from([None, "https://site.example/dir/"]),
    st.sampled_from([200_000, 40]),
)
def test_the_short_way_gives_the_walk_s_text(markup, base_url, max_chars):
    with pytest.MonkeyPatch.context() as monkeypatch:
        walked = walk_only(markup, monkeypatch, base_url=base_url, max_chars=max_chars)
    assert html_to_text(markup, base_url=base_url, max_chars=max_chars) == walked


def short_way(markup: str, base_url: str | None = None, max_chars: int = 200_000) -> str | None:
    root = etree.fromstring(markup.encode(), htmltext._html_parser())
    return html_paragraphs.paragraphs_text(root, markup, base_url, max_chars)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<p>One <a href="https://a.example/x">two words</a> after.</p>\n<p>Three</p>',
            "One two words (https://a.example/x) after.\n\nThree",
        ),
        ('<p><a href="/x">https://a.example/x</a></p>', "https://a.example/x"),
        (
            "<div>intro<h2>Head</h2>middle<p>para <em>one</em></p></div>outro",
            "intro\n\nHead\n\nmiddle\n\npara one\n\noutro",
        ),
        ("Just text with an &amp; entity", "Just text with an & entity"),
        ("<p>Caf\u00e9  au\u00a0lait\n here</p><p><img src='x.png'></p><hr><p>x\u200by</p>", "Café au lait here\n\nxy"),
    ],
)
def test_plain_paragraphs_are_read_the_short_way(markup, expected, monkeypatch):
    assert (
        short_way(markup, "https://a.example/")
        == expected
        == walk_only(markup, monkeypatch, base_url="https://a.example/")
    )


def test_an_outer_link_s_label_holds_the_inner_address(monkeypatch):
    markup = '<p><a href="https://a.example/out">see <span><a href="https://a.example/in">in here</a></span></a></p>'
    assert html_to_text(markup) == walk_only(markup, monkeypatch)


@pytest.mark.parametrize(
    "markup",
    [
        "<p>one<br>two</p>",
        "<ul><li>item</li></ul>",
        "<blockquote><p>quoted</p></blockquote>",
        "<p>a</p><pre>b</pre>",
        "<p>x<script>y</script></p>",
        "<p>a</p><table><tr><td>b</td></tr></table>",
    ],
)
def test_lists_quotes_breaks_and_skipped_elements_are_left_to_the_walk(markup):
    assert short_way(markup) is None


def test_a_text_past_the_cap_is_left_to_the_walk_with_the_tree_as_it_was():
    markup = '<div>intro<p>one <a href="https://a.example/x">two words</a></p>\n<p>three</p>tail</div>'
    root = etree.fromstring(markup.encode(), htmltext._html_parser())
    before = etree.tostring(root)
    assert html_paragraphs.paragraphs_text(root, markup, None, 20) is None
    assert etree.tostring(root) == before


def test_a_cr_of_the_document_s_own_goes_to_the_walk(monkeypatch):
    markup = "<div>one&#13;two<p>three</p></div>"
    assert html_to_text(markup) == walk_only(markup, monkeypatch) == "one two\n\nthree"


def test_the_short_way_s_elements_are_what_the_walk_reads_as_plain():
    assert html_paragraphs._BLOCKS <= htmltext._PLAIN_BLOCK
    special = htmltext._BLOCK | htmltext._SKIP | htmltext._CELL | {"br"}
    assert not html_paragraphs._INLINE_TAGS & special
