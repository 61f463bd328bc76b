"""HTML fragments become plain text a person can read in a terminal."""

from __future__ import annotations

import time

from lxml import etree

from newsreader.core.sanitize import has_control
from newsreader.parser.htmltext import (
    MAX_TEXT_CHARS,
    clean_short,
    element_to_text,
    html_to_text,
    looks_like_html,
    plain_to_text,
    shorten,
)


def test_paragraphs_are_separated_by_one_blank_line():
    text = html_to_text("<p>First  paragraph\n here.</p>\n\n<p>Second</p><div>Third</div>")
    assert text == "First paragraph here.\n\nSecond\n\nThird"


def test_br_breaks_a_line_but_source_newlines_do_not():
    assert html_to_text("<p>one\ntwo<br>three<br/><br/>four</p>") == "one two\nthree\n\nfour"


def test_unordered_ordered_and_nested_lists():
    markup = (
        "<p>Before</p><ul><li>apples</li><li>pears<ul><li>conference</li></ul></li></ul>"
        "<ol><li>wash</li><li>slice</li></ol><p>After</p>"
    )
    assert html_to_text(markup) == ("Before\n\n• apples\n• pears\n  • conference\n\n1. wash\n2. slice\n\nAfter")


def test_headings_and_blockquotes():
    text = html_to_text("<h2>Title</h2><p>Body</p><blockquote><p>Quoted one</p><p>Quoted two</p></blockquote>")
    assert text == "Title\n\nBody\n\n> Quoted one\n\n> Quoted two"


def test_links_show_their_address_only_when_the_text_is_not_the_address():
    markup = (
        '<p><a href="https://e.example/report">the report</a>, '
        '<a href="https://e.example/raw">https://e.example/raw</a>, '
        '<a href="https://www.e.example/long/path/to/page">e.example/long/pa…</a></p>'
    )
    assert html_to_text(markup) == ("the report (https://e.example/report), https://e.example/raw, e.example/long/pa…")


def test_relative_links_resolve_against_the_base_and_unsafe_links_lose_their_address():
    markup = '<a href="../notes/1">notes</a> <a href="javascript:steal()">click</a> <a href="#top">top</a>'
    assert html_to_text(markup, base_url="https://e.example/a/b/") == "notes (https://e.example/a/notes/1) click top"


def test_entities_are_decoded_even_when_escaped_twice():
    assert html_to_text("<p>Fish &amp; chips &eacute;t&eacute; &#8212; AT&amp;amp;T &nbsp;ok</p>") == (
        "Fish & chips été — AT&T ok"
    )


def test_scripts_styles_and_embeds_leave_no_text():
    markup = (
        "<p>Visible</p><script>var secret = 1;</script><style>p{color:red}</style>"
        "<noscript>enable js</noscript><iframe src='x'>frame</iframe><svg><title>icon</title></svg>"
        "<form><button>Buy</button><input value='x'></form><!-- a comment --><p>Also visible</p>"
    )
    assert html_to_text(markup) == "Visible\n\nAlso visible"


def test_tables_put_a_row_on_a_line():
    markup = "<table><tr><th>Town</th><th>Rain</th></tr><tr><td>Oban</td><td>12 mm</td></tr></table>"
    assert html_to_text(markup) == "Town | Rain\nOban | 12 mm"


def test_deeply_nested_tables_do_not_explode():
    depth = 3000
    markup = "<table><tr><td>" * depth + "core" + "</td></tr></table>" * depth
    start = time.perf_counter()
    text = html_to_text(markup)
    assert time.perf_counter() - start < 5  # linear, not exponential: it takes milliseconds
    assert text.count("core") <= 1


def test_deep_inline_nesting_is_read_without_recursion():
    markup = "<span>" * 20000 + "deep" + "</span>" * 20000
    assert html_to_text(markup) in ("deep", "")  # libxml2 may stop at its depth limit


def test_preformatted_text_keeps_its_lines():
    assert html_to_text("<p>code:</p><pre>  if x:\n      y()\n</pre>") == "code:\n\n  if x:\n      y()"


def test_plain_text_is_left_as_text():
    assert not looks_like_html("a < b and c > d, AT&T")
    assert html_to_text("a < b and c > d, AT&T") == "a < b and c > d, AT&T"
    assert plain_to_text("one\n\n\n two  words \n\nthree") == "one\n\ntwo words\n\nthree"


def test_windows_1252_code_points_become_punctuation():
    # "&#146;" and U+0092 mean a right quote in feeds written on Windows.
    assert html_to_text("<p>don&#146;t</p>") == "don\u2019t"
    assert plain_to_text("it\x92s") == "it\u2019s"


def test_output_is_capped():
    text = html_to_text("<p>" + "word " * 100_000 + "</p>", max_chars=1000)
    assert len(text) <= 1000
    assert text.endswith("[…]")
    assert len(html_to_text("<p>" + "w " * 200_000 + "</p>")) <= MAX_TEXT_CHARS


def test_xhtml_elements_from_a_feed():
    el = etree.fromstring(
        '<content xmlns:h="http://www.w3.org/1999/xhtml"><h:div><h:p>One <h:b>bold</h:b></h:p>'
        '<h:ul><h:li>item</h:li></h:ul><h:p><h:a href="x">link</h:a></h:p></h:div></content>'
    )
    assert element_to_text(el, base_url="https://e.example/") == "One bold\n\n• item\n\nlink (https://e.example/x)"


def test_no_control_characters_survive():
    markup = "<p>bell\x07 esc\x1b[31m red \u202eevil\u202c \x9bcsi</p>"
    text = clean_short(html_to_text(markup), 200)
    assert not has_control(text)


def test_shorten_cuts_at_a_word_boundary():
    assert shorten("alpha beta gamma delta", 12) == "alpha beta…"
    assert shorten("short", 12) == "short"
    assert len(shorten("x" * 50, 10)) == 10
