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
