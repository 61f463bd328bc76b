"""The aggregator page-dump parser: layouts, captions, noise, cut-off pages, the corpus."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.core.models import Article, Caption, ParsedDocument, ParseError
from newsreader.core.sanitize import has_control
from newsreader.parser import parse as parse_any
from newsreader.parser.dump import VOCABULARY, parse
from tests.support.paths import FIXTURES, shared_path

AS_OF = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
DUMPS = FIXTURES / "dumps"
BOILERPLATE = [
    "Orange background",
    "Try Our AI Features",
    "Explore what Daily8 AI",
    "No comments yet",
    "Related Articles",
    "DOWNLOAD THE APP",
    "Get Started Now",
    "Ready to dive",
    "app-store",
    "هاشتاغز",
    "جرب ميزات",
    "اكتشف ما يمكن",
    "التعليقات",
    "لا يوجد تعليقات",
    "أخبار ذات صلة",
]


def load(name: str, **kw) -> ParsedDocument:
    return parse((DUMPS / name).read_bytes(), as_of=AS_OF, **kw)


def strings(doc: ParsedDocument):
    """Every string the parser put into the document."""
    yield from doc.warnings
    yield from (s for s in (doc.feed_title,) if s)
    for article in doc.articles:
        for f in fields(Article):
            value = getattr(article, f.name)
            if isinstance(value, str):
                yield value
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        yield item
                    elif isinstance(item, Caption):
                        yield item.text
                        yield item.credit or ""


def assert_no_boilerplate(doc: ParsedDocument) -> None:
    for article in doc.articles:
        for text in (article.title, article.body, article.summary or "", *article.tags):
            for phrase in BOILERPLATE:
                assert phrase not in text, (phrase, article.title)


def related_of(doc: ParsedDocument) -> list[Article]:
    return [doc.articles[i] for i in doc.articles[doc.main].related]


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


# ------------------------------------------------------------------ bytes and text


def test_encodings_and_line_breaks_agree():
    base = (DUMPS / "b_no_leading_newline.txt").read_text(encoding="utf-8")
    expected = parse(base.encode(), as_of=AS_OF)
    variants = [
        b"\xef\xbb\xbf" + base.encode(),
        base.replace("\n", "\r\n").encode(),
        base.replace("\n", "\r").encode(),
        base.replace("\n", "\u2028").encode(),
        base.encode("utf-16"),
    ]
    for data in variants:
        doc = parse(data, as_of=AS_OF)
        assert [(a.title, a.body, a.summary, a.source) for a in doc.articles] == [
            (a.title, a.body, a.summary, a.source) for a in expected.articles
        ]


def test_legacy_encoding_falls_back():
    doc = parse("Café on the quay reopens\nThe café reopened on Monday.\n".encode("cp1252"), as_of=AS_OF)
    assert doc.articles[0].title == "Café on the quay reopens"
    assert any("Windows-1252" in w for w in doc.warnings)


def test_control_characters_are_removed():
    page = (DUMPS / "a_article.txt").read_text(encoding="utf-8")
    page = page.replace("Harbour council approves", "Harbour \x1b]52;c;aGk=\x07council\u202e approves")
    page = page.replace("The terminal will cost", "The \x9b31mterminal will cost")
    doc = parse(page.encode(), as_of=AS_OF)
    assert doc.articles[0].title.startswith("Harbour ]52;c;aGk=council approves")
    assert not any(has_control(s) for s in strings(doc))


def test_reference_time():
    data = (DUMPS / "a_article.txt").read_bytes()
    naive = parse(data, as_of=AS_OF.replace(tzinfo=None)).articles[0]
    assert naive.published == AS_OF - timedelta(days=1)
    before = datetime.now(UTC)
    now = parse(data, as_of=None).articles[0]
    assert before - timedelta(days=1, seconds=1) <= now.published <= datetime.now(UTC) - timedelta(days=1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_document_or_parse_error(data):
    try:
        doc = parse(data, as_of=AS_OF)
    except ParseError:
        return
    assert doc.format == "page-dump" and doc.articles
    assert not any(has_control(s) for s in strings(doc))


# Lines that look like a Daily8 page, shuffled: reaches the structure code far
# more often than random bytes do.
PAGE_LINES = st.sampled_from(
    [
        "logo",
        "",
        "",
        "Title of a story",
        "Title of a story",
        "Harbour Gazettea day ago",
        "Opinion",
        "time34 minutes ago",
        "an hour ago",
        "منذ ساعتين",
        "  • Harbour Gazette",
        "- Weather",
        "Hashtags",
        "Try Our AI Features",
        "Related Articles",
        "Comments",
        "Latest news with #Tag",
        "Latest from X",
        "A sentence of the body. And another",
        "Caption of a photo. |",
        "PEXELS",
        "07:30",
        "Advertisement",
        "%3Cp%3E%3C%2Fp%3E",
        "Related Internet Links",
        "\x1b[2J",
        "\u202e",
        "app-storeplay-store",
        "Copy the Story Link",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PAGE_LINES, max_size=40), st.integers(min_value=0, max_value=4000))
def test_page_shaped_text_gives_a_document_or_parse_error(lines, cut):
    data = "\n".join(lines).encode()[:cut]
    try:
        doc = parse(data, as_of=AS_OF)
    except ParseError:
        return
    assert doc.articles and all(a.title for a in doc.articles)
    assert not any(has_control(s) for s in strings(doc))
    if doc.main is not None:
        assert all(0 < i < len(doc.articles) for i in doc.articles[doc.main].related)


# ------------------------------------------------------------------ the shared corpus


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# file -> (main index, (title sha, source, published_text) of the page's own
# article or None, the same for each related / listed story)
CORPUS = {
    "002_www_hashtag_en_Saco.txt": (
        None,
        None,
        [("f1ad8d92aa34", "Yahoo", "11-06-2025"), ("ee8f7833e0f5", "Yahoo", "27-05-2025")],
    ),
    "005_test_article_en_006623241bddc9992697ce4a10ed0bdd.txt": (0, ("4aec9714fdb7", "Yahoo", "23-04-2025"), []),
    "008_test_article_en_4f860f643c7bf799956983ae4ddc2139.txt": (0, ("97b9f3ea8159", "Opinion", None), []),
    "009_www_article_en_ecf2c46b50ab984f01aff440e3531802.txt": (0, ("ddded355078b", None, None), []),
    "012_www_article_en_53627d6904d3f06304b0609e226bced8.txt": (
        0,
        ("520576f123c3", None, None),
        [("f8729851bf41", "Kyodo News", "2 minutes ago")],
    ),
    "013_unknown_source-listing_en_abbf099ebfc3.txt": (
        None,
        None,
        [("8bf2545d0454", "Yomiuri Shimbun", "4 hours ago")],
    ),
    "016_www_article_en_688af27402cbd92290b8814b73be2139.txt": (
        0,
        ("1bf07629b095", None, None),
        [("c13e70a0e655", "Indian Express", "a few seconds ago")],
    ),
    "017_www_article_en_63ab00de822909a707ca5cd2f66524b1.txt": (
        0,
        ("5b4ac43898db", None, None),
        [("98c289e5684a", "News18", "29 minutes ago"), ("36b296b09056", "New Indian Express", "35 minutes ago")],
    ),
    "022_test_article_en_3b3b57f2e121ceef5c48ccccc7c09d1b.txt": (
        0,
        ("a7c1054dcd19", None, None),
        [("3dd24f5f07e6", "Yahoo", "29 minutes ago")],
    ),
    "023_www_article_en_8a55fb6361350fb748d5df886007a140.txt": (
        0,
        ("6680e55ffac4", "New York Post", "6 days ago"),
        [("29a6a74adfe8", "CNN", "a few seconds ago"), ("53bea0d75316", "The Hill", "29 minutes ago")],
    ),
    "025_www_article_en_e80fa1d985553122d359747ed90f3aaa.txt": (
        0,
        ("2356c7daf4d0", None, None),
        [("150e238d7c59", "Khaleej Times", "16 minutes ago")],
    ),
    "027_www_article_en_521522597949b75a110ac04b89eeae33.txt": (
        0,
        ("d430b3f79388", None, None),
        [("9a77dbcc8c8d", "Khaleej Times", "15 minutes ago")],
    ),
    "028_www_article_en_f394bab840aa937de84acf2df3ad151b.txt": (
        0,
        ("4fb56dbf2932", None, None),
        [("1c2be0d920c9", "Arab News", "9 hours ago")],
    ),
    "031_www_article_en_ff25943d2dec9488cb078a2bb8efb73c.txt": (0, ("2c1cff619f3d", "The National", "16-05-2025"), []),
    "033_www_article_en_bf52dce169b11e73837b11cbe37a4fac.txt": (0, ("13e7eec4c7b5", None, None), []),
    "034_www_article_en_274a2be62d2c051af36e3ccebeb9ad3a.txt": (
        0,
        ("47872f619456", None, None),
        [("181a2e15cb10", "Yahoo", "3 hours ago")],
    ),
    "035_www_article_en_f7d3e9326844fd57357cc5aab55fbd27.txt": (
        0,
        ("d60373d9966d", None, None),
        [("7d75fa2110c5", "Daily Record", "25 minutes ago")],
    ),
    "036_www_article_en_6931ce9c592ed515f520c25d122cc374.txt": (
        0,
        ("f4463aad2fa3", "Daily Mail", "19 hours ago"),
        [("1906e16e85cc", "Daily Mail", "9 minutes ago")],
    ),
    "037_www_article_en_319f83aa1b0362775665fac111758740.txt": (
        0,
        ("f58bd272ea3b", None, None),
        [("cf578a2591bf", "Daily Mail", "17 minutes ago")],
    ),
    "041_www_article_en_96e60742df543a09aa77b2a1d87595fb.txt": (
        0,
        ("f2d9ea253d3b", None, None),
        [("0dfb21ee1dca", "Yahoo", "an hour ago")],
    ),
    "046_amplify_article_en_6b5cd9e6abfc46a3a9a97996519bc4fc.txt": (0, ("9561d4ecb871", "NZ Herald", "08-06-2025"), []),
    "051_www_article_en_1bcdb1cf586de32e2baf6c7506635c58.txt": (
        0,
        ("f5a2ca47539a", "The Advertiser", "2 days ago"),
        [],
    ),
    "055_www_article_ar_7831d6374fc5715d666dfc43693442d7.txt": (
        0,
        ("6e431813fd47", None, None),
        [("5974ea70daa7", "عكاظ", "منذ ساعة واحدة")],
    ),
    "056_test_article_ar_f56df305ee84b51b8b08158ddf8bb94f.txt": (
        0,
        ("a40b44bc40ab", None, None),
        [("5310d12a6a4e", "خبر صح", "منذ 23 دقائق")],
    ),
    "058_test_article_en_e66b23eaf164109be6ef0ff90566613d.txt": (0, ("36b6d3513ff7", None, None), []),
}
OTHER_AGGREGATORS = {
    "01_newsmuncher.com.txt": "4aa3bdc7b87a",
    "02_sum.news.txt": "73a21be90aac",
    "03_mytinyfeed.com.txt": "a3e6a41ec0cb",
    "04_us4.campaign-archive.com.txt": "2130c3e9395c",
    "05_unpublished.ca.txt": "03716240e431",
    "06_www.mikes.news.txt": "22a5b0b4045f",
    "07_japantimes-mirror_seed-original.txt": "5dee0f257d3a",
}
PRECISION_OF_UNIT = {
    "second": "minute",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "دقائق": "minute",
    "ساعة": "hour",
}


def expected_precision(published_text: str) -> str:
    if published_text[:2].isdigit() and published_text.count("-") == 2:
        return "day"
    return next(p for unit, p in PRECISION_OF_UNIT.items() if unit in published_text)


def check_story(article: Article, expected) -> None:
    _title_sha, _source, published_text = expected
    assert (sha(article.title), article.source, article.published_text) == expected
    if published_text is None:
        assert article.published is None and article.precision == "unknown"
    else:
        assert article.precision == expected_precision(published_text)
        assert isinstance(article.published, datetime if "ago" in published_text or "منذ" in published_text else date)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_page_dump(name):
    path = shared_path("corpus", "page-dumps", name)
    doc = parse_any(path.read_bytes(), as_of=AS_OF)
    main_index, main_expected, stories = CORPUS[name]
    assert doc.format == "page-dump" and doc.main == main_index
    if main_index is None:
        listed = doc.articles
    else:
        check_story(doc.articles[main_index], main_expected)
        listed = related_of(doc)
        assert len(doc.articles) == 1 + len(listed)
    assert len(listed) == len(stories)
    for article, expected in zip(listed, stories):
        check_story(article, expected)
        assert article.summary
    assert_no_boilerplate(doc)
    assert not any(has_control(s) for s in strings(doc))


@pytest.mark.parametrize("name", sorted(OTHER_AGGREGATORS))
def test_corpus_other_aggregators(name):
    path = shared_path("corpus", "other-page-dumps", name)
    doc = parse_any(path.read_bytes(), as_of=AS_OF)
    assert doc.main == 0 and len(doc.articles) == 1
    assert sha(doc.articles[0].title) == OTHER_AGGREGATORS[name]
    assert doc.articles[0].body
    assert any("plain text" in w for w in doc.warnings)


def test_every_corpus_file_is_covered():
    listed = {p.name for p in shared_path("corpus", "page-dumps").glob("*.txt")}
    others = {p.name for p in shared_path("corpus", "other-page-dumps").glob("*.txt")}
    assert listed == set(CORPUS) and others == set(OTHER_AGGREGATORS)


def test_corpus_captions_and_noise():
    def main_of(name):
        doc = parse(shared_path("corpus", "page-dumps", name).read_bytes(), as_of=AS_OF)
        return doc, doc.articles[0]

    _, pexels = main_of("008_test_article_en_4f860f643c7bf799956983ae4ddc2139.txt")
    assert [c.credit for c in pexels.captions] == ["PEXELS"]
    assert pexels.captions[0].text.startswith("Get specific about what scents") and "Get specific" not in pexels.body
    _, herald = main_of("046_amplify_article_en_6b5cd9e6abfc46a3a9a97996519bc4fc.txt")
    assert [c.credit for c in herald.captions] == ["Michael Craig"] and "Photo /" not in herald.body
    _, forbes = main_of("058_test_article_en_e66b23eaf164109be6ef0ff90566613d.txt")
    assert [c.credit for c in forbes.captions] == ["Michael M. Santiago/Getty Images", "Gado via Getty Images"]
    doc, videos = main_of("017_www_article_en_63ab00de822909a707ca5cd2f66524b1.txt")
    assert videos.body == "" and any("video-duration lines ×29" in w for w in doc.warnings)
    _, national = main_of("031_www_article_en_ff25943d2dec9488cb078a2bb8efb73c.txt")
    assert "%3C" not in national.body
    _, tweet = main_of("056_test_article_ar_f56df305ee84b51b8b08158ddf8bb94f.txt")
    assert "Twitter Status" not in tweet.body
