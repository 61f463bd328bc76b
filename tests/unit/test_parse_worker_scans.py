"""Scans of the parse worker done in C (issue 16, third round): folding,
C1 punctuation and invisible characters give exactly what the general
code they stand in for gives, written out here."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.core import sanitize, textnorm
from newsreader.core.models import ParseError
from newsreader.core.sanitize import one_line
from newsreader.parser import plaintext, xmlsafe
from newsreader.parser.htmltext import html_to_text
from newsreader.stories import features

CURLY = ["\u2018", "\u2019", "\u201c", "\u201d", "\u2013", "\u2014"]
# Quotes and dashes, C1 controls, invisible characters, letters NFKC or
# casefold change, and plain text around them.
ODD = [
    *CURLY,
    "\x80",
    "\x92",
    "\x9f",
    "\u00ad",
    "\u200b",
    "\u2060",
    "\ufb01",
    "\u212b",
    "\u0130",
    "ß",
    "Σ",
    "é",
    "e\u0301",
]
odd_text = st.lists(st.sampled_from([*ODD, "a", "Word", " ", "'", "-", "\n"]), max_size=40).map("".join)

_FOLD_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_INVISIBLE = re.compile("[\u00ad\u200b\u2060]")
_C1 = re.compile("[\x80-\x9f]")


@given(odd_text)
def test_fold_is_nfkc_quotes_and_casefold(text):
    expected = (
        text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).translate(_FOLD_QUOTES).casefold()
    )
    assert textnorm.fold(text) == expected


@pytest.mark.parametrize("curly", CURLY)
def test_fold_straightens_each_quote_and_dash(curly):
    assert textnorm.fold(f"Port{curly}S \ufb01le") in ("port's file", 'port"s file', "port-s file")


@given(odd_text)
def test_c1_punctuation_found_as_the_pattern_finds_it(text):
    expected = text.translate(plaintext._C1_TO_CP1252) if _C1.search(text) else text
    assert plaintext.fix_c1(text) == expected


def test_c1_punctuation_by_hand():
    assert plaintext.fix_c1("Caf\u00e9\x92s \x93menu\x94") == "Caf\u00e9\u2019s \u201cmenu\u201d"
    assert plaintext.fix_c1("Caf\u00e9 menu") == "Caf\u00e9 menu"


@given(odd_text)
def test_invisible_characters_dropped_as_the_pattern_drops_them(text):
    assert plaintext.drop_invisible(text) == _INVISIBLE.sub("", text)


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u2060"])
def test_invisible_characters_leave_a_text_beyond_ascii(invisible):
    assert html_to_text(f"<p>\u00c6r\u00f8{invisible}sk\u00f8bing</p>") == "\u00c6r\u00f8sk\u00f8bing"
    assert plaintext.plain_to_text(f"\u00c6r\u00f8{invisible}sk\u00f8bing") == "\u00c6r\u00f8sk\u00f8bing"


@pytest.mark.parametrize(
    "word", ["2026", "3.75", "...", "12\n", "1.\n", "\n", "12\n\n", "\u0663\u0664", "x1", "", "1a", "\u00b2", "١٢"]
)
def test_digits_alone_as_the_pattern_tells(word):
    assert features._only_digits(word) == bool(re.match(r"^[\d.]+$", word))


@given(
    st.lists(st.sampled_from([*ODD, "Port", "Calder", "The", "of", " ", "\t", ", ", ". ", "'s", "3"]), max_size=40).map(
        "".join
    )
)
def test_names_of_runs_as_before(text):
    # Runs of one word take a short way; the general way written out.
    phrases, singles = [], []
    runs = list(features._run_pattern().finditer(text))
    for match in runs:
        kept = match.group().split()
        alone = len(kept) == 1
        while kept and kept[0].casefold() in features._LEADING:
            kept.pop(0)
        if len(kept) >= 2:
            phrases.append(textnorm.fold(" ".join(kept)))
        elif kept and (not alone or features._inside_sentence(text, match.start(), 0)):
            singles.append(textnorm.fold(kept[0].rstrip(".,'\u2019-")))
    singles = [w for w in singles if len(w) > 2 and w not in features._LEADING and w not in textnorm.STOPWORDS]
    assert features._names_of_runs(text, runs, True, 0) == (phrases, singles)
    assert features._names_of_runs(text, runs, False, 0) == (phrases, [])


@given(
    st.lists(
        st.sampled_from(["word", " ", "  ", "\t", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x1b", "é", "."]), max_size=30
    ).map("".join)
)
def test_a_paragraph_made_one_line_as_one_line_makes_it(text):
    assert plaintext.paragraph_line(text) == one_line(text) == " ".join(text.split())


def test_holds_any():
    assert plaintext.holds_any("caf\u00e9\x92", ("\x80", "\x92"))
    assert not plaintext.holds_any("caf\u00e9", ("\x80", "\x92"))
    assert not plaintext.holds_any("", ("\x80",))


ascii_text = st.lists(
    st.sampled_from(
        ["word", " ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "\x00", "\x1b", "\x1f", "\x7f", "é", "\u2028"]
    ),
    max_size=30,
).map("".join)


@given(ascii_text)
def test_clean_text_is_clean(text):
    assert plaintext.clean_text(text) == sanitize.clean(text)


@given(ascii_text, st.sampled_from([5, 20, 100]))
def test_clean_short_of_ascii_text_is_the_general_way(text, limit):
    general = plaintext.shorten(" ".join(sanitize.clean(text[: limit * 4 + 16], newlines=False).split()), limit)
    assert plaintext.clean_short(text, limit) == general


DOCUMENT_HEADS = [b"", b"\xef\xbb\xbf", b"  \n", b'<?xml version="1.0" encoding="utf-8"?>\n', b"<?xml version='1.0'?>"]
DOCUMENT_HEADS += [
    b'<?xml version="1.0" encoding="ISO-8859-1"?>',
    b'<?xml version="1.0" encoding="utf8"?><!DOCTYPE rss>',
]
DOCUMENT_BODIES = [
    "<rss><channel><title>Caf\u00e9 \u2014 news</title></channel></rss>",
    "<rss><channel><title>x</title>",
]


@pytest.mark.parametrize("head", DOCUMENT_HEADS)
@pytest.mark.parametrize("body", [*(b.encode() for b in DOCUMENT_BODIES), "<rss>caf\u00e9</rss>".encode("latin-1")])
def test_read_xml_parses_the_bytes_it_would_encode(monkeypatch, head, body):
    # Text decoded as strict UTF-8 is parsed from the bytes as they came:
    # the very bytes encoding the cut text again would give.
    data = head + body
    text = xmlsafe.decode_xml(data, []).lstrip("\ufeff \t\r\n")
    declaration = xmlsafe._DECLARATION_TEXT.match(text)
    expected = xmlsafe.strip_doctype(text[declaration.end() :] if declaration else text)[0].encode("utf-8", "replace")
    seen: list[bytes] = []
    parse_bytes = xmlsafe.etree.fromstring

    def spy(raw, *args, **kwargs):
        seen.append(raw)
        return parse_bytes(raw, *args, **kwargs)

    monkeypatch.setattr(xmlsafe.etree, "fromstring", spy)
    try:
        xmlsafe.read_xml(data, url=None, warnings=[])
    except ParseError:
        pass
    assert seen[0] == expected
