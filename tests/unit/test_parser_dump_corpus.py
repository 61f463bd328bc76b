"""The page-dump parser on the shared corpus of real pages (../shared; skipped where absent)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest

from newsreader.core.models import Article
from newsreader.core.sanitize import has_control
from newsreader.parser import parse as parse_any
from newsreader.parser.dump import parse
from tests.support.page_dumps import AS_OF, assert_no_boilerplate, related_of, strings
from tests.support.paths import shared_path

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
