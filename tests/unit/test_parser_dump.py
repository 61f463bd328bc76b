"""The aggregator page-dump parser: layouts, captions, noise, cut-off pages
(bytes and any input: test_parser_dump_bytes.py; the shared corpus: test_parser_dump_corpus.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from newsreader.core.models import Caption, ParsedDocument, ParseError
from newsreader.core.sanitize import has_control
from newsreader.parser import parse as parse_any
from newsreader.parser.dump import VOCABULARY, parse
from tests.support.page_dumps import AS_OF, DUMPS, assert_no_boilerplate, load, related_of, strings
from tests.support.paths import shared_path

# ------------------------------------------------------------------ the seed

SEED_TITLE = "New Zealand looking at new ways to grow security ties with Japan, defense chief says"


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    data = shared_path("seeds", "000_a6c81db5d49b0c54.txt").read_bytes()
    return parse_any(data, as_of=AS_OF, url="https://www.daily8.com/en/article/x")


def test_seed_main_article(seed):
    assert seed.format == "page-dump" and seed.main == 0
    main = seed.articles[0]
    assert main.title == SEED_TITLE
    assert main.source == "Japan Times"
    assert main.published_text == "a day ago"
    assert (main.published, main.precision) == (AS_OF - timedelta(days=1), "day")
    assert main.url == "https://www.daily8.com/en/article/x"
    assert seed.warnings == []


def test_seed_body_is_the_article_only(seed):
    body = seed.articles[0].body
    assert body.startswith("Driven by the deteriorating geopolitical situation")
    assert body.endswith("whether it's by us, the U.S., Canada, Australia or the U.K.'")
    assert "logo" not in body and SEED_TITLE not in body and "Japan Timesa day ago" not in body
    assert "HMNZS Aotearoa" not in body and "Royal New Zealand Navy\n" not in body
    assert "Akazawa" not in body  # the related stories stay out
    assert_no_boilerplate(seed)
    # one paragraph per line of the page (32 lines less the caption and its
    # credit), separated by blank lines
    assert len(body.split("\n\n")) == 30 and "\n\n\n" not in body


def test_seed_caption_and_credit(seed):
    (caption,) = seed.articles[0].captions
    assert caption.text.startswith("The Royal New Zealand Navy auxiliary ship HMNZS Aotearoa")
    assert caption.text.endswith("Maritime Self-Defense Force.")
    assert caption.credit == "Royal New Zealand Navy"


def test_seed_related_articles(seed):
    assert seed.articles[0].related == [1, 2]
    akazawa, lee = related_of(seed)
    assert akazawa.title == "Akazawa talks of 'dense fog' in U.S. trade talks ahead of G7 summit"
    assert (akazawa.source, akazawa.published_text, akazawa.precision) == ("Japan Times", "34 minutes ago", "minute")
    assert akazawa.published == AS_OF - timedelta(minutes=34)
    assert akazawa.summary.startswith("Hopes have dimmed for a trade deal")
    assert akazawa.summary.endswith("'Even a second sooner if we could.'")
    assert lee.title.startswith("Japan Looks to Boost Trust with S. Korea's President Lee")
    assert (lee.source, lee.published_text, lee.precision) == ("Yomiuri Shimbun", "an hour ago", "hour")
    assert lee.summary.startswith("The Associated Press South Korean President Lee Jae-myung")
    assert lee.summary.endswith("building trust through frequent summit meetings.")
    assert akazawa.related == [] and akazawa.tags == [] and lee.tags == []


# ------------------------------------------------------------------ layouts


def test_layout_a():
    doc = load("a_article.txt")
    main = doc.articles[doc.main]
    assert main.title == "Harbour council approves new ferry terminal after decade of debate"
    assert (main.source, main.published_text, main.precision) == ("Harbour Gazette", "a day ago", "day")
    assert main.body.startswith("The harbour council voted 9-2") and main.body.endswith("once the terminal opens.")
    assert main.captions == [
        Caption(
            "Construction crews lower the first steel pile into the water at Pier Four on Tuesday afternoon.",
            "Harbour Gazette",
        )
    ]
    buses, fog = related_of(doc)
    assert (buses.title, buses.source, buses.published_text) == (
        "Night buses return to the coast road after a two-year break",
        "Harbour Gazette",
        "34 minutes ago",
    )
    assert buses.summary.endswith("since it was cut in 2023.") and buses.tags == []
    assert (fog.source, fog.published_text, fog.precision) == ("Valley Courier", "an hour ago", "hour")
    assert fog.tags == ["Weather"]  # a category bullet; the source bullet is not a tag
    assert doc.warnings == []
    assert_no_boilerplate(doc)


def test_layout_a_without_source_line():
    doc = load("a_no_source_line.txt")
    main = doc.articles[0]
    assert main.title == "Lighthouse keeper's cottage opens as a small museum"  # shown three times
    assert main.source is None and main.published is None and main.precision == "unknown"
    assert main.body.startswith("VOLE POINT: The two-room cottage") and main.title not in main.body
    (car_park,) = related_of(doc)
    assert (car_park.published, car_park.precision, car_park.published_text) == (date(2025, 3, 2), "day", "02-03-2025")


def test_layout_a_with_absolute_date():
    main = load("a_date_source.txt").articles[0]
    assert (main.source, main.published_text) == ("Tidewater Times", "17-03-2025")
    assert (main.published, main.precision) == (date(2025, 3, 17), "day")
    assert main.body.startswith("Growers in the upper valley") and "17-03-2025" not in main.body


def test_layout_a_source_line_without_age():
    main = load("a_label_source.txt").articles[0]
    assert main.source == "Opinion" and main.published is None and main.published_text is None
    assert main.body.startswith("Most of us boil the kettle")


def test_layout_b():
    doc = load("b_article.txt")
    main = doc.articles[doc.main]
    assert main.title == "River trust counts record number of returning salmon"
    assert main.source is None and main.precision == "unknown"
    assert main.body.count("\n\n") == 2 and main.body.endswith("trust warden Colm Tavish said.")
    bridge, seal = related_of(doc)
    assert (bridge.source, bridge.published_text, bridge.precision) == ("Valley Courier", "16 minutes ago", "minute")
    assert bridge.title == "Footbridge over the river to close for repairs"
    assert (seal.source, seal.published, seal.tags) == ("Harbour Gazette", AS_OF - timedelta(hours=2), ["Environment"])
    assert seal.summary.endswith("gained four kilograms.")
    assert_no_boilerplate(doc)


def test_layout_b_without_leading_newline():
    doc = load("b_no_leading_newline.txt")
    assert doc.articles[0].title == "Chess club draws fifty players to its first open tournament"
    (library,) = related_of(doc)
    assert (library.title, library.source, library.published_text) == (
        "Library extends weekend opening hours",
        "Valley Courier",
        "an hour ago",
    )


def test_hashtags_line_lists_become_tags():
    text = (
        "\nQuay lights switched on\nThe quay lights were switched on at dusk.\nHashtags\n#Harbour #Lights\n"
        "\nTry Our AI Features\nComments\nNo comments yet...\nRelated Articles\n"
    )
    main = parse(text.encode(), as_of=AS_OF).articles[0]
    assert main.tags == ["Harbour", "Lights"] and main.body == "The quay lights were switched on at dusk."


def test_hashtag_page_is_a_listing_tagged_with_the_hashtag():
    doc = load("hashtag_page.txt")
    assert doc.main is None and doc.feed_title == "Latest news with #Lighthouses"
    lens, logbooks = doc.articles
    assert lens.title == "Vole Point light gets a new lens" and lens.source == "Harbour Gazette"
    assert (lens.published, lens.published_text) == (date(2025, 5, 19), "19-05-2025")
    assert lens.tags == ["Travel", "Lighthouses"] and logbooks.tags == ["Travel", "Lighthouses"]
    assert lens.summary.endswith("at the town museum.")  # "Copy the Story Link" removed
    assert (logbooks.published_text, logbooks.precision) == ("3 days ago", "day")
    assert all(a.related == [] for a in doc.articles)


def test_source_listing_page():
    doc = load("source_listing.txt")
    assert doc.main is None and doc.feed_title == "Latest from Tidewater Times"
    council, choir = doc.articles
    assert (council.title, council.source, council.tags) == (
        "Council delays vote on harbour parking plan",
        "Tidewater Times",
        ["Politics"],
    )
    assert (choir.published_text, choir.precision) == ("5 hours ago", "hour")


def test_arabic_edition():
    doc = load("arabic.txt")
    main = doc.articles[doc.main]
    assert main.title == "افتتاح مكتبة عامة جديدة في وسط المدينة"
    assert main.body.count("\n\n") == 1
    festival, chess, road = related_of(doc)
    assert (festival.source, festival.published_text) == ("صحيفة الساحل", "منذ ساعتين")
    assert (festival.published, festival.precision) == (AS_OF - timedelta(hours=2), "hour")
    assert (chess.published, chess.precision, chess.tags) == (AS_OF - timedelta(minutes=5), "minute", ["ثقافة"])
    assert (road.published, road.precision) == (AS_OF - timedelta(days=1), "day")
    assert chess.title == "فريق المدرسة يفوز ببطولة الشطرنج"
    assert_no_boilerplate(doc)
    assert doc.warnings == []


def test_arabic_vocabulary_is_a_table_entry():
    assert set(VOCABULARY["ar"]) <= set(VOCABULARY["en"])
    assert "أخبار ذات صلة" in VOCABULARY["ar"]["related"]


# ------------------------------------------------------------------ sources with digits


def test_source_names_with_digits_and_spaces():
    doc = load("nine_news.txt")
    main = doc.articles[0]
    assert (main.source, main.published_text, main.precision) == ("9 News", "3 hours ago", "hour")
    sky, channel = related_of(doc)
    assert (sky.source, sky.published_text) == ("Sky News AU", "12 hours ago")
    assert (channel.source, channel.published_text) == ("Channel 4", "2 hours ago")


def test_channel_4_two_hours_ago():
    doc = load("channel_4.txt")
    assert (doc.articles[0].source, doc.articles[0].published_text) == ("Channel 4", "2 hours ago")
    assert doc.articles[0].published == AS_OF - timedelta(hours=2)


def test_sources_named_on_the_page_decide_an_ambiguous_split():
    page = (DUMPS / "channel_4.txt").read_text(encoding="utf-8")
    page = page.replace("Channel 42 hours ago", "Radio 112 hours ago").replace("Channel 4", "Radio 11")
    main = parse(page.encode(), as_of=AS_OF).articles[0]
    assert (main.source, main.published_text) == ("Radio 11", "2 hours ago")
    alone = page.split("\nOrange background")[0]  # without the related stories: no names to go by
    main = parse(alone.encode(), as_of=AS_OF).articles[0]
    assert (main.source, main.published_text) == ("Radio 1", "12 hours ago")


# ------------------------------------------------------------------ captions and noise


def test_captions_and_credits():
    main = load("captions.txt").articles[0]
    assert main.captions == [
        Caption("A fallen oak blocks the road into Mill Lane on Thursday morning.", "Valley Courier"),
        Caption("Crews work to clear a fallen pine on the coast road.", "Lena Brook"),
        Caption("", "Jo Bloggs/Getty Images"),
        Caption("", "AP Photo/Sam Doe"),
        Caption("A garden gate left hanging by one hinge in Port Ander.", "PEXELS"),
    ]
    assert main.body.split("\n\n") == [
        "High winds brought down more than forty trees across the valley overnight, closing three roads.",
        "Power was cut to about 2,000 homes for several hours.",
        "The weather office said gusts reached 130 km/h at Gull Rock.",
        "Residents were asked to report damaged power lines to the network operator.",
    ]


def test_caption_shown_twice_after_a_credit():
    main = load("a_label_source.txt").articles[0]
    assert main.captions == [
        Caption("Let the water rest for a minute or two before it meets delicate leaves.", "PEXELS")
    ]
    assert "Let the water rest" not in main.body and "PEXELS" not in main.body


def test_body_noise_is_dropped_and_reported():
    doc = load("noise.txt")
    assert doc.articles[0].body.split("\n\n") == [
        "The weekend markets are back on the harbour front from Saturday, with sixty stalls.",
        "Stallholders said the new covered area would keep the market open in the rain.",
    ]
    (warning,) = doc.warnings
    assert "video-duration lines ×3" in warning and "'Related Internet Links' list" in warning
    assert "url-encoded" in warning and "Advertisement" in warning
    assert related_of(doc)[0].source == "Harbour Gazette"


# ------------------------------------------------------------------ cut-off pages


def test_body_cut_mid_sentence_keeps_whole_sentences():
    doc = load("truncated_body.txt")
    body = doc.articles[0].body
    assert body.endswith("Engineers built a concrete wall to hold back the slope.")
    assert "passengers cheered" not in body
    assert "text cut off" in doc.warnings
    assert doc.articles[0].source == "Harbour Gazette"


def test_related_summary_cut_mid_sentence():
    doc = load("truncated_related.txt")
    cycle, bakery = related_of(doc)
    assert cycle.summary.endswith("It was built in four months.")
    assert bakery.title == "Bakery on the quay celebrates its hundredth year"
    assert bakery.summary == "The Marr family has baked bread on the quay since 1925."
    assert "text cut off" in doc.warnings


def test_related_story_cut_before_its_title_is_dropped():
    doc = load("truncated_related_title.txt")
    assert [a.title for a in related_of(doc)] == ["Storm warning issued for the whole coast"]
    assert any("dropped" in w for w in doc.warnings)


def test_summary_without_a_whole_sentence_keeps_whole_words():
    page = (DUMPS / "hashtag_page.txt").read_bytes()
    cut = page[: page.index(b"were found in an attic")]
    doc = parse(cut, as_of=AS_OF)
    assert doc.articles[1].summary == "Six logbooks kept by the keepers of the Gull Rock light between 1901 and 1930…"


@pytest.mark.parametrize("name", ["a_article.txt", "arabic.txt", "hashtag_page.txt", "b_article.txt"])
def test_every_cut_keeps_only_whole_titles(name):
    data = (DUMPS / name).read_bytes()
    full = parse(data, as_of=AS_OF)
    titles = {a.title for a in full.articles}
    sources = {a.source for a in full.articles}
    for end in range(len(data)):
        try:
            doc = parse(data[:end], as_of=AS_OF)
        except ParseError:
            continue
        for i, article in enumerate(doc.articles):
            if i != doc.main:
                assert article.title in titles, (end, article.title)
            assert article.source in sources | {None}, (end, article.source)
        assert not any(has_control(s) or "\ufffd" in s for s in strings(doc))


def test_cut_inside_a_utf8_character():
    data = (DUMPS / "arabic.txt").read_bytes()
    end = data.index("فاز فريق".encode()) + 3  # the middle of the second letter
    doc = parse(data[:end], as_of=AS_OF)
    assert "dropped an incomplete character at the end" in doc.warnings
    assert not any("\ufffd" in s for s in strings(doc))
    assert [a.title for a in related_of(doc)] == ["انطلاق مهرجان الربيع للزهور", "فريق المدرسة يفوز ببطولة الشطرنج"]


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t\n\r\n", "\u00a0\u200b\n".encode(), "\x1b\x07\x00\n\u202e\x9b\n".encode()]
)
def test_no_readable_text(data):
    with pytest.raises(ParseError, match="no readable text"):
        parse(data, as_of=AS_OF)


def test_boilerplate_only_is_no_readable_text():
    with pytest.raises(ParseError, match="no readable text"):
        load("boilerplate_only.txt")


# ------------------------------------------------------------------ other aggregators


def test_other_aggregator_falls_back_to_one_article():
    doc = load("other_aggregator.txt")
    assert doc.main == 0 and len(doc.articles) == 1
    article = doc.articles[0]
    assert article.title == "Coastal Wire Digest"  # "Archives" is page chrome
    assert "Ferry timetable changes for winter" in article.body and "Archives" not in article.body
    assert any("plain text" in w for w in doc.warnings)


def test_long_first_line_is_not_a_whole_title():
    sentence = "The tide came in faster than anyone on the quay had seen it come in before. "
    text = (sentence * 5).strip() + "\nA second line.\n"
    article = parse(text.encode(), as_of=AS_OF).articles[0]
    assert article.title == sentence.strip()
    assert article.body.startswith(sentence.strip())
