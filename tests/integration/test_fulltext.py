"""Full text for summary-only feed items, against a page server on 127.0.0.1.

The pages are invented: a news story wrapped in navigation, an advert,
comments and a related box; an index page; a paywall stub; a PDF. Every
failure must keep the feed's summary and say why.
"""

from __future__ import annotations

import argparse
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest

from newsreader.config.settings import FeedConfig, FetchConfig
from newsreader.core.models import Article, ParsedDocument
from newsreader.feeds.fulltext import extract_page, fetch_full_text
from newsreader.feeds.refresh import Refresher
from newsreader.store.cache import Cache
from newsreader.store.fulltext_queue import candidates, read_article
from newsreader.tui import display
from tests.support.feedserver import LocalServer

NOW = datetime(2031, 5, 6, 12, 0, tzinfo=UTC)

# -- pages ---------------------------------------------------------------------

STORY_PARAGRAPHS = [
    "The tidal mill at Brackwater turned again on Saturday for the first time in sixty years, after "
    "volunteers spent three winters rebuilding its oak wheel and clearing the silted race by hand.",
    "Miller Ondine Carrow, who led the restoration, said the first sacks of flour would go to the village "
    "bakery, which has promised a loaf named after the mill. The crowd on the causeway cheered as the sluice opened.",
    "Engineers from the county heritage office checked the wheel's bearings twice before the tide turned. "
    "They found that the old quillwort growing in the millpond had kept the stonework damp and sound for decades.",
    "The mill will open to visitors on spring tides from June, and the trust hopes to grind grain every "
    "month once a second wheelwright has been trained. School groups have already booked the first visits.",
    "Funding came from a lottery grant, a harvest auction and hundreds of small donations collected in a "
    "jar at the post office, which the trust says paid for the new paddles and the iron shaft.",
]


def story_page(title: str = "Tidal mill turns again after sixty years", paragraphs=STORY_PARAGRAPHS) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | The Brackwater Gazette</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="The Brackwater Gazette">
<meta name="author" content="Ilse Marren"></head><body>
<nav class="main-nav"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<div class="ad-slot"><p>ADVERTISEMENT: Snapdrake boots, half price this weekend only at every branch.</p></div>
<main><article><h1>{title}</h1><p class="byline">By Ilse Marren</p>{body}</article>
<aside class="related-stories"><h2>Related stories</h2><ul>
<li><a href="/a">Ferry fares frozen for the summer</a></li><li><a href="/b">Harbour wall repairs begin</a></li></ul></aside>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>Zephyrcat wrote: lovely to see the old wheel turning, well done to everyone involved!</p></div></section>
</main><footer><p>Copyright The Brackwater Gazette. All rights reserved.</p></footer></body></html>""".encode()


INDEX_PAGE = (
    "<!DOCTYPE html><html><head><title>Latest news | The Brackwater Gazette</title></head><body>"
    "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav></header>"
    "<main><h1>Latest news</h1>"
    + "".join(
        f"<div class='teaser'><h2><a href='/s/{n}'>Harbour story number {n} for the week</a></h2>"
        f"<p>A short teaser for story {n}, with a line about the harbour.</p><a href='/s/{n}'>Read more</a></div>"
        for n in range(8)
    )
    + "</main><footer><p>Copyright The Brackwater Gazette.</p></footer></body></html>"
).encode()

PAYWALL_PAGE = b"""<!DOCTYPE html><html><head><title>Why the mill pond froze | The Ledger</title>
<meta property="og:type" content="article">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Why the mill pond froze", "isAccessibleForFree": "False"}</script></head>
<body><article><h1>Why the mill pond froze</h1>
<p>The mill pond at Brackwater froze solid for the first time in living memory this week.</p>
<div class="paywall"><h2>Subscribe to keep reading</h2><p>Already a subscriber? Sign in.</p></div>
</article></body></html>"""

SUMMARY = "The Brackwater tidal mill has turned again after sixty years."


class PageServer(LocalServer):
    """Serves ``pages`` (path -> (status, content type, body)) with optional delays,
    counting requests per path and the most in flight at once."""

    def __init__(
        self, pages: dict[str, tuple[int, str, bytes]] | None = None, delays: dict[str, float] | None = None
    ) -> None:
        super().__init__()
        self.pages = dict(pages or {})
        self.delays = dict(delays or {})
        self.requests: dict[str, int] = {}
        self.active = self.peak = 0
        self.lock = threading.Lock()

    def do_get(self, request: BaseHTTPRequestHandler, path: str) -> None:
        with self.lock:
            self.requests[path] = self.requests.get(path, 0) + 1
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delays.get(path, self.delays.get("*", 0.0)))
            status, content_type, body = self.pages.get(path, (404, "text/plain", b"not here"))
            headers = {"Content-Type": content_type}
            if status == 429:
                headers["Retry-After"] = "120"
            self.send(request, status, body, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)
        finally:
            with self.lock:
                self.active -= 1

    def url(self, path: str) -> str:
        return self.base + path


def html(body: bytes, status: int = 200) -> tuple[int, str, bytes]:
    return status, "text/html; charset=utf-8", body


def feed_xml(server: PageServer, name: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{name} story {n}</title><link>{server.url(path)}</link><guid>{name}-{n}</guid>"
        f"<pubDate>Tue, 06 May 2031 0{n}:00:00 GMT</pubDate><description>{SUMMARY} ({name} {n})</description></item>"
        for n, path in enumerate(paths)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
        f"<link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


# -- helpers -----------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "c.sqlite3", tmp_path / "s.sqlite3")
    yield c
    c.close()


def add_items(cache: Cache, urls: list[str | None], *, feed: str = "Brackwater Gazette") -> list[int]:
    """Summary-only feed items, one per URL (newest first), as a refresh would store them."""
    doc = ParsedDocument(
        format="rss",
        feed_title=feed,
        articles=[
            Article(
                title=f"{feed} item {n}",
                summary=f"{SUMMARY} ({feed} {n})",
                url=url,
                guid=f"{feed}-{n}",
                published=NOW - timedelta(hours=n),
                precision="exact",
            )
            for n, url in enumerate(urls)
        ],
    )
    return cache.import_document(
        doc, feed_url=f"http://feeds.invalid/{feed.replace(' ', '-')}", now=int(NOW.timestamp())
    ).article_ids


FAST = FetchConfig(timeout=5)


def _signature_hash(cache, article_id):
    row = (
        cache.connection()
        .execute("SELECT text_hash FROM story_signatures WHERE article_id = ?", (article_id,))
        .fetchone()
    )
    return None if row is None else row[0]


# -- the flow ---------------------------------------------------------------------


def test_summary_only_item_gets_the_page_text_and_keeps_its_summary(cache):
    with PageServer({"/mill.html": html(story_page())}) as server:
        [article_id] = add_items(cache, [server.url("/mill.html")])
        assert cache.search("quillwort") == []
        signed_before = _signature_hash(cache, article_id)
        [outcome] = fetch_full_text(cache, [article_id], FAST)
    assert outcome.ok, outcome.reason
    assert outcome.host == "127.0.0.1" and outcome.words > 150
    row = read_article(cache, article_id)
    assert not row.summary_only
    assert row.summary == f"{SUMMARY} (Brackwater Gazette 0)"
    assert "first time in sixty years" in row.body and "second wheelwright" in row.body
    for chrome in ("Snapdrake", "Zephyrcat", "Ferry fares frozen", "All rights reserved", "Sport"):
        assert chrome not in row.body
    assert row.author == "Ilse Marren"
    assert row.full_text_url == server.url("/mill.html") and row.full_text_error is None
    # Search and related stories see the new text.
    assert [h.id for h in cache.search("quillwort")] == [article_id]
    assert "tidal mill at Brackwater" in cache.story_texts([article_id])[article_id][1]
    # The story signature was computed again from the new text.
    assert _signature_hash(cache, article_id) not in (None, signed_before)
    shown = display.article_text(row, NOW, bookmarked=False).plain
    assert "Full text fetched from 127.0.0.1" in shown and "Summary only" not in shown
    # Importing the feed again does not put the summary back.
    add_items(cache, [server.url("/mill.html")])
    assert "second wheelwright" in cache.article(article_id).body
    assert candidates(cache, include_tried=True) == []


def test_the_pages_pictures_come_with_its_text(cache):
    page = story_page().replace(
        b'<meta name="author"', b'<meta property="og:image" content="/media/wheel.jpg"><meta name="author"'
    )
    with PageServer({"/mill.html": html(page)}) as server:
        [article_id] = add_items(cache, [server.url("/mill.html")])
        assert read_article(cache, article_id).images == []
        [outcome] = fetch_full_text(cache, [article_id], FAST)
    assert outcome.ok, outcome.reason
    assert read_article(cache, article_id).images == [server.url("/media/wheel.jpg")]


def test_page_without_an_article_keeps_the_summary_and_says_why(cache):
    with PageServer(
        {
            "/index.html": html(INDEX_PAGE),
            "/paywall.html": html(PAYWALL_PAGE),
            "/report.pdf": (200, "application/pdf", b"%PDF-1.7 invented"),
        }
    ) as server:
        ids = add_items(cache, [server.url("/index.html"), server.url("/paywall.html"), server.url("/report.pdf")])
        outcomes = fetch_full_text(cache, ids, FAST)
    assert [o.status for o in outcomes] == ["failed", "failed", "failed"]
    assert outcomes[0].reason == "no article text found on the page"
    assert "subscribers only" in outcomes[1].reason
    assert "not lead to a web page (application/pdf)" in outcomes[2].reason
    for article_id, outcome in zip(ids, outcomes):
        row = read_article(cache, article_id)
        assert row.summary_only and row.body.startswith(SUMMARY)
        assert row.full_text_error == outcome.reason
        shown = display.article_text(row, NOW, bookmarked=False).plain
        assert f"the full text could not be fetched: {outcome.reason} (press f to try again)" in shown
    # Not tried again automatically; an explicit retry may.
    assert candidates(cache) == []
    assert sorted(c.id for c in candidates(cache, include_tried=True)) == sorted(ids)


def test_fetch_errors_keep_the_summary(cache):
    with PageServer({"/slow.html": html(story_page())}, delays={"/slow.html": 3.0}) as server:
        ids = add_items(cache, [server.url("/missing.html"), server.url("/slow.html"), "ftp://files.invalid/story.txt"])
        outcomes = fetch_full_text(cache, ids, FetchConfig(timeout=0.5))
    assert [o.status for o in outcomes] == ["failed", "failed", "failed"]
    assert "HTTP 404" in outcomes[0].reason
    assert "timed out" in outcomes[1].reason
    assert "ftp" in outcomes[2].reason and "http" in outcomes[2].reason
    for article_id in ids:
        row = cache.article(article_id)
        assert row.summary_only and row.body.startswith(SUMMARY)


def test_a_host_that_says_slow_down_is_left_alone(cache):
    with PageServer({"/busy.html": (429, "text/plain", b"slow down")}) as server:
        ids = add_items(cache, [server.url("/busy.html")] + [server.url(f"/later{n}.html") for n in range(4)])
        outcomes = fetch_full_text(cache, ids, FAST)
        requested = sum(server.requests.values())
    assert outcomes[0].status == "failed" and "429" in outcomes[0].reason
    # Two requests may already be in flight when the 429 arrives; the rest wait.
    assert requested <= 2
    assert [o.status for o in outcomes].count("skipped") >= 3
    skipped = [o for o in outcomes if o.status == "skipped"]
    assert all("slow down" in o.reason for o in skipped)
    assert {c.id for c in candidates(cache)} == {o.article_id for o in skipped}  # still to do


def test_articles_that_cannot_be_fetched_are_skipped_with_a_reason(cache):
    with PageServer({"/mill.html": html(story_page())}) as server:
        [with_link, without_link] = add_items(cache, [server.url("/mill.html"), None])
        first = fetch_full_text(cache, [with_link, without_link, 99999], FAST)
        again = fetch_full_text(cache, [with_link], FAST)
        assert server.requests == {"/mill.html": 1}
    assert [o.status for o in first] == ["fetched", "skipped", "skipped"]
    assert first[1].reason == "the story has no link to fetch"
    assert "no longer in the cache" in first[2].reason
    assert again[0].status == "skipped" and again[0].reason == "the full text was already fetched from 127.0.0.1"


def test_summary_long_as_the_page_is_kept(cache):
    short = story_page(paragraphs=STORY_PARAGRAPHS[:2])
    page = extract_page(short, "http://127.0.0.1/x", "text/html", summary=" ".join(STORY_PARAGRAPHS))
    assert page == "the page holds no more text than the feed's summary"


def test_charset_from_the_http_header_when_the_page_declares_none():
    words = "Рыбаки вернулись в гавань после шторма, и весь посёлок вышел их встречать на берег."
    page = (
        "<!DOCTYPE html><html><head><title>Рыбаки вернулись</title></head><body><article>"
        + "".join(f"<p>{words} Абзац {n}.</p>" for n in range(12))
        + "</article></body></html>"
    ).encode("cp1251")
    extracted = extract_page(page, "http://127.0.0.1/r", "text/html; charset=windows-1251")
    assert not isinstance(extracted, str), extracted
    assert "посёлок вышел" in extracted.body


# -- refresh -----------------------------------------------------------------------


def test_full_text_feed_gets_the_pages_of_new_items_politely(cache):
    pages = {f"/story/{n}.html": html(story_page(f"Mill story number {n}")) for n in range(6)}
    pages["/pond.html"] = html(story_page("Pond skaters return"))
    with PageServer(pages, delays={"*": 0.15}) as server:
        server.pages["/full.xml"] = (
            200,
            "application/rss+xml",
            feed_xml(server, "Mill Weekly", [f"/story/{n}.html" for n in range(6)]),
        )
        server.pages["/plain.xml"] = (200, "application/rss+xml", feed_xml(server, "Pond Notes", ["/pond.html"]))
        feeds = [FeedConfig(server.url("/full.xml"), full_text=True), FeedConfig(server.url("/plain.xml"))]
        refresher = Refresher(cache, FetchConfig(timeout=5, per_host=8))
        report = refresher.run_sync(feeds)
        assert report.failed == 0 and report.new_articles == 7
        assert [o.status for o in refresher.full_text_outcomes] == ["fetched"] * 6
        assert server.peak <= 2  # two at a time to the one host, although feeds may use eight
        assert all(server.requests[f"/story/{n}.html"] == 1 for n in range(6))
        assert "/pond.html" not in server.requests  # that feed is not full_text
        rows = {h.title: cache.article(h.id) for h in cache.headlines()}
        for n in range(6):
            row = rows[f"Mill Weekly story {n}"]
            assert not row.summary_only and "second wheelwright" in row.body
            assert row.summary.startswith(SUMMARY)
        assert rows["Pond Notes story 0"].summary_only
        # A second refresh with nothing new fetches no page again.
        requests = sum(server.requests.values())
        refresher.run_sync(feeds)
        assert sum(server.requests.values()) == requests + 2  # the two feeds only
        assert refresher.full_text_outcomes == []
        # A new item in the full_text feed: only its page is fetched.
        server.pages["/story/6.html"] = html(story_page("Mill story number 6"))
        server.pages["/full.xml"] = (
            200,
            "application/rss+xml",
            feed_xml(server, "Mill Weekly", [f"/story/{n}.html" for n in range(7)]),
        )
        refresher.run_sync(feeds)
        assert [o.title for o in refresher.full_text_outcomes] == ["Mill Weekly story 6"]
        assert server.requests["/story/6.html"] == 1 and server.requests["/story/0.html"] == 1


# -- the command --------------------------------------------------------------------


def cli_args(*argv: str) -> argparse.Namespace:
    from newsreader.cli.fulltext_commands import add_fulltext_command

    parser = argparse.ArgumentParser(prog="newsreader")
    add_fulltext_command(parser.add_subparsers(dest="command"))
    return parser.parse_args(["fetch-full", *argv])


def test_fetch_full_command(nr_home, capsys):
    from newsreader.cli.fulltext_commands import run_fulltext
    from newsreader.cli.session import open_cache

    with PageServer(
        {
            "/mill.html": html(story_page()),
            "/index.html": html(INDEX_PAGE),
            "/other.html": html(story_page("Pond skaters return")),
        }
    ) as server:
        cache = open_cache()
        [mill, index] = add_items(cache, [server.url("/mill.html"), server.url("/index.html")])
        [other] = add_items(cache, [server.url("/other.html")], feed="Pond Notes")
        cache.close()

        assert run_fulltext(cli_args("--source", "brackwater gazette", "--limit", "1")) == 0
        out, err = capsys.readouterr()
        assert out.strip().startswith("1 article: 1 full text fetched, 0 kept the summary")
        assert len(server.requests) == 1  # one source, one article (the newest)

        assert run_fulltext(cli_args()) == 1  # the index page fails
        out, err = capsys.readouterr()
        assert out.startswith("2 articles: 1 full text fetched, 1 kept the summary")
        assert "Brackwater Gazette item 1: kept the summary: no article text found on the page" in err

        assert run_fulltext(cli_args()) == 0
        out, _ = capsys.readouterr()
        assert "no summary-only articles to fetch" in out
        assert run_fulltext(cli_args("--retry")) == 1
        assert server.requests["/index.html"] == 2

        assert run_fulltext(cli_args("--source", "Nowhere Times")) == 1
        assert "no source named Nowhere Times" in capsys.readouterr().err
    cache = open_cache()
    try:
        assert not cache.article(mill).summary_only and not cache.article(other).summary_only
        assert cache.article(index).summary_only
    finally:
        cache.close()


def test_limit_must_be_positive():
    with pytest.raises(SystemExit):
        cli_args("--limit", "0")


# -- the app -------------------------------------------------------------------------


def reader_app(tmp_path, monkeypatch, urls: list[str]):
    """The app on a cache holding summary-only items at ``urls``."""
    from tests.support.app import make_app

    app = make_app(tmp_path)
    add_items(app.services.cache, urls)
    return app


def headline_label(screen, index: int) -> str:
    """The text of a row of the headlines pane."""
    return str(screen.query_one("#headlines").get_option_at_index(index).prompt)


async def open_first(pilot) -> None:
    from tests.support.app import settle

    await settle(pilot)
    headlines = pilot.app.screen.query_one("#headlines")
    headlines.focus()
    headlines.highlighted = 0
    await pilot.press("enter")
    await settle(pilot)


async def wait_for(pilot, condition, limit: float = 10.0) -> None:
    from tests.support.app import settle

    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < limit, "timed out waiting for the full text"
        await settle(pilot)


async def test_f_shows_the_full_text_in_place_of_the_summary(tmp_path, monkeypatch):
    with PageServer({"/mill.html": html(story_page())}) as server:
        app = reader_app(tmp_path, monkeypatch, [server.url("/mill.html")])
        async with app.run_test(size=(130, 40)) as pilot:
            await open_first(pilot)
            screen = app.screen
            view = screen.query_one("#article-body")
            assert "press f for the full text" in str(view.render())
            await pilot.press("f")
            await wait_for(pilot, lambda: "Summary only" not in str(view.render()))
            shown = str(view.render())
            assert "Full text fetched from 127.0.0.1" in shown
            assert "second wheelwright" in shown and "Summary only" not in shown
            assert "· summary" not in headline_label(screen, 0)
            await pilot.press("f")  # nothing more to fetch
            await pilot.pause()
            assert server.requests == {"/mill.html": 1}


async def test_f_failure_keeps_the_summary_and_says_why(tmp_path, monkeypatch):
    with PageServer({"/index.html": html(INDEX_PAGE)}) as server:
        app = reader_app(tmp_path, monkeypatch, [server.url("/index.html")])
        async with app.run_test(size=(130, 40)) as pilot:
            await open_first(pilot)
            screen = app.screen
            await pilot.press("f")
            await wait_for(pilot, lambda: "could not be fetched" in str(screen.query_one("#article-body").render()))
            shown = str(screen.query_one("#article-body").render())
            assert "the full text could not be fetched: no article text found on the page" in shown
            assert SUMMARY in shown and "Summary only" in shown
            assert any("Kept the summary: no article text found" in str(n.message) for n in app._notifications)


async def test_f_on_a_highlighted_headline_fetches_that_story(tmp_path, monkeypatch):
    with PageServer({"/mill.html": html(story_page())}) as server:
        app = reader_app(tmp_path, monkeypatch, [server.url("/mill.html")])
        async with app.run_test(size=(130, 40)) as pilot:
            from tests.support.app import settle

            await settle(pilot)
            screen = app.screen
            headlines = screen.query_one("#headlines")
            headlines.focus()
            headlines.highlighted = 0
            assert "Choose a headline" in str(screen.query_one("#article-body").render())  # none open
            assert "· summary" in headline_label(screen, 0)
            await pilot.press("f")
            await wait_for(pilot, lambda: "· summary" not in headline_label(screen, 0))
            assert "second wheelwright" in app.services.cache.article(headlines.highlighted_key).body
