"""Stored signatures keep each posted term once: an empty line in ``terms``
and the term in ``postings``. Rows written whole (before) read the same."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from newsreader.core.models import Article, ParsedDocument
from newsreader.store.cache import Cache
from newsreader.store.similar import signature_of
from newsreader.store.story_rows import story_of_article
from newsreader.stories import clustering, signature
from newsreader.stories.features import article_features

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)

FLOOD = {
    "Quillon Herald": (
        "Marrow River floods Quillon lower town overnight",
        "The Marrow River broke its banks at Quillon overnight, flooding the lower town and the Saltgate bridge.",
    ),
    "Brindle Courier": (
        "Quillon lower town under water as Marrow River floods",
        "Floodwater from the Marrow River covered the lower town of Quillon and closed the Saltgate bridge.",
    ),
    "Eastmoor Daily": (
        "Saltgate bridge shut after Marrow River floods Quillon",
        "Quillon shut the Saltgate bridge after the Marrow River flooded its lower town overnight.",
    ),
}


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    yield c
    c.close()


def store(cache: Cache, source: str) -> int:
    title, body = FLOOD[source]
    article = Article(title=title, source=source, body=body, published=NOW - timedelta(hours=1), precision="minute")
    return cache.import_document(ParsedDocument(format="page-dump", main=0, articles=[article])).article_ids[0]


def row(cache: Cache, article_id: int) -> tuple[str, bytes, str]:
    return tuple(  # type: ignore[return-value]
        cache.connection()
        .execute("SELECT terms, weights, postings FROM story_signatures WHERE article_id = ?", (article_id,))
        .fetchone()
    )


def posted_rows(cache: Cache, article_id: int) -> list[str]:
    return [
        r[0]
        for r in cache.connection().execute(
            "SELECT term FROM story_terms WHERE article_id = ? ORDER BY term", (article_id,)
        )
    ]


def test_posted_terms_are_stored_once_and_read_back_whole():
    feats = article_features("Marrow River floods Quillon", "The Marrow River flooded Quillon's lower town.")
    sig = signature.build_signature(feats, 1000, {t: 3 for t in feats.counts})
    posted = list(sig.postings)
    text, weights, in_terms = sig.encode_posted(posted)
    lines = text.split("\n")
    assert sorted(in_terms) == sorted(posted) and lines.count("") == len(posted)
    assert not set(posted) & set(lines)
    assert signature.Signature.decode(text, weights, json.dumps(in_terms)) == sig
    # the posted terms fill the empty lines in the order they stand
    full, _ = sig.encode()
    assert signature.stored_lines(text, json.dumps(in_terms)) == full.split("\n")
    # escaped JSON reads too; nothing posted, and nothing at all, as before
    assert signature.stored_lines("\nb\n", '["a\\"q","c"]') == ['a"q', "b", "c"]
    assert signature.stored_lines("\nb\n", '["a","c"]') == ["a", "b", "c"]
    assert signature.stored_lines("a\nb", "[]") == ["a", "b"]
    assert signature.stored_lines("", "[]") == [] and signature.stored_lines("", '["x"]') == ["x"]
    other = signature.build_signature(feats, 900, {t: 5 for t in feats.counts})
    assert clustering.stored_scores(other, text, weights, json.dumps(in_terms)) == clustering.stored_scores(
        other, full, weights
    )


def test_deleting_an_article_removes_exactly_its_posting_rows(cache):
    ids = {source: store(cache, source) for source in FLOOD}
    gone, kept = ids["Eastmoor Daily"], ids["Quillon Herald"]
    terms, _weights, postings = row(cache, gone)
    assert "" in terms.split("\n")  # the new spelling
    assert sorted(json.loads(postings)) == posted_rows(cache, gone) != []
    before = posted_rows(cache, kept)
    with cache.write() as w:
        w.execute("DELETE FROM articles WHERE id = ?", (gone,))
    assert posted_rows(cache, gone) == [] and posted_rows(cache, kept) == before


def test_a_row_written_whole_reads_the_same_and_is_deleted_cleanly(cache):
    old = store(cache, "Brindle Courier")
    new_spelling = signature_of(cache.connection(), old)
    assert new_spelling is not None and new_spelling.vector
    # As caches written before stored it: every term a line, postings apart.
    whole, _weights = new_spelling.encode()
    with cache.write() as w:
        w.execute(
            "UPDATE story_signatures SET terms = ?, postings = ? WHERE article_id = ?",
            (whole, json.dumps(list(new_spelling.postings)), old),
        )
    assert "" not in row(cache, old)[0].split("\n")
    assert signature_of(cache.connection(), old) == new_spelling
    # The only candidate of the next article is read from it: they make a story.
    joined = store(cache, "Quillon Herald")
    story = story_of_article(cache.connection(), old)
    assert story is not None and story_of_article(cache.connection(), joined) == story
    with cache.write() as w:
        w.execute("DELETE FROM articles WHERE id = ?", (old,))
    assert posted_rows(cache, old) == [] and posted_rows(cache, joined) != []
