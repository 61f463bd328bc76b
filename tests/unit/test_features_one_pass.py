"""An article's names and lede words found in one pass give what the
separate passes gave (stories.features.names_in_parts, article_features)."""

from __future__ import annotations

from collections import Counter

import pytest

from newsreader.core.textnorm import content_terms
from newsreader.stories import features
from newsreader.stories.features import article_features, names_in, names_in_parts

# Invented text: names next to every kind of edge a cut can fall on
# (a possessive, a connector, a line break, a name run cut in two).
BODY = (
    "Officials at Port Calder said on Tuesday that Ferrymead's harbour\n"
    "would reopen. Jeff Bezos's Blue Origin and the Bank of England were not\n"
    "involved, said Vasko Lindqvist, adding that the Treasury's review of\n"
    "Halden Bay Authority (HBA) costs, put at 3.75 million, ends in May.  The"
    " Reserve Bank kept rates; Ana van Der Berg\u2019s team disagreed."
)


@pytest.mark.parametrize("words", [True, False])
def test_names_of_two_parts_match_the_parts_alone_at_every_cut(words: bool) -> None:
    for cut in range(len(BODY) + 1):
        assert names_in_parts(BODY, cut, words) == (names_in(BODY[:cut], words), names_in(BODY[cut:], words)), cut


def test_a_name_cut_in_two_is_read_as_the_parts_alone_read_it() -> None:
    cut = BODY.index("Calder") + 3  # "Port Cal" | "der said ..."
    lede, further = names_in_parts(BODY, cut)
    assert lede == names_in(BODY[:cut])
    assert "port calder" not in lede[0] and "port cal" in lede[0]
    assert further == names_in(BODY[cut:])


def test_a_name_first_in_the_second_part_is_not_inside_a_sentence() -> None:
    # Alone, "Ferrymead" starts its text; the words before the cut must not
    # make it a name in the middle of a sentence.
    cut = BODY.index("Ferrymead")
    assert names_in_parts(BODY, cut)[1] == names_in(BODY[cut:])
    assert "ferrymead" not in names_in_parts(BODY, cut)[1][1]
    assert "ferrymead" in names_in_parts(BODY, BODY.index("that Ferrymead"))[1][1]


def test_lede_terms_and_body_names_are_counted_as_before() -> None:
    lede, further = BODY[:200], BODY[200:]
    feats = article_features("Port Calder harbour to reopen", lede, None, further)
    counts = feats.counts
    terms = Counter(t.rstrip(".,'\u2019-") for t in content_terms(lede))
    for term, times in terms.items():
        if len(term) > 2:
            assert counts[term] - 3.0 * (term in feats.title) >= times * features.LEDE_WEIGHT
    assert counts["officials"] == features.LEDE_WEIGHT  # a lede word, once
    assert counts["reopen"] == features.TITLE_WEIGHT + features.LEDE_WEIGHT
    # Lede names count their weight, names further down half of it.
    assert counts["~port calder"] == features.PHRASE_WEIGHT * 2  # the title's and the lede's
    assert counts["~reserve bank"] == features.BODY_NAME_WEIGHT


# Invented ASCII text where capitals are rare, then dense, with every edge the
# run pattern has: a possessive, a connector, a tab, a dash, digits.
ASCII_TEXT = (
    "the ferry left at nine and nobody on the quay said much about it until"
    " noon, when Vasko Lindqvist of Halden Bay Authority\tSaid the Bank of"
    " England's note was late. O'Rourke-Smith, A B C, UK and EU reps (HBA) met"
    " at 3.75 past; Ana van Der Berg's team, X. Z"
)


@pytest.mark.parametrize("text", [ASCII_TEXT, ASCII_TEXT.lower(), ASCII_TEXT.upper(), "", "Z", "a Z"])
def test_runs_of_capitals_are_the_searchs_runs(text: str) -> None:
    pattern = features._run_pattern()
    for start in range(0, len(text), 7):
        part = text[start:]
        found = [(m.start(), m.group()) for m in features.runs_of_capitals(part)]
        assert found == [(m.start(), m.group()) for m in pattern.finditer(part)], start
    # Not ASCII: the search itself.
    assert [m.group() for m in features.runs_of_capitals("\u00c9mile met Zo\u00eb")] == ["\u00c9mile", "Zo\u00eb"]


def test_ascii_title_case_is_read_as_the_letter_runs_read_it() -> None:
    # The runs of letters of the pattern and of the ASCII way agree (digits
    # and punctuation split words; words of four letters or fewer do not count).
    assert features.is_title_case("Doobie Brothers To Reunite With Michael McDonald")
    assert features.is_title_case("Rate-Cut Bets Grow As Jobs Data Weakens, 3.75% Seen")
    assert not features.is_title_case("Rate-cut bets grow as jobs data weakens, 3.75% seen")
    assert not features.is_title_case("Zookeepers feed otters on Monday")  # four longer words, two capitalised
    assert features.is_title_case("Brothers2Reunite Today")  # a digit splits: three runs, all capitalised
    for title in ("Rate-Cut Bets Grow As Jobs Data Weakens", "A b c Dddd eeee Ffff gggg Hhhh"):
        longer = [w for w in features._LETTER_RUN.findall(title) if len(w) > 3]
        by_pattern = len(longer) >= 3 and sum(w[0].isupper() for w in longer) >= 0.7 * len(longer)
        assert features.is_title_case(title) == by_pattern


def test_lede_counts_are_the_content_terms_counted() -> None:
    lede = "It's the port's tugs, the tugs (again), U.S. crews; 3.75 a.m. 2,300 tugs. don't"
    cleaned = [t.rstrip(".,'\u2019-") for t in content_terms(lede)]
    expected = Counter(t for t in cleaned if len(t) > 2)
    assert features.lede_counts(lede) == {t: n * features.LEDE_WEIGHT for t, n in expected.items()}
    assert features.lede_counts(lede)["tugs"] == 3 * features.LEDE_WEIGHT


def test_url_slugs_with_and_without_the_pattern_split() -> None:
    assert features.url_slug("https://a.example/x/port--calder-strike-2026/") == "port-calder-strike"
    assert features.url_slug("https://a.example/x/port_calder+strike-2026.HTML") == "port-calder-strike"
    assert features.url_slug("https://a.example/x/Port-Calder-Strike") == "port-calder-strike"
    assert features.url_slug("https://a.example/news/3.75-2026/12-1/") == ""
