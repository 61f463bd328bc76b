"""Sentence alignment of two outlets' versions (newsreader.stories.compare)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.stories.compare import MAX_SENTENCES, compare, sentence_terms, split_sentences

# Two invented versions of one event: a bridge closed by a barge strike.
GAZETTE = (
    "The Amberly Bridge was closed to traffic at 5am on Tuesday after a loose barge struck one of its piers.\n"
    "Engineers from the Tollan District Council inspected the pier for four hours. "
    'Council engineer Dr. Petra Lind said the damage was "worse than anything we have seen on this crossing". '
    "About 14,000 vehicles use the bridge each day.\n"
    "A ferry service will run every 20 minutes until the bridge reopens."
)
LEDGER = (
    "A drifting barge hit a pier of the Amberly Bridge early on Tuesday, and the Tollan District Council closed "
    "the bridge to traffic at 5am.\n"
    "Roughly 12,000 vehicles use the bridge each day, according to the council.\n"
    'The damage was "worse than anything we have seen on this crossing", engineer Petra Lind said.\n'
    'Shop owners on the eastern bank said the closure was "a disaster for the weekend trade".'
)


def test_sentences_split_at_stops_not_at_abbreviations_figures_or_initials() -> None:
    text = 'Dr. Lind met J. Orr at 4.5 km from the pier. Traffic stopped! Was it safe? "Yes." He left.\nNew line'
    assert split_sentences(text) == [
        (0, "Dr. Lind met J. Orr at 4.5 km from the pier."),
        (0, "Traffic stopped!"),
        (0, "Was it safe?"),
        (0, '"Yes."'),
        (0, "He left."),
        (1, "New line"),
    ]


def test_terms_are_folded_stemmed_and_figures_lose_their_commas() -> None:
    assert sentence_terms("Engineers inspected 14,000 Bridges") == {"engineer", "inspect", "14000", "bridg"}


def test_paraphrased_sentences_are_shared_and_point_at_each_other() -> None:
    result = compare(GAZETTE, LEDGER)
    first, ledger_first = result.left[0], result.right[0]
    assert first.shared and first.partner == 0
    assert ledger_first.shared and ledger_first.partner == 0
    quote_left = next(s for s in result.left if "worse than anything" in s.text)
    quote_right = next(s for s in result.right if "worse than anything" in s.text)
    assert quote_left.shared and result.right[quote_left.partner or 0] is quote_right


def test_sentences_only_one_version_carries_are_not_shared() -> None:
    result = compare(GAZETTE, LEDGER)
    ferry = next(s for s in result.left if "ferry" in s.text)
    shops = next(s for s in result.right if "Shop owners" in s.text)
    assert not ferry.shared and not shops.shared
    assert result.shared_count("left") < len(result.left)


def test_a_figure_the_other_version_lacks_is_marked_and_a_shared_one_is_not() -> None:
    result = compare(GAZETTE, LEDGER)
    vehicles = next(s for s in result.left if "vehicles" in s.text)
    assert [vehicles.text[m.start : m.end] for m in vehicles.marks] == ["14,000"]
    assert vehicles.marks[0].kind == "number"
    closed = result.left[0]
    assert not [m for m in closed.marks if m.kind == "number"]  # 5am is in both


def test_a_quote_only_one_version_carries_is_marked_a_quote_both_carry_is_not() -> None:
    result = compare(GAZETTE, LEDGER)
    shops = next(s for s in result.right if "Shop owners" in s.text)
    assert [(shops.text[m.start : m.end], m.kind) for m in shops.marks] == [
        ('"a disaster for the weekend trade"', "quote")
    ]
    quote_left = next(s for s in result.left if "worse than anything" in s.text)
    assert not [m for m in quote_left.marks if m.kind == "quote"]


def test_a_quote_over_two_sentences_is_marked_in_both() -> None:
    text = 'Lind was blunt. "We were lucky. Next time we may not be," she said.'
    result = compare(text, "Lind spoke to reporters on the bank.")
    marked = [s.text[m.start : m.end] for s in result.left for m in s.marks if m.kind == "quote"]
    assert marked == ['"We were lucky.', 'Next time we may not be,"']


def test_unrelated_sentences_of_one_story_are_not_shared() -> None:
    # They share the story's names, not what they say.
    result = compare(
        "The Amberly Bridge will stay closed until Friday.", "The Amberly Bridge carried a record crowd in May."
    )
    assert not result.left[0].shared and not result.right[0].shared


def test_empty_and_huge_bodies() -> None:
    assert compare("", "").left == ()
    huge = "\n".join(f"Sentence number {i} about the bridge." for i in range(MAX_SENTENCES + 50))
    result = compare(huge, GAZETTE)
    assert len(result.left) == MAX_SENTENCES + 50
    assert not any(s.shared for s in result.left[MAX_SENTENCES:])


_TEXT = st.text(alphabet=st.sampled_from(list("ab Cd.,!?\"'\u201c\u201d\u2018\u2019()0123456789\n%-")), max_size=300)


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT)
def test_any_text_gives_marks_inside_their_sentence_and_partners_that_exist(left: str, right: str) -> None:
    result = compare(left, right)
    for mine, theirs in ((result.left, result.right), (result.right, result.left)):
        for sentence in mine:
            assert sentence.partner is None or 0 <= sentence.partner < len(theirs)
            for mark in sentence.marks:
                assert 0 <= mark.start < mark.end <= len(sentence.text)
