"""Stories in the cache: incremental assignment, queries, flags, related, CLI."""

from __future__ import annotations

import argparse
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from newsreader.cli.session import open_cache
from newsreader.cli.story_commands import add_stories_command, parse_since, run_stories
from newsreader.core.models import Article, ParsedDocument
from newsreader.exchange.files import load_sample
from newsreader.store.cache import Cache
from newsreader.store.related import related_stories
from newsreader.store.story_rows import (
    followed_with_new_sources,
    list_stories,
    mark_story_seen,
    rebuild_stories,
    set_story_flags,
    stories_for_articles,
    story_of_article,
)
from newsreader.stories.signature import stored_lines

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)

STRIKE = {
    "Harbour Gazette": (
        "Port Calder dockworkers strike over crane automation",
        (
            "Dockworkers at Port Calder walked out at 6am over crane automation at Terminal 4, "
            "after talks with the Port Calder Port Authority collapsed."
        ),
    ),
    "Northern Ledger": (
        "Ships wait off Port Calder as dockworkers strike",
        "Forty-one cargo ships waited off Port Calder as dockworkers struck over crane automation at Terminal 4.",
    ),
    "Tideline Wire": (
        "Port Calder union warns of more strikes over automation",
        (
            "The dockworkers' union at Port Calder warned of rolling strikes unless the Port Calder "
            "Port Authority guarantees jobs at Terminal 4 after crane automation."
        ),
    ),
}


def page(source: str, title: str, body: str, *, hours_ago: float = 1.0, url: str | None = None) -> ParsedDocument:
    return ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(
                title=title,
                source=source,
                body=body,
                url=url,
                published=NOW - timedelta(hours=hours_ago),
                precision="minute",
            )
        ],
    )


def strike(cache: Cache, source: str, *, hours_ago: float = 1.0) -> int:
    title, body = STRIKE[source]
    return cache.import_document(page(source, title, body, hours_ago=hours_ago)).article_ids[0]


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    yield c
    c.close()


def test_two_outlets_make_a_story(cache):
    a = strike(cache, "Harbour Gazette", hours_ago=1)
    b = strike(cache, "Northern Ledger", hours_ago=3)
    other = cache.import_document(
        page(
            "Northern Ledger",
            "Orrin United reach cup semi-final",
            "A stoppage-time winner sent Orrin United into the semi-final.",
        )
    ).article_ids[0]
    conn = cache.connection()
    story = story_of_article(conn, a)
    assert story is not None and story_of_article(conn, b).id == story.id
    # members oldest first: the coverage as a timeline
    assert [m.id for m in story.members] == [b, a]
    assert [m.source for m in story.members] == ["Northern Ledger", "Harbour Gazette"]
    assert (story.source_count, story.article_count) == (2, 2)
    assert story.title == STRIKE["Northern Ledger"][0]
    assert story_of_article(conn, other) is None
    assert [s.id for s in list_stories(conn)] == [story.id]
    found = stories_for_articles(conn, [a, other, b])
    assert set(found) == {a, b} and found[a].id == story.id


def test_one_outlet_alone_is_no_story_until_another_joins(cache):
    first = strike(cache, "Harbour Gazette", hours_ago=5)
    title, body = STRIKE["Northern Ledger"]
    # the same outlet again, about the same strike
    second = cache.import_document(page("Harbour Gazette", title, body, hours_ago=4)).article_ids[0]
    conn = cache.connection()
    assert story_of_article(conn, first) is None and list_stories(conn) == []
    third = strike(cache, "Tideline Wire", hours_ago=1)
    story = story_of_article(conn, third)
    assert story is not None
    assert {m.id for m in story.members} == {first, second, third}
    assert (story.source_count, story.article_count) == (2, 3)


def test_feeds_of_one_outlet_are_one_outlet(cache):
    for n, source in enumerate(("Harbour Gazette", "Northern Ledger")):
        title, body = STRIKE[source]
        doc = ParsedDocument(
            format="rss",
            feed_title="Harbour Gazette",
            articles=[
                Article(title=title, body=body, url=f"https://gazette.example/{n}", published=NOW, precision="exact")
            ],
        )
        cache.import_document(doc, feed_url=f"https://gazette.example/feed/{n}")
    assert list_stories(cache.connection()) == []


def test_importing_again_costs_no_new_signature(cache):
    strike(cache, "Harbour Gazette")
    strike(cache, "Northern Ledger")
    conn = cache.connection()
    counted = conn.execute("SELECT df FROM story_term_df WHERE term = ''").fetchone()[0]
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    strike(cache, "Harbour Gazette")
    conn.set_trace_callback(None)
    assert counted == 2
    assert conn.execute("SELECT df FROM story_term_df WHERE term = ''").fetchone()[0] == 2
    assert not [s for s in statements if "story_signatures(" in s or "story_terms(" in s]


def test_a_longer_body_is_signed_again_but_counted_once(cache):
    summary = ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(
                title="Reserve Bank cuts cash rate",
                source="Meridian Post",
                summary="Rates fall.",
                published=NOW,
                precision="minute",
            ),
        ],
    )
    article_id = cache.import_document(summary).article_ids[0]
    conn = cache.connection()
    q = "SELECT terms, postings FROM story_signatures WHERE article_id = ?"
    before = "\n".join(stored_lines(*conn.execute(q, (article_id,)).fetchone()))
    full = ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(
                title="Reserve Bank cuts cash rate",
                source="Meridian Post",
                published=NOW,
                precision="minute",
                body="The Reserve Bank cut the cash rate to 3.75 percent, its first move lower in 18 months.",
            ),
        ],
    )
    assert cache.import_document(full).article_ids == [article_id]
    after = "\n".join(stored_lines(*conn.execute(q, (article_id,)).fetchone()))
    assert "3.75" in after and "3.75" not in before
    assert conn.execute("SELECT df FROM story_term_df WHERE term = ''").fetchone()[0] == 1
    assert (
        conn.execute(
            "SELECT count(*) FROM story_terms WHERE article_id = ? AND term = 'rates'", (article_id,)
        ).fetchone()[0]
        == 0
    )


def test_assignment_reads_through_indexes(cache):
    """No statement run while assigning scans a table: candidates come from
    the posting lists, stories and signatures are read by key."""
    for source in STRIKE:
        strike(cache, source)
    conn = cache.connection()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    title, body = STRIKE["Northern Ledger"]
    cache.import_document(page("Civic Courier", title + " again", body))
    conn.set_trace_callback(None)
    selects = [s for s in statements if re.match(r"\s*(SELECT|WITH)", s) and "story" in s]
    assert any("story_terms" in s for s in selects) and any("story_signatures" in s for s in selects)
    for sql in selects:
        plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert not re.search(r"\bSCAN (articles|sources|stories|story_\w+)\b", plan), (sql, plan)


def test_features_from_the_parse_workers_are_used_when_they_match(cache, monkeypatch):
    """The writer only weighs features computed in advance; features that do
    not describe the stored text (another body) are computed again."""
    from newsreader.stories import signature

    calls: list[str] = []
    real_prepare = signature.prepare
    monkeypatch.setattr(signature, "prepare", lambda *a: calls.append(a[0]) or real_prepare(*a))
    title, body = STRIKE["Harbour Gazette"]
    doc = page("Harbour Gazette", title, body)
    doc.articles[0].cluster_features = real_prepare(title, body, None)
    first = cache.import_document(doc).article_ids[0]
    assert calls == []
    title, body = STRIKE["Northern Ledger"]
    cache.import_document(page("Northern Ledger", title, body[: len(body) // 2]))
    calls.clear()
    # The same article again with its whole body: the stored row is updated,
    # and features that describe yet another text are not trusted.
    doc = page("Northern Ledger", title, body)
    doc.articles[0].cluster_features = real_prepare(title, body + " A different ending.", None)
    second = cache.import_document(doc).article_ids[0]
    assert calls == [title]
    conn = cache.connection()
    assert story_of_article(conn, first).id == story_of_article(conn, second).id
    stored = conn.execute(
        "SELECT terms, weights, postings FROM story_signatures WHERE article_id = ?", (second,)
    ).fetchone()
    assert "ending" not in signature.Signature.decode(*stored).vector


def test_a_refresh_worker_prepares_the_features(cache):
    from newsreader.feeds.refresh import parse_feed_body
    from newsreader.store import textpack
    from newsreader.stories.signature import prepare

    items = "".join(
        f"<item><title>{title}</title><link>https://{n}.example/a</link><description>{body}</description>"
        f"<pubDate>Thu, 26 Nov 2026 18:00:00 GMT</pubDate></item>"
        for n, (title, body) in enumerate(STRIKE.values())
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()
    doc = parse_feed_body(body, "https://wire.example/feed")
    assert len(doc.articles) == 3
    for art in doc.articles:
        assert art.cluster_features is not None
        # The worker sends the row fields (text deflated) instead of the text.
        assert art.body == "" and art.stored_fields is not None
        stored_text = textpack.unpack(art.stored_fields.body)
        assert art.cluster_features == prepare(art.title, stored_text, art.url)


def test_candidates_come_from_the_days_around_the_article(cache):
    """Articles published long before, however alike and however recently
    imported, neither match nor take the places of one that can."""
    from newsreader.store import storyindex

    title, body = STRIKE["Northern Ledger"]
    strike(cache, "Harbour Gazette", hours_ago=30)
    for n in range(storyindex.MAX_CANDIDATES + 2):  # imported later, published 20 days earlier
        cache.import_document(page(f"Archive {n}", title, body, hours_ago=20 * 24))
    latest = strike(cache, "Northern Ledger", hours_ago=1)
    story = story_of_article(cache.connection(), latest)
    assert story is not None and {m.source for m in story.members} == {"Harbour Gazette", "Northern Ledger"}


def test_remembered_frequencies_follow_rollbacks_and_other_writers(cache, tmp_path):
    """Frequencies remembered between imports are dropped when the stored
    ones changed under them: a rolled-back import, another connection."""
    from newsreader.store.term_frequencies import TermCounts

    conn = cache.connection()

    def remembered(term: str) -> int:
        counts = TermCounts.of(conn)
        counts.load(conn, [[term]])
        return counts.call[term]

    strike(cache, "Harbour Gazette")
    assert remembered("crane") == 1
    with pytest.raises(RuntimeError), cache.write():
        strike(cache, "Northern Ledger")
        raise RuntimeError("the import fails after clustering")
    assert remembered("crane") == 1
    other = Cache(tmp_path / "cache.sqlite3", tmp_path / "state.sqlite3")
    try:
        strike(other, "Tideline Wire")
    finally:
        other.close()
    assert remembered("crane") == 2
    assert [r[0] for r in conn.execute("SELECT df FROM story_term_df WHERE term IN ('', 'crane')")] == [2, 2]


def test_common_features_are_counted_in_steps_that_keep_the_count():
    from newsreader.store.term_frequencies import EXACT_DF, stepped

    # rare features: exactly
    assert [stepped(EXACT_DF, n, 12345) for n in (1, 2, 7)] == [1, 2, 7]
    # common ones: whole steps of a power of two, about df / EXACT_DF
    stored = 40 * EXACT_DF
    step = 32
    results = [stepped(stored, 3, draw) for draw in range(step * 10)]
    assert set(results) == {0, step}
    assert sum(results) / len(results) == 3
    assert stepped(stored, 2 * step + 1, 0) in (2 * step, 3 * step)


def test_deleting_articles_keeps_stories_consistent(cache):
    ids = {source: strike(cache, source) for source in STRIKE}
    conn = cache.connection()
    story_id = story_of_article(conn, ids["Harbour Gazette"]).id
    with cache.write() as w:
        w.execute("DELETE FROM articles WHERE id = ?", (ids["Tideline Wire"],))
    story = story_of_article(conn, ids["Harbour Gazette"])
    assert (story.source_count, story.article_count) == (2, 2)
    assert (
        conn.execute("SELECT count(*) FROM story_terms WHERE article_id = ?", (ids["Tideline Wire"],)).fetchone()[0]
        == 0
    )
    with cache.write() as w:
        w.execute("DELETE FROM articles WHERE id = ?", (ids["Northern Ledger"],))
    # one outlet left: no longer shown as a story
    assert story_of_article(conn, ids["Harbour Gazette"]) is None and list_stories(conn) == []
    with cache.write() as w:
        w.execute("DELETE FROM articles WHERE id = ?", (ids["Harbour Gazette"],))
    assert conn.execute("SELECT count(*) FROM stories WHERE id = ?", (story_id,)).fetchone()[0] == 0


def test_mute_and_follow(cache):
    a = strike(cache, "Harbour Gazette")
    strike(cache, "Northern Ledger")
    conn = cache.connection()
    story_id = story_of_article(conn, a).id
    with cache.write() as w:
        assert set_story_flags(w, story_id, followed=True)
        assert not set_story_flags(w, 9999, muted=True)
    assert followed_with_new_sources(conn) == []
    strike(cache, "Tideline Wire")
    updated = followed_with_new_sources(conn)
    assert [s.id for s in updated] == [story_id] and updated[0].new_sources == 1
    with cache.write() as w:
        mark_story_seen(w, story_id)
        set_story_flags(w, story_id, muted=True)
    assert followed_with_new_sources(conn) == []
    story = story_of_article(conn, a)
    assert story.muted and story.followed
    assert list_stories(conn, include_muted=False) == []
    assert [s.id for s in list_stories(conn)] == [story_id]


def test_rebuild_gives_the_incremental_grouping(cache):
    load_sample(cache, as_of=NOW)
    conn = cache.connection()

    def grouping() -> set[frozenset[str]]:
        return {frozenset(m.title for m in s.members) for s in list_stories(conn)}

    before = grouping()
    assert len(before) == 4
    with cache.write() as w:
        assert rebuild_stories(w) == 4
    assert grouping() == before


def test_a_batch_clusters_as_its_articles_one_by_one(cache, monkeypatch):
    """Articles assigned in one call (a feed, or a rebuild's thousands)
    find each other and the stored ones exactly as when each comes alone:
    the same signatures, postings and stories (the sample's documents list
    articles of several outlets and stories)."""
    from newsreader.store import ingest, story_rows
    from newsreader.store.term_frequencies import TermCounts

    calls: list[list[int]] = []
    real_assign = story_rows.assign_stories
    monkeypatch.setattr(
        ingest, "assign_stories", lambda conn, ids, **kw: calls.append(list(ids)) or real_assign(conn, ids, **kw)
    )
    load_sample(cache, as_of=NOW)
    conn = cache.connection()

    def state() -> tuple:
        stories = {
            frozenset(r[1:].split(","))
            for (r,) in conn.execute("SELECT ',' || group_concat(article_id) FROM story_articles GROUP BY story_id")
        }
        signatures = conn.execute(
            "SELECT article_id, terms, weights, postings FROM story_signatures ORDER BY 1"
        ).fetchall()
        postings = conn.execute("SELECT * FROM story_terms ORDER BY 1, 2, 3").fetchall()
        return stories, [tuple(r) for r in signatures], [tuple(r) for r in postings]

    order = list(dict.fromkeys(i for ids in calls for i in ids))
    results = []
    # As the documents came (an article seen again is not signed again),
    # each article alone, and all in one call.
    for batches in (calls, [[i] for i in order], [order]):
        with cache.write() as w:
            for table in ("story_articles", "stories", "story_signatures", "story_terms", "story_term_df"):
                w.execute(f"DELETE FROM {table}")
            TermCounts.forget(w)
            for ids in batches:
                real_assign(w, ids, now=int(NOW.timestamp()))
        results.append(state())
    assert any(len(ids) > 1 for ids in calls) and len(results[0][0]) >= 4
    assert results[0] == results[1] == results[2]


def test_related_same_story_comes_from_the_story(cache):
    load_sample(cache, as_of=NOW)
    conn = cache.connection()
    main = next(s for s in list_stories(conn) if "Port Calder" in s.title)
    walkout = next(m for m in main.members if m.title.startswith("Port Calder dockworkers walk out"))
    rows = related_stories(cache, walkout.id)
    same = [r for r in rows if r.reason == "same-story"]
    assert [r.id for r in same] == [m.id for m in main.members if m.id != walkout.id]
    # the page's own related block stays, minus what is already the story
    page = [r for r in rows if r.reason == "page"]
    assert [r.title for r in page] == ["Strait ferries publish winter timetable with fewer late-night sailings"]
    assert rows[: len(same)] == same
    assert not {r.id for r in rows if r.reason == "similar"} & {m.id for m in main.members}


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_stories_command(parser.add_subparsers(dest="command"))
    code = run_stories(parser.parse_args(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_stories_command(nr_home, capsys):
    cache = open_cache()
    load_sample(cache)
    cache.close()
    code, out, _ = run_cli(["stories", "--json"], capsys)
    assert code == 0
    stories = json.loads(out)
    assert len(stories) == 4
    for story in stories:
        assert set(story) == {"id", "title", "sources", "articles"}
        assert len(story["sources"]) >= 2
        assert {a["source"] for a in story["articles"]} == set(story["sources"])
        assert all(set(a) == {"id", "title", "source", "url", "published"} for a in story["articles"])
    titles = {a["title"] for s in stories for a in s["articles"]}
    assert "Rate cut explained: what 3.75% means for mortgages, savings and rent" in titles
    assert "Port Calder waterfront housing plan goes out for public consultation" not in titles
    code, out, _ = run_cli(["stories"], capsys)
    assert code == 0 and "4 sources" in out and "Storm Corvina" in out
    code, out, _ = run_cli(["stories", "--since", "2999-01-01", "--json"], capsys)
    assert (code, json.loads(out)) == (0, [])
    code, _, err = run_cli(["stories", "--since", "last tuesday"], capsys)
    assert code == 2 and "--since" in err


def test_parse_since():
    assert parse_since("3d", now=1_000_000) == 1_000_000 - 3 * 86400
    assert parse_since("2025-06-09T12:00:00Z") == int(datetime(2025, 6, 9, 12, tzinfo=UTC).timestamp())
    with pytest.raises(ValueError):
        parse_since("soon")
