"""Stories of a transaction's imports placed at once (store.DeferredStories),
as a refresh's writer does after the feeds' savepoints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsreader.exchange.files import sample_files
from newsreader.parser import parse
from newsreader.store import DeferredStories
from newsreader.store.cache import Cache
from newsreader.stories.signature import prepare_article
from tests.unit.test_stories_store import page

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    yield c
    c.close()


def _grouping(cache: Cache) -> tuple[set[frozenset[str]], int]:
    """The stories as sets of article keys, and the signatures stored."""
    conn = cache.connection()
    stories = {
        frozenset(r[0].split("\x1f"))
        for r in conn.execute(
            """SELECT group_concat(a.key, char(31)) FROM story_articles m JOIN articles a ON a.id = m.article_id
               GROUP BY m.story_id"""
        )
    }
    return stories, conn.execute("SELECT count(*) FROM story_signatures").fetchone()[0]


def _documents():
    docs = [parse(data, as_of=NOW) for _name, data in sample_files()]
    for doc in docs:  # as a refresh's parse workers hand them over
        for art in doc.articles:
            art.cluster_features = prepare_article(art)
    return docs


def test_a_transactions_stories_at_once_are_those_of_each_import_alone(tmp_path):
    alone = Cache(tmp_path / "alone.sqlite3", tmp_path / "alone-state.sqlite3")
    together = Cache(tmp_path / "together.sqlite3", tmp_path / "together-state.sqlite3")
    try:
        now = int(NOW.timestamp())
        with alone.write():
            for doc in _documents():
                alone.import_document(doc, kind="sample", now=now)
        with together.write() as conn:
            stories = DeferredStories()
            for doc in _documents():
                together.import_document(doc, kind="sample", now=now, stories=stories)
            # Nothing is placed until the transaction's imports are in.
            assert _grouping(together) == (set(), 0)
            touched = stories.assign(conn)
            assert stories.assign(conn) == []  # it starts over
        grouping = _grouping(together)
        assert len(grouping[0]) >= 4 and touched
        assert grouping == _grouping(alone)
    finally:
        alone.close()
        together.close()


def test_an_article_two_imports_bring_is_signed_from_its_text_as_stored(cache):
    """The same article in two feeds of one transaction: what a worker
    prepared for one import need not describe the row after the other, so
    its stored text is read (and signed once, from the last text)."""
    url = "https://example.org/port-calder-strike"
    title = "Port Calder dockworkers strike over crane automation"
    short = page("Harbour Gazette", title, "Dockworkers at Port Calder struck.", url=url)
    longer = page(
        "Harbour Gazette",
        title,
        "Dockworkers at Port Calder struck on Monday over crane automation at Terminal 4, the union said.",
        url=url,
    )
    for doc in (short, longer):
        doc.articles[0].cluster_features = prepare_article(doc.articles[0])
    with cache.write() as conn:
        stories = DeferredStories()
        first = cache.import_document(short, now=int(NOW.timestamp()), stories=stories).article_ids
        second = cache.import_document(longer, now=int(NOW.timestamp()), stories=stories).article_ids
        assert first == second
        assert first[0] not in stories.stored_from_features
        stories.assign(conn)
    row = cache.connection().execute("SELECT terms, postings FROM story_signatures").fetchall()
    assert len(row) == 1 and "terminal" in row[0][0] + row[0][1]
