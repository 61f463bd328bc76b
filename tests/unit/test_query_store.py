"""Running queries on a real cache: results, ranking, filters, and inert user text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.core.models import Article, ParsedDocument
from newsreader.search.language import QueryError, parse_query
from newsreader.store import search_filters
from newsreader.store import searching as store_query
from newsreader.store.cache import Cache
from newsreader.store.searching import count_articles, match_expression, resolve_sources, search_articles

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def at(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


def story(title, source, body, published, tags=()):
    return Article(
        title=title,
        source=source,
        body=body,
        published=published,
        precision="minute" if isinstance(published, datetime) else "day",
        tags=list(tags),
    )


ARTICLES = {
    "pilots": story(
        "Harbour pilots agree new contract",
        "Harbour Gazette",
        "Pilots in Port Calder agreed a four-year contract on Tuesday.",
        at(1),
        ["local", "Business"],
    ),
    "ferry": story(
        "Ferry timetable changes for winter",
        "Harbour Gazette",
        "The winter timetable brings fewer late sailings from the harbour.",
        at(0.1),
        ["transport"],
    ),
    "lighthouse": story(
        "Lighthouse restoration wins heritage grant",
        "Northern Ledger",
        "The old lighthouse at Skerry Point will be restored.",
        date(2026, 11, 20),
        ["heritage"],
    ),
    "bridge": story(
        "Harbour bridge closed for repairs",
        "Sky News AU",
        "The harbour bridge is closed to traffic while engineers repair it.",
        at(56),
        ["World"],
    ),
    "photos": story(
        "Old photographs found in a loft",
        "Northern Ledger",
        "Photographs of the harbour in 1920 were found in a loft.",
        None,
        ["heritage", "world-cup"],
    ),
    "pilotage": story(
        "Pilotage fees rise next year",
        "Sky News AU",
        "Pilotage fees for cargo ships rise by four percent.",
        at(0.2),
        ["world-cup"],
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("querystore")
    cache = Cache(base / "cache.sqlite3", base / "state.sqlite3")
    names = list(ARTICLES)
    stats = cache.import_document(
        ParsedDocument(format="page-dump", articles=list(ARTICLES.values())), now=int(NOW.timestamp())
    )
    ids = dict(zip(names, stats.article_ids, strict=True))
    cache.set_read([ids["pilots"], ids["bridge"]])
    keys = {name: cache.article(i).key for name, i in ids.items()}
    yield cache, ids, keys
    cache.close()


def found(built, text, *, bookmarks=(), limit=50, offset=0):
    cache, ids, keys = built
    by_id = {i: name for name, i in ids.items()}
    rows = search_articles(
        cache, parse_query(text), bookmarked_keys=[keys[b] for b in bookmarks], limit=limit, offset=offset, now=NOW
    )
    return [by_id[r.id] for r in rows]


# -- words -------------------------------------------------------------------------


def test_words_must_all_appear(built):
    assert set(found(built, "harbour")) == {"pilots", "ferry", "bridge", "photos"}
    assert found(built, "harbour bridge") == ["bridge"]


def test_phrase_needs_the_words_together(built):
    assert found(built, '"port calder"') == ["pilots"]
    assert found(built, '"calder port"') == []


def test_prefix(built):
    assert set(found(built, "pilot*")) == {"pilots", "pilotage"}
    assert found(built, "pilot") == []  # a word is a whole word


def test_negated_words(built):
    assert set(found(built, "harbour -bridge")) == {"pilots", "ferry", "photos"}
    assert set(found(built, '-harbour -"heritage grant"')) == {"pilotage"}


def test_accents_and_case_do_not_matter(built):
    assert found(built, "SKÉRRY") == ["lighthouse"]


# -- filters ------------------------------------------------------------------------


def test_source_by_name_any_case_then_by_part(built):
    assert set(found(built, 'source:"harbour gazette"')) == {"pilots", "ferry"}
    assert set(found(built, "source:ledger")) == {"lighthouse", "photos"}
    assert found(built, 'source:"Sky News AU" harbour') == ["bridge"]
    assert found(built, "source:nowhere harbour") == []
    assert set(found(built, "source:ledger source:sky")) == {"lighthouse", "photos", "bridge", "pilotage"}
    assert set(found(built, "harbour -source:gazette")) == {"bridge", "photos"}


def test_source_exact_name_wins_over_part(built):
    cache, _, _ = built
    assert resolve_sources(cache, ["Northern Ledger"]) == resolve_sources(cache, ["northern  LEDGER"])
    assert len(resolve_sources(cache, ["e"])) == 3  # every name holds an "e"


def test_tag_is_exact_and_ignores_case(built):
    assert set(found(built, "tag:heritage")) == {"lighthouse", "photos"}
    assert found(built, "tag:business") == ["pilots"]
    assert found(built, "tag:world") == ["bridge"]  # not "world-cup"
    assert set(found(built, "tag:world-cup")) == {"photos", "pilotage"}
    assert found(built, "tag:heritage tag:world-cup") == ["photos"]  # all of them
    assert set(found(built, "harbour -tag:heritage")) == {"pilots", "ferry", "bridge"}
    assert found(built, "tag:%") == [] and found(built, "tag:_orld") == []  # LIKE wildcards are literal


def test_read_state(built):
    assert set(found(built, "is:read")) == {"pilots", "bridge"}
    assert set(found(built, "harbour is:unread")) == {"ferry", "photos"}
    assert set(found(built, "harbour -is:unread")) == {"pilots", "bridge"}


def test_bookmarked_uses_the_keys_the_caller_passes(built):
    assert found(built, "is:bookmarked") == []
    assert set(found(built, "is:bookmarked", bookmarks=["bridge", "lighthouse"])) == {"bridge", "lighthouse"}
    assert found(built, "harbour is:bookmarked", bookmarks=["bridge", "lighthouse"]) == ["bridge"]
    assert set(found(built, "harbour -is:bookmarked", bookmarks=["bridge"])) == {"pilots", "ferry", "photos"}
    assert set(found(built, "harbour -is:bookmarked")) == {"pilots", "ferry", "bridge", "photos"}


def test_dates(built):
    assert set(found(built, "after:2026-11-25")) == {"pilots", "ferry", "pilotage"}
    assert set(found(built, "before:2026-11-21")) == {"lighthouse", "bridge"}  # a day counts at its noon
    assert found(built, "after:2026-11-20 before:2026-11-21") == ["lighthouse"]
    assert set(found(built, "after:today")) == {"ferry", "pilotage"}
    assert set(found(built, "after:yesterday")) == {"pilots", "ferry", "pilotage"}
    assert set(found(built, "harbour after:7d")) == {"pilots", "ferry"}
    assert found(built, "harbour before:30d") == ["bridge"]  # undated ones match no date


def test_filters_combine(built):
    text = 'harbour source:"Harbour Gazette" is:unread after:7d tag:transport'
    assert found(built, text) == ["ferry"]
    assert found(built, text.replace("is:unread", "is:read")) == []


def test_filters_alone_are_newest_first(built):
    assert found(built, "source:ledger") == ["lighthouse", "photos"]  # undated last
    assert found(built, "-is:read") == ["ferry", "pilotage", "lighthouse", "photos"]


# -- ranking --------------------------------------------------------------------------


def test_equal_matches_newest_first(tmp_path):
    cache = Cache(tmp_path / "c.sqlite3", tmp_path / "s.sqlite3")
    body = "The regatta on the estuary drew a large crowd of spectators."
    doc = ParsedDocument(
        format="page-dump",
        articles=[
            story("Regatta report", "Estuary Post", body, at(30)),
            story("Regatta report", "Bay Courier", body, at(1)),
            story("Regatta report", "Cove Herald", body, at(9)),
        ],
    )
    ids = cache.import_document(doc, now=int(NOW.timestamp())).article_ids
    rows = search_articles(cache, parse_query("regatta"), now=NOW)
    assert [r.id for r in rows] == [ids[1], ids[2], ids[0]]
    cache.close()


def test_recency_lifts_a_slightly_weaker_fresh_match(tmp_path):
    cache = Cache(tmp_path / "c.sqlite3", tmp_path / "s.sqlite3")
    filler = " The council met on Monday to discuss the budget for next year."
    old = story("Council notes", "Estuary Post", "The regatta and the regatta crowd." + filler, at(90))
    fresh = story("Council diary", "Bay Courier", "The regatta crowd." + filler, at(0.5))
    ids = cache.import_document(
        ParsedDocument(format="page-dump", articles=[old, fresh]), now=int(NOW.timestamp())
    ).article_ids
    by_relevance = [i for i, _ in cache.fts_match(match_expression(parse_query("regatta")))]
    assert by_relevance == [ids[0], ids[1]]  # bm25 alone prefers the old one
    assert [r.id for r in search_articles(cache, parse_query("regatta"), now=NOW)] == [ids[1], ids[0]]
    cache.close()


def test_a_much_better_old_match_still_wins(tmp_path):
    cache = Cache(tmp_path / "c.sqlite3", tmp_path / "s.sqlite3")
    filler = " Residents were told about changes to parking, bins and the library hours." * 3
    old = story(
        "Regatta regatta: the estuary regatta returns", "Estuary Post", "The regatta returns." + filler, at(365)
    )
    fresh = story("Council diary", "Bay Courier", "Mentions a regatta once." + filler, at(0))
    ids = cache.import_document(
        ParsedDocument(format="page-dump", articles=[old, fresh]), now=int(NOW.timestamp())
    ).article_ids
    assert [r.id for r in search_articles(cache, parse_query("regatta"), now=NOW)] == [ids[0], ids[1]]
    cache.close()


def test_title_matches_count_more(built):
    assert found(built, "lighthouse")[:1] == ["lighthouse"]
    assert found(built, "pilot*")[0] == "pilotage"  # fresher, and "Pilotage" in its title


# -- paging, counting, the plans ---------------------------------------------------------


def test_pages_follow_on(built):
    whole = found(built, "harbour", limit=10)
    assert found(built, "harbour", limit=2) + found(built, "harbour", limit=2, offset=2) == whole


@pytest.mark.parametrize(
    "text",
    [
        "harbour",
        "pilot*",
        "harbour -bridge",
        "tag:heritage",
        "is:unread",
        "harbour is:bookmarked",
        "-harbour",
        "source:ledger after:2026-11-01",
        "nothing-here",
        "is:bookmarked",
    ],
)
def test_count_agrees_with_search(built, text):
    cache, _, keys = built
    query = parse_query(text)
    assert count_articles(cache, query, bookmarked_keys=[keys["bridge"]], now=NOW) == len(
        search_articles(cache, query, bookmarked_keys=[keys["bridge"]], limit=100, now=NOW)
    )


def big_cache(tmp_path, n=60):
    """Many matches of one word over 60 days, from three sources, every third tagged."""
    cache = Cache(tmp_path / "big.sqlite3", tmp_path / "bigstate.sqlite3")
    articles = [
        story(
            f"Tide report number {i}",
            ["Estuary Post", "Bay Courier", "Cove Herald"][i % 3],
            "High tide " * (1 + i % 4) + f"and a note {i}.",
            at(i),
            ["surf"] if i % 3 == 0 else [],
        )
        for i in range(n)
    ]
    cache.import_document(ParsedDocument(format="page-dump", articles=articles), now=int(NOW.timestamp()))
    return cache


@pytest.mark.parametrize(
    "text",
    [
        "tide",
        "tide source:cove",
        "tide tag:surf",
        "tide is:unread tag:surf",
        "tide -tag:surf source:bay",
        "tid*",
        "tide before:40d",
        "tide -high",
    ],
)
@pytest.mark.parametrize("exact_limit", [0, 5])
def test_windowed_plans_find_what_the_exact_plan_finds(tmp_path, monkeypatch, text, exact_limit):
    cache = big_cache(tmp_path)
    query = parse_query(text)
    expected = search_articles(cache, query, limit=100, now=NOW)
    monkeypatch.setattr(store_query, "EXACT_LIMIT", exact_limit)
    monkeypatch.setattr(store_query, "WINDOW", 3)
    # A page larger than the result set: the window widens until the answer is complete.
    assert search_articles(cache, query, limit=100, now=NOW) == expected
    assert count_articles(cache, query, now=NOW) == len(expected)
    # A small page is full, and everything on it matches.
    page = search_articles(cache, query, limit=4, now=NOW)
    assert len(page) == min(4, len(expected)) and set(page) <= set(expected)
    cache.close()


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("source:cove is:unread", "(source_id=?)"),  # a source's few, not every unread article
        ("tide is:unread", "articles_read_time"),  # the window's unread ones, from the index alone
    ],
)
def test_read_state_filters_take_the_narrow_index(tmp_path, monkeypatch, text, index):
    cache = big_cache(tmp_path)
    monkeypatch.setattr(store_query, "EXACT_LIMIT", 0)  # "tide" is in every article: the window plan
    conn = cache.connection()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    search_articles(cache, parse_query(text), limit=5, now=NOW)
    conn.set_trace_callback(None)
    ranked = [s for s in statements if s.lstrip().startswith("SELECT") and "ORDER BY" in s and "LIMIT" in s][-1]
    plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + ranked))
    assert index in plan, plan
    assert text.startswith("tide") or "articles_read_time" not in plan, plan
    cache.close()


def test_a_window_alone_is_checked_on_the_matches_not_made_an_id_set(tmp_path, monkeypatch):
    cache = big_cache(tmp_path)
    monkeypatch.setattr(store_query, "EXACT_LIMIT", 0)
    monkeypatch.setattr(store_query, "WINDOW", 3)
    statements: list[str] = []
    cache.connection().set_trace_callback(statements.append)
    search_articles(cache, parse_query("tide"), limit=5, now=NOW)  # the window plan, no other filter
    search_articles(cache, parse_query("tide is:unread"), limit=5, now=NOW)
    cache.connection().set_trace_callback(None)
    ranked = [s for s in statements if s.lstrip().startswith("SELECT") and "bm25" in s]
    alone = [s for s in ranked if "a.is_read = " not in s]
    assert alone and all("IN (SELECT a.id" not in s and "a.published_ts >=" in s for s in alone)
    # With another filter, the window's time narrows that filter's id set.
    assert any("IN (SELECT a.id FROM articles a WHERE a.is_read = 0 AND a.published_ts >=" in s for s in ranked)
    cache.close()


def test_a_window_that_found_few_widens_by_what_it_found(tmp_path, monkeypatch):
    cache = big_cache(tmp_path)
    query = parse_query("tid*")  # a prefix: no count to size the first window
    monkeypatch.setattr(store_query, "WINDOW", 3)
    expected = search_articles(cache, query, limit=30, now=NOW)
    windows = []
    ranked = store_query._ranked
    monkeypatch.setattr(store_query, "_ranked", lambda *a, **kw: windows.append(kw["window"]) or ranked(*a, **kw))
    assert search_articles(cache, query, limit=30, now=NOW) == expected and len(expected) == 30
    # 3 newest articles found 3 matches: the next window holds the 30 wanted
    # at once, where widening fourfold took 3, 12, 48 and then everything.
    assert len(windows) == 2 and windows[-1] is not None
    cache.close()


def test_the_tag_table_gives_the_same_answers_as_the_tags_json(tmp_path, monkeypatch):
    cache = big_cache(tmp_path)
    texts = ["tide tag:surf", "tag:SURF", "tide -tag:surf", "tag:nothing"]
    assert search_filters.has_tag_table(cache.connection())  # the schema keeps tags as rows
    with_table = [search_articles(cache, parse_query(t), now=NOW) for t in texts]
    monkeypatch.setattr(search_filters, "has_tag_table", lambda conn: False)  # read each article's JSON instead
    assert [search_articles(cache, parse_query(t), now=NOW) for t in texts] == with_table
    assert any(with_table)
    cache.close()


# -- user text stays text ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "NEAR(harbour bridge)",
        "harbour OR ferry",
        "harbour AND",
        "^harbour",
        '{title}" harbour',
        "harbour NOT bridge",
        '"harbour" "',
        "harbour'; DROP TABLE articles; --",
        "*harbour*",
    ],
)
def test_fts5_and_sql_syntax_in_user_text_is_inert(built, text):
    cache, _, _ = built
    rows = search_articles(cache, parse_query(text), now=NOW)
    assert isinstance(rows, list)
    assert cache.totals()[0] == len(ARTICLES)


def test_operators_are_words_to_find(built):
    assert found(built, "harbour OR ferry") == []  # no story has the word "or"
    assert found(built, "harbour NOT bridge") == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(list("harbourpilot \"*-():^{}.,'NEAROT\\é") + ["source:", "tag:", "is:", "after:7d"]),
        max_size=40,
    ).map("".join)
)
def test_any_query_runs_without_a_database_error(built, text):
    cache, _, _ = built
    try:
        query = parse_query(text)
    except QueryError:
        return
    search_articles(cache, query, now=NOW)
    count_articles(cache, query, now=NOW)


# -- Cache.search, the string API ---------------------------------------------------------


def test_cache_search_takes_the_language(built):
    cache, ids, keys = built
    assert [r.id for r in cache.search('source:"Sky News AU" harbour')] == [ids["bridge"]]
    assert [r.id for r in cache.search("is:bookmarked", bookmarked_keys=[keys["photos"]])] == [ids["photos"]]
    assert cache.search("after:tomorow harbour") == []  # does not parse: nothing, no exception
    assert cache.search("") == [] and cache.search(" ( ") == []
    assert len(cache.search("harbour", limit=2)) == 2


def test_a_damaged_extras_value_does_not_break_a_tag_search(tmp_path):
    cache = big_cache(tmp_path, n=6)
    with cache.write() as conn:
        conn.execute("""UPDATE articles SET extras = '{"tags": ["surf"' WHERE id = 1""")
    rows = search_articles(cache, parse_query("tag:surf"), now=NOW)
    assert 1 not in {r.id for r in rows} and rows
    cache.close()
