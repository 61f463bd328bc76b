"""An article a feed changed says "updated" until the reader sees its current
version: undoing the marking that cleared it says it again, and a read mark
that comes by sync clears it as a marking here does."""

from __future__ import annotations

import pytest

from newsreader.core.models import Article, ParsedDocument
from newsreader.store import Cache, apply_read, article_revisions, note_opened, note_seen

FEED = "https://pier.test/feed.xml"
URL = "https://pier.test/crane"
BODY = "The new crane on pier four was lifted into place on Tuesday."


def pier_feed(title: str, body: str) -> ParsedDocument:
    return ParsedDocument(
        format="rss",
        feed_url=FEED,
        feed_title="Pier Weekly",
        articles=[
            Article(title=title, url=URL, guid="crane", body=body),
            Article(title="Tide tables for May", url="https://pier.test/tides", body="High water at six."),
        ],
    )


@pytest.fixture
def cache(tmp_path):
    cache = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    yield cache
    cache.close()


def crane(cache: Cache, *, read_first: bool) -> int:
    """The crane story stored (read, if ``read_first``), then changed by the feed."""
    cache.import_document(pier_feed("Crane lifted onto pier four", BODY), now=1000)
    article_id = cache.article_id_for_url(URL)
    assert article_id is not None
    if read_first:
        cache.set_read([article_id], True)
    cache.import_document(pier_feed("Crane on pier four fails its load test", BODY + " It failed."), now=2000)
    return article_id


def updated_titles(cache: Cache) -> list[str]:
    return [h.title for h in cache.search("is:updated")]


def mark_all_read(cache: Cache, ids: list[int]) -> list[tuple[int, bool]]:
    """What ``A`` does in the store (tui/screens/jobs.py, change_read): the
    undo step it pushes, with the ones read already as ``(id, True)``."""
    changed = cache.set_read(ids, True)
    made_read = {article_id for article_id, _ in changed}
    return changed + [(i, True) for i in note_seen(cache, ids) if i not in made_read]


@pytest.mark.parametrize("read_first", [False, True])
def test_undoing_mark_all_read_says_updated_again(cache, read_first):
    article_id = crane(cache, read_first=read_first)
    before = article_revisions(cache, article_id)
    assert before is not None and updated_titles(cache) == ["Crane on pier four fails its load test"]
    ids = [h.id for h in cache.headlines()]
    previous = mark_all_read(cache, ids)
    assert updated_titles(cache) == []
    cache.restore_read(previous)
    assert updated_titles(cache) == ["Crane on pier four fails its load test"]
    assert cache.article(article_id).is_read is read_first
    after = article_revisions(cache, article_id)
    assert after is not None and (after.read_version, after.base()) == (before.read_version, before.base())


def test_undoing_an_open_says_updated_again(cache):
    article_id = crane(cache, read_first=False)
    previous = cache.set_read([article_id], True)  # what opening does (jobs.read_article_to_show)
    assert note_opened(cache, article_id) is True
    assert updated_titles(cache) == []
    cache.restore_read(previous)
    assert updated_titles(cache) == ["Crane on pier four fails its load test"]


def test_undoing_mark_unread_does_not_say_updated(cache):
    article_id = crane(cache, read_first=False)
    cache.set_read([article_id], True)
    note_opened(cache, article_id)
    previous = cache.set_read([article_id], False)  # m on the opened article
    cache.restore_read(previous)
    assert cache.article(article_id).is_read and updated_titles(cache) == []


def test_opened_again_before_the_undo_stays_seen(cache):
    article_id = crane(cache, read_first=False)
    previous = mark_all_read(cache, [article_id])
    assert note_opened(cache, article_id) is False  # opened after A: seen, nothing to write
    cache.restore_read(previous)
    assert not cache.article(article_id).is_read and updated_titles(cache) == []


def test_a_newer_version_since_the_marking_is_left_as_it_is(cache):
    article_id = crane(cache, read_first=True)
    previous = mark_all_read(cache, [article_id])
    cache.import_document(pier_feed("Crane on pier four passes a second test", BODY + " It passed."), now=3000)
    cache.restore_read(previous)
    history = article_revisions(cache, article_id)
    assert history is not None and history.read_version == 2  # the version the marking saw
    assert updated_titles(cache) == ["Crane on pier four passes a second test"]


@pytest.mark.parametrize("read_first", [False, True])
def test_a_read_mark_by_sync_clears_updated(cache, read_first):
    article_id = crane(cache, read_first=read_first)
    key = cache.article(article_id).key
    other = cache.article(cache.article_id_for_url("https://pier.test/tides")).key
    apply_read(cache, {key: True, other: False})
    assert cache.article(article_id).is_read and updated_titles(cache) == []
    history = article_revisions(cache, article_id)
    assert history is not None and history.read_version == 2  # D compares with the version read before
    assert history.base() == (history.versions[0], read_first)


def test_an_unread_mark_by_sync_leaves_updated(cache):
    article_id = crane(cache, read_first=True)
    apply_read(cache, {cache.article(article_id).key: False})
    assert updated_titles(cache) == ["Crane on pier four fails its load test"]
