"""More short ways through the parse worker (issue 16, second round): each
gives exactly what the general code it stands in for gives, written out
here, on tricky text and on the cases just beside its short way."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.core import sanitize, textnorm
from newsreader.parser import html_links
from newsreader.parser.images import image_urls
from newsreader.parser.plaintext import clean_short, shorten
from newsreader.store.articlerows import is_cut_of
from newsreader.stories import features

# Every kind of whitespace str.split() knows, controls, and text around them.
SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
TRICKY = SPACES + list("\x00\x07\x1b\x7f\x85\u00ad\u200b\u2028\u2029\ud800ab.,;:()\"'-…’é") + ["  ", "\n\n"]
tricky_text = st.lists(st.sampled_from(TRICKY + ["word", "Word", "x"]), max_size=30).map("".join)


def test_every_whitespace_but_the_space_is_unprintable():
    # What one_line's short way rests on.
    assert [c for c in SPACES if c != " " and c.isprintable()] == []


@given(tricky_text)
def test_one_line_is_split_and_join(text):
    assert sanitize.one_line(text) == " ".join(text.split())
    assert sanitize.clean_line(text) == " ".join(sanitize.clean(text, newlines=False).split())


@pytest.mark.parametrize("text", ["", " ", "a", " a b ", "a  b", "a\tb", "a\u00a0b", "a\nb", " x\u3000"])
def test_one_line_by_hand(text):
    assert sanitize.one_line(text) == " ".join(text.split())


@given(tricky_text, st.sampled_from([3, 10, 500]))
def test_clean_short_is_the_general_way(text, limit):
    general = shorten(" ".join(sanitize.clean(text[: limit * 4 + 16], newlines=False).split()), limit)
    assert clean_short(text, limit) == general


long_tricky_text = st.lists(st.sampled_from(TRICKY + ["word", "Word", "x"] * 8), min_size=20, max_size=120).map("".join)


@given(long_tricky_text, st.sampled_from([16, 20, 40, 60]))
def test_clean_short_of_a_long_text_reads_a_window_first(text, limit):
    # Past limit + 64 characters a short window is read first: the same
    # line as the whole allowance gives, whatever the window cut through.
    general = shorten(" ".join(sanitize.clean(text[: limit * 4 + 16], newlines=False).split()), limit)
    assert clean_short(text, limit) == general


@pytest.mark.parametrize(
    "text",
    [
        "word " * 200,  # the window is enough
        "word" + " " * 100 + "word " * 100,  # the window collapses to less than the limit
        "word" + "\x1b" * 100 + " word" * 100,  # controls removed
        "a" * 40 + "\r" + "\n" + "b" * 600,
    ],
)
def test_clean_short_by_hand_around_the_window(text):
    for limit in (20, 40, 100):
        general = shorten(" ".join(sanitize.clean(text[: limit * 4 + 16], newlines=False).split()), limit)
        assert clean_short(text, limit) == general


def reference_is_cut_of(summary: str, body: str) -> bool:
    head = " ".join(summary.rstrip("…").split())
    return not head or " ".join(body[: 2 * len(summary) + 64].split()).startswith(head)


@given(tricky_text, tricky_text)
def test_is_cut_of_is_the_general_way(summary, body):
    assert is_cut_of(summary, body) == reference_is_cut_of(summary, body)
    derived = clean_short(body, 20)
    assert is_cut_of(derived, body) == reference_is_cut_of(derived, body)


@pytest.mark.parametrize(
    ("summary", "body"),
    [
        ("One two. Three four…", "One two.\n\nThree four five"),  # paragraph breaks: the short way
        ("One two. Three four", "One two.\n\n\nThree four"),  # three line breaks: the general way
        ("One two", "One  two"),
        ("One two", "One\ttwo"),
        ("One three", "One two.\n\nThree"),
        ("", "anything"),
    ],
)
def test_is_cut_of_by_hand(summary, body):
    assert is_cut_of(summary, body) == reference_is_cut_of(summary, body)


@pytest.mark.parametrize("run", ["(word),", '"quoted"', "word's", "word-", "end.", "3.75,", "(U.S.)", "*star*", "[x]"])
def test_words_between_punctuation_are_the_pattern_s(run):
    text = f"lead {run} tail"
    expected = [w for w in textnorm._WORD.findall(textnorm.fold(text)) if len(w) > 2 and w not in textnorm.STOPWORDS]
    assert textnorm.content_terms(text) == expected


@given(st.lists(st.sampled_from(["word", "word.", "ab-", "it’s", "x'", "3.75", "don't", "--", "a.b."]), max_size=12))
def test_clean_terms_are_stripped_and_long_enough(terms):
    expected = [t.rstrip(".,'\u2019-") for t in terms if len(t.rstrip(".,'\u2019-")) > 2]
    assert features._clean_terms(terms) == expected


ONLY_DIGITS = re.compile(r"^[\d.]+$")


def reference_url_slug(url: str | None) -> str:
    """url_slug as it was before its short way: urlsplit and unquote always."""
    if not url:
        return ""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    for segment in reversed([s for s in unquote(path).split("/") if s]):
        segment = features._PAGE_SUFFIX.sub("", segment)
        words = [w for w in features._SLUG_SPLIT.split(textnorm.fold(segment)) if w and not ONLY_DIGITS.match(w)]
        if len(words) >= 2:
            return "-".join(words)
    return ""


@given(st.lists(st.sampled_from([*"aZ09.-_~/%?#;: @[]+é\t\u0663", "%0A", "%0a"]), max_size=30).map("".join))
def test_url_slug_is_the_general_way(tail):
    for head in ("http://site.example", "https://site.example/", "HTTP://Site.Example/", "https://u@h:80/"):
        assert features.url_slug(head + tail) == reference_url_slug(head + tail)


@pytest.mark.parametrize(
    "url",
    ["https://a.example/2026/05/port-calder-ferry-strike", "https://a.example", "https://a.example/x/a%20b-c-d-e", ""],
)
def test_url_slug_by_hand(url):
    assert features.url_slug(url) == reference_url_slug(url)


def test_a_title_normalised_twice_is_the_same_and_a_new_one_is_its_own():
    title = "Akazawa Talks Of “Dense Fog”"
    assert textnorm.normalize_title(title) == textnorm.normalize_title(title) == "akazawa talks of dense fog"
    assert textnorm.normalize_title("Other  Words!") == "other words"
    assert textnorm.normalize_title(title) == "akazawa talks of dense fog"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>no image</p>", []),
        ("<IMG SRC='https://a.example/x.png'>", ["https://a.example/x.png"]),
        ("<Img src=https://a.example/y.png>", ["https://a.example/y.png"]),
        ("é <img src='/z.gif'>", ["https://a.example/z.gif"]),
    ],
)
def test_images_found_whatever_the_case_of_the_tag(markup, expected):
    assert image_urls(markup, "https://a.example/") == expected


@given(
    st.lists(st.sampled_from([*"ab/. …:wW", "www.", "...", "://"]), max_size=12).map("".join).map(sanitize.one_line),
    st.lists(st.sampled_from([*"ab/.:wW…", "www.", "http://", "..."]), max_size=12).map("".join),
)
def test_a_label_of_words_is_never_its_link_s_address(label, target):
    # What the walk's short way for link labels rests on: targets have no whitespace.
    if " " in label and "://" not in label:
        assert not html_links.same_address(label, target)


@given(st.lists(st.sampled_from([*SPACES, *"ab/.:#\x00\u200b\u00ad"]), max_size=16).map("".join))
def test_printable_text_without_a_space_has_no_whitespace(text):
    # What the link target's short way rests on (the pattern is \s).
    if " " not in text and text.isprintable():
        assert re.search(r"\s", text) is None


@pytest.mark.parametrize("inside", [" ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x85"])
def test_a_link_with_whitespace_inside_goes_nowhere(inside):
    assert html_links.link_target(f"https://a.example/x{inside}y", None) is None
    assert html_links.link_target("https://a.example/xy", None) == "https://a.example/xy"


def test_image_shortcut_beyond_ascii_finds_what_the_pattern_finds():
    """Markup beyond ASCII skips the pattern when it holds no "<img" in any
    case, but not when a dotted or dotless I could spell the tag."""
    from newsreader.parser.images import _IMG_SRC, image_urls

    cases = [
        "<p>Café notes, no pictures</p>",
        '<p>Café</p><IMG SRC="http://pics.example/a.png">',
        '<p>Café</p><\u0130MG src="http://pics.example/b.png">',
        '<p>Café</p><\u0131mg src="http://pics.example/c.png">',
        "<p>Straße \u0130stanbul, no tag</p>",
    ]
    for markup in cases:
        expected = [m.group(1) for m in _IMG_SRC.finditer(markup)]
        assert image_urls(markup) == expected
    assert image_urls(cases[2]) == ["http://pics.example/b.png"]
