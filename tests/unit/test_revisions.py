"""Revisions: the word diff, and the versions the store keeps of a changed article."""

from __future__ import annotations

import sqlite3

import pytest

from newsreader.config.settings import load_config
from newsreader.core.models import Article, ParsedDocument
from newsreader.core.paths import Paths
from newsreader.core.worddiff import MAX_BLOCK_WORDS, changed_words, word_diff
from newsreader.search.language import QueryError, parse_query
from newsreader.store import Cache, article_revisions, note_opened, note_seen, store_full_text
from newsreader.store.schema import SCHEMA_VERSION

FEED = "https://quay.test/feed.xml"
URL = "https://quay.test/dredging"
BODY = "The port authority said dredging of the inner harbour would start in March.\nIt would cost 12 million."


# -- the word diff -------------------------------------------------------------------


def _joined(pieces, *kinds: str) -> str:
    return "".join(p.text for p in pieces if p.kind in kinds)


def test_word_diff_marks_the_words_that_changed():
    old = "The minister said on Monday that 40 jobs would go.\nThe union objected."
    new = "The minister said on Tuesday that 400 jobs would go.\nThe union objected.\nTalks resume Friday."
    pieces = word_diff(old, new)
    assert [(p.kind, p.text.strip()) for p in pieces if p.kind != "same"] == [
        ("removed", "Monday"),
        ("added", "Tuesday"),
        ("removed", "40"),
        ("added", "400"),
        ("added", "Talks resume Friday."),
    ]
    assert _joined(pieces, "same", "added") == new
    assert _joined(pieces, "same", "removed").split() == old.split()
    assert changed_words(pieces) == (2, 5)


def test_word_diff_of_equal_texts_and_of_spacing_only():
    assert [p.kind for p in word_diff(BODY, BODY)] == ["same"]
    assert word_diff("", "") == []
    # A reflowed sentence is the same words.
    assert {p.kind for p in word_diff("one two  three", "one  two three")} == {"same"}


def test_a_huge_rewritten_block_is_shown_whole():
    old = " ".join(f"w{i}" for i in range(MAX_BLOCK_WORDS + 10))
    new = " ".join(f"v{i}" for i in range(MAX_BLOCK_WORDS + 10))
    pieces = word_diff(old, new)
    assert [p.kind for p in pieces] == ["removed", "added"]


# -- the store -----------------------------------------------------------------------


def feed(title: str, body: str, *, summary_only: bool = False, twice: bool = False) -> ParsedDocument:
    item = Article(title=title, url=URL, guid="q-1", **{"summary" if summary_only else "body": body})
    other = Article(title="Ferry fares frozen", url="https://quay.test/fares", body="Fares stay as they are.")
    items = [item, other] + ([Article(title=title + " (again)", url=URL, body=body + " More.")] if twice else [])
    return ParsedDocument(format="rss", feed_url=FEED, feed_title="Quay Courier", articles=items)


@pytest.fixture
def cache(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    yield cache
    cache.close()


def article_id(cache: Cache) -> int:
    found = cache.article_id_for_url(URL)
    assert found is not None
    return found


def updated(cache: Cache) -> dict[str, bool]:
    return {h.title: h.revised for h in cache.headlines()}


def test_a_changed_title_and_body_keep_the_earlier_version(cache):
    cache.import_document(feed("Dredging to start in March", BODY), now=1000)
    stats = cache.import_document(feed("Dredging delayed to May", BODY.replace("March", "May")), now=2000)
    assert (stats.new, stats.updated, stats.unchanged) == (0, 1, 1)
    row = cache.article(article_id(cache))
    assert row is not None and row.title == "Dredging delayed to May" and "May" in row.body
    history = article_revisions(cache, article_id(cache))
    assert history is not None
    assert [(v.version, v.title, v.seen_at) for v in history.versions] == [
        (1, "Dredging to start in March", 1000),
        (2, "Dredging delayed to May", 2000),
    ]
    assert history.versions[0].body == BODY
    assert updated(cache) == {"Dredging delayed to May": True, "Ferry fares frozen": False}
    # Search finds the new words, not the old title.
    assert [h.title for h in cache.search("delayed")] == ["Dredging delayed to May"]
    assert cache.search("March") == []


def test_the_same_feed_again_keeps_nothing(cache):
    cache.import_document(feed("Dredging to start in March", BODY * 5), now=1000)
    cache.import_document(feed("Dredging to start in March", BODY * 5), now=2000)
    assert article_revisions(cache, article_id(cache)) is None
    assert not any(updated(cache).values())


def test_a_body_that_changes_at_every_refresh_keeps_at_most_keep_revisions(cache):
    cache.keep_revisions = 3
    for n in range(12):
        cache.import_document(
            feed("Live: harbour storm", f"Update {n}: the wind is {n * 10} km/h. " * 40), now=1000 + n
        )
    history = article_revisions(cache, article_id(cache))
    assert history is not None
    assert [v.version for v in history.versions] == [9, 10, 11, 12]
    assert history.current.body.startswith("Update 11:")
    count = cache.connection().execute("SELECT count(*) FROM revisions").fetchone()[0]
    assert count == 3


def test_a_summary_against_a_full_body_is_no_revision(cache):
    cache.import_document(feed("Dredging to start in March", "Dredging starts in March.", summary_only=True), now=1)
    cache.import_document(feed("Dredging to start in March", BODY), now=2)
    assert article_revisions(cache, article_id(cache)) is None
    assert cache.article(article_id(cache)).body == BODY  # the fuller body still wins, as before


def test_a_fetched_full_text_is_no_revision_but_a_new_title_is(cache):
    cache.import_document(feed("Dredging to start in March", "Dredging starts in March.", summary_only=True), now=1)
    store_full_text(cache, article_id(cache), body=BODY, page_url=f"{URL}#page")
    cache.import_document(feed("Dredging to start in March", "Dredging starts in March.", summary_only=True), now=2)
    assert article_revisions(cache, article_id(cache)) is None
    cache.import_document(feed("Dredging delayed", "Dredging starts in March.", summary_only=True), now=3)
    history = article_revisions(cache, article_id(cache))
    assert history is not None and [v.title for v in history.versions] == [
        "Dredging to start in March",
        "Dredging delayed",
    ]
    assert cache.article(article_id(cache)).body == BODY  # the page's text stays


def test_an_item_a_feed_lists_twice_is_no_revision(cache):
    for now in (1, 2, 3):
        cache.import_document(feed("Dredging to start in March", BODY, twice=True), now=now)
    assert article_revisions(cache, article_id(cache)) is None


def test_opening_the_article_clears_updated_and_sets_what_d_compares(cache):
    cache.import_document(feed("Dredging v1", BODY), now=1)
    cache.set_read([article_id(cache)], True)  # read before it changed
    cache.import_document(feed("Dredging v2", BODY + " Later."), now=2)
    history = article_revisions(cache, article_id(cache))
    assert history is not None and history.read_version == 1
    assert history.base() == (history.versions[0], True)
    assert note_opened(cache, article_id(cache)) is True
    assert note_opened(cache, article_id(cache)) is False  # nothing more to note: no write
    assert not any(updated(cache).values())
    cache.import_document(feed("Dredging v3", BODY + " Later still."), now=3)
    history = article_revisions(cache, article_id(cache))
    assert history is not None and history.read_version == 2 and updated(cache)["Dredging v3"]
    note_opened(cache, article_id(cache))
    history = article_revisions(cache, article_id(cache))
    assert history is not None and (history.read_version, history.diff_from) == (3, 2)
    base, was_read = history.base()
    assert (base.title, was_read) == ("Dredging v2", True)


def test_marking_read_is_seeing_the_current_version(cache):
    cache.import_document(feed("Dredging v1", BODY), now=1)
    cache.set_read([article_id(cache)], True)
    cache.import_document(feed("Dredging v2", BODY + " Later."), now=2)
    other = cache.article_id_for_url("https://quay.test/fares")
    assert note_seen(cache, [other]) == []  # never changed: nothing written
    assert note_seen(cache, [article_id(cache), other]) == [article_id(cache)]
    assert not any(updated(cache).values())
    history = article_revisions(cache, article_id(cache))
    assert history is not None and (history.read_version, history.diff_from) == (2, 1)
    assert history.base() == (history.versions[0], True)  # D still shows what changed since v1
    assert note_seen(cache, [article_id(cache)]) == []


def test_is_updated_finds_the_articles_changed_since_read(cache):
    cache.import_document(feed("Dredging v1", BODY), now=1)
    cache.import_document(feed("Dredging v2", BODY + " Later."), now=2)
    assert [h.title for h in cache.search("is:updated")] == ["Dredging v2"]
    assert [h.title for h in cache.search("-is:updated")] == ["Ferry fares frozen"]
    assert [h.title for h in cache.search("dredging is:updated")] == ["Dredging v2"]
    assert cache.search("fares is:updated") == []
    note_opened(cache, article_id(cache))
    assert cache.search("is:updated") == []  # seen: kept versions do not make it "updated"
    assert len(cache.search("-is:updated")) == 2


def test_is_updated_reads_back_and_contradicts_its_negation():
    query = parse_query("harbour is:updated")
    assert query.updated is True and str(query) == "harbour is:updated"
    assert parse_query(str(query)) == query
    assert parse_query("-is:updated").updated is False
    with pytest.raises(QueryError, match="contradict"):
        parse_query("is:updated -is:updated")
    with pytest.raises(QueryError, match="updated"):
        parse_query("is:revised")  # the hint names it


def test_never_read_compares_with_the_oldest_kept(cache):
    cache.import_document(feed("Dredging v1", BODY), now=1)
    cache.import_document(feed("Dredging v2", BODY + " Later."), now=2)
    history = article_revisions(cache, article_id(cache))
    assert history is not None and history.read_version is None
    note_opened(cache, article_id(cache))
    history = article_revisions(cache, article_id(cache))
    assert history is not None
    base, was_read = history.base()
    assert (base.version, was_read) == (1, False)


def test_deleting_the_article_deletes_its_versions(cache):
    cache.import_document(feed("Dredging v1", BODY), now=1)
    cache.import_document(feed("Dredging v2", BODY + " Later."), now=2)
    with cache.write() as conn:
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id(cache),))
    conn = cache.connection()
    assert conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM revised_articles").fetchone()[0] == 0


def test_a_schema_3_cache_gains_the_revision_tables(tmp_path):
    path = tmp_path / "cache.sqlite3"
    Cache(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(
        "DROP TABLE revisions; DROP TABLE revised_articles; ALTER TABLE articles DROP COLUMN revised;"
        "PRAGMA user_version = 3;"
    )
    conn.close()
    cache = Cache(path)
    try:
        assert cache.connection().execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        cache.import_document(feed("Dredging v1", BODY), now=1)
        cache.import_document(feed("Dredging v2", BODY), now=2)
        history = article_revisions(cache, article_id(cache))
        assert history is not None and len(history.versions) == 2
    finally:
        cache.close()


@pytest.mark.parametrize(
    ("value", "expected", "warned"),
    [("8", 8, False), ("0", 5, True), ("500", 50, True), ('"many"', 5, True), ("2.5", 5, True)],
)
def test_keep_revisions_setting(tmp_path, value, expected, warned):
    paths = Paths.under(tmp_path / "home")
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(f"[ui]\nkeep_revisions = {value}\n", encoding="utf-8")
    config = load_config(paths)
    assert config.ui.keep_revisions == expected
    assert any("keep_revisions" in w for w in config.warnings) is warned


def page(body: str, teaser: str) -> ParsedDocument:
    """A saved page: its main article and a related teaser from the same outlet."""
    main = Article(title="Dredging to start in March", url=URL, source="Quay Courier", body=body)
    related = Article(title="Ferry fares frozen", url="https://quay.test/fares", source="Quay Courier", summary=teaser)
    return ParsedDocument(format="page-dump", main=0, articles=[main, related])


def test_a_page_saved_again_revises_its_main_article_not_its_teasers(cache):
    cache.import_document(page(BODY, "Fares stay."), now=1)
    cache.import_document(page(BODY + " Work starts at night.", "Fares stay as they are until April."), now=2)
    history = article_revisions(cache, article_id(cache))
    assert history is not None and [v.body for v in history.versions] == [BODY, BODY + " Work starts at night."]
    fares = cache.article_id_for_url("https://quay.test/fares")
    assert fares is not None and article_revisions(cache, fares) is None
