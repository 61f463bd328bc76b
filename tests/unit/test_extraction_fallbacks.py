"""The article's text chosen among extraction methods (newsreader.parser.html_choose).

Two page shapes that the precise method alone got wrong: a short article
(a headline, a date, four paragraphs) on a page with a box of linked
headlines, which was refused; and a short article inside a long page of
navigation, readers' replies and related links, where the replies came back
as the article. The pages are invented for these tests.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from newsreader.core.models import ParseError
from newsreader.parser import html
from newsreader.parser.html_choose import Candidate, PageProfile, PageRules, choose, without_chrome
from tests.support.paths import FIXTURES

PAGES = FIXTURES / "html"
URL = "https://estuary.example/news/item.html"
_WORD = re.compile(r"\w+")

SHORT_PARAGRAPHS = [
    "The morning ferry from Holm Quay to Saltness will leave twenty minutes earlier from Monday, "
    "the harbour board said on Friday.",
    "The change follows complaints from commuters who missed connecting buses on the far side of the estuary "
    "during the winter.",
    "A board spokesperson said the evening crossings would not change, and that a review of weekend sailings "
    "would be published in April.",
    "Season tickets bought before the change remain valid. Passengers with questions can ask at the ticket "
    "office, which now opens at half past six.",
]


def parse_page(name: str):
    return html.parse_page((PAGES / name).read_bytes(), as_of=None, url=URL)


# --- the two failing shapes, end to end ----------------------------------------------


def test_ninety_word_article_with_headline_and_date_gives_its_paragraphs():
    doc, _method = parse_page("short_news_page.html")
    art = doc.articles[0]
    assert art.title == "Ferry timetable changes at Holm Quay"
    assert art.published == date(2031, 3, 14)
    assert art.body == "\n\n".join(SHORT_PARAGRAPHS)
    assert 80 <= len(_WORD.findall(art.body)) <= 100


def test_short_article_page_is_not_taken_for_an_index():
    """Six linked headlines beside it do not make the page a listing."""
    body = parse_page("short_news_page.html")[0].articles[0].body
    for teaser in ("Lifeboat crew", "Oyster beds", "More from the coast", "Rope Walk"):
        assert teaser not in body


def test_article_in_a_long_page_gives_only_the_article():
    doc, method = parse_page("article_in_long_page.html")
    body = doc.articles[0].body
    assert body.count("\n\n") <= 6
    assert "The keeper's cottage at Skerry Point will open to visitors on Saturday" in body
    assert body.rstrip().endswith("until the end of September.")
    for chrome in ("My grandfather", "Reply", "hours ago", "Coastguard station", "Readers write", "Privacy", "Live:"):
        assert chrome not in body, chrome
    assert len(_WORD.findall(body)) < 200  # the page has over 2,000
    assert method != "trafilatura"  # the precise method took the replies for the story


@pytest.mark.parametrize("name", ["story social-share", "story ad-slot"])
def test_story_in_a_box_named_like_chrome_is_still_the_article(name):
    """A class name that reads as chrome does not take the story away, nor
    let the replies in."""
    data = (PAGES / "article_in_long_page.html").read_bytes().replace(b'class="story"', f'class="{name}"'.encode())
    body = html.parse_page(data, as_of=None, url=URL)[0].articles[0].body
    assert body.startswith("By Caius Trebilcock") and body.endswith("until the end of September.")
    assert "My grandfather" not in body


def test_pages_without_an_article_are_still_refused():
    for name in ("index_page.html", "login_page.html", "paywall_stub.html"):
        with pytest.raises(ParseError, match="no readable text"):
            parse_page(name)


# --- the chooser on its own ------------------------------------------------------------

ARTICLE = [
    "The tide mill at Wensum Creek turned again on Sunday for the first time since the floods of 1978.",
    "Volunteers spent two years rebuilding the wheel from oak felled on the estate, the trust said.",
    "Flour from the first grinding will be sold at the village market to pay for the sluice gates.",
]
MENU = ["Home", "News", "Weather", "Sport", "Contact us"]
REPLIES = [f"Reader {i} wrote that the mill was a fine sight on a spring morning, {i} years ago." for i in range(30)]


def profile(chrome: list[str], links: list[str], extra_words: int = 0) -> PageProfile:
    page = PageProfile()
    page.chrome_keys = {" ".join(_WORD.findall(line.lower())) for line in chrome}
    page.link_keys = {" ".join(_WORD.findall(line.lower())) for line in links}
    page.words = sum(len(_WORD.findall(t)) for t in [*ARTICLE, *chrome]) + extra_words
    return page


RULES = PageRules(is_article=True, listing=False, paywall=False, login=False)


def test_text_that_is_most_of_the_page_with_its_chrome_gives_way_to_the_next_method():
    page = profile(MENU + REPLIES, MENU)
    calls = []

    def whole():
        calls.append("whole")
        return MENU + ARTICLE + REPLIES

    def article():
        calls.append("article")
        return list(ARTICLE)

    chosen = choose([("whole", whole), ("article", article)], page, RULES)
    assert chosen.method == "article" and chosen.blocks == ARTICLE
    assert Candidate.of("whole", whole(), page).whole_page(page)


def test_a_page_that_is_all_article_is_accepted():
    """Most of the page, but no chrome in it: the page is the article."""
    page = profile(MENU, MENU)
    chosen = choose([("first", lambda: list(ARTICLE)), ("second", lambda: ARTICLE[:1])], page, RULES)
    assert chosen.method == "first"


def test_short_text_gives_way_to_a_later_one_that_holds_it_and_more():
    page = profile(MENU, MENU, extra_words=400)
    chosen = choose([("precise", lambda: ARTICLE[:2]), ("recall", lambda: list(ARTICLE))], page, RULES)
    assert chosen.method == "recall"


def test_short_text_stays_when_the_later_one_is_something_else():
    page = profile(MENU, MENU, extra_words=400)
    other = ["A different story about a harbour wall that was rebuilt after the storms of last winter."] * 3
    chosen = choose([("precise", lambda: ARTICLE[:2]), ("recall", lambda: other)], page, RULES)
    assert chosen.method == "precise"


def test_a_whole_article_stays_when_the_other_methods_find_it_too():
    page = profile(MENU, MENU, extra_words=2000)
    long_article = [f"{line} It was, the trust said, worth every hour of work." for line in ARTICLE] * 8
    methods = [("trafilatura", lambda: long_article), ("readability", lambda: long_article[:20])]
    assert choose(methods, page, RULES).method == "trafilatura"


def test_a_text_gives_way_when_two_libraries_agree_on_a_smaller_one_inside_it():
    """Precise method: the story and a column of other stories; two other
    methods: the story alone."""
    others = [f"In other news, item {i} of the day ran to several lines of unrelated text." for i in range(12)]
    page = profile(MENU, MENU, extra_words=2000)
    methods = [
        ("trafilatura", lambda: ARTICLE * 2 + others),
        ("trafilatura recall", lambda: ARTICLE * 2),
        ("readability", lambda: ARTICLE * 2),
    ]
    assert choose(methods, page, RULES).method == "trafilatura recall"


def test_no_method_with_prose_means_no_readable_text():
    page = profile(MENU, MENU)
    captions = ["Photo 1 of 12", "The harbour at dawn", "Photo 2 of 12"]
    with pytest.raises(ParseError, match="no readable text"):
        choose([("menu", lambda: list(MENU)), ("empty", lambda: None), ("gallery", lambda: captions)], page, RULES)


def test_prose_that_only_chrome_holds_is_shown_rather_than_refused():
    """When every method's text sits in boxes named as chrome, the names may
    be wrong: the first prose found is shown."""
    page = profile(MENU + ARTICLE, MENU)
    assert choose([("menu", lambda: list(MENU)), ("boxed", lambda: list(ARTICLE))], page, RULES).method == "boxed"


def test_chrome_lines_are_taken_out_of_a_text():
    page = profile(MENU, MENU)
    assert without_chrome(["- Home\n- News", ARTICLE[0], "Contact us"], page) == [ARTICLE[0]]
