"""Building the app for pilot and snapshot tests: temp paths, fixed clock,
a fake browser and hand-written stories (no user files, no network)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from newsreader.core.models import Article, Caption, ParsedDocument, Precision
from newsreader.core.paths import Paths
from newsreader.tui.app import NewsReaderApp
from newsreader.tui.services import Services

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)

LONG_BODY = "\n".join(
    f"Paragraph {n}: harbour pilots in Port Calder kept working through the night while the talks went on."
    for n in range(1, 61)
)


def _page(*articles: Article) -> ParsedDocument:
    """A page dump whose first article is the main one."""
    return ParsedDocument(format="page-dump", main=0, articles=list(articles))


def _story(title: str, source: str, ago: timedelta, precision: Precision, published_text: str, **fields) -> Article:
    """An article published ``ago`` before :data:`NOW`, shown as ``published_text``."""
    return Article(
        title=title, source=source, published=NOW - ago, precision=precision, published_text=published_text, **fields
    )


def story_page() -> ParsedDocument:
    """A page with a main article and two related stories (the seed's shape)."""
    return _page(
        _story(
            "Port Calder pilots agree four-year contract",
            "Harbour Gazette",
            timedelta(days=1),
            "day",
            "a day ago",
            body=LONG_BODY,
            captions=[Caption("Pilot boats at the Calder quay.", "Harbour Gazette")],
            related=[1, 2],
        ),
        _story(
            "Ferry timetable changes for winter",
            "Harbour Gazette",
            timedelta(minutes=34),
            "minute",
            "34 minutes ago",
            summary="The winter ferry timetable starts on Monday with fewer late sailings.",
        ),
        _story(
            "Lighthouse restoration wins heritage grant",
            "Northern Ledger",
            timedelta(hours=1),
            "hour",
            "an hour ago",
            summary="The old lighthouse at Skerry Point will be restored with a heritage grant.",
        ),
    )


def ferry_page() -> ParsedDocument:
    """The first related story's own page, with its own related block."""
    return _page(
        _story(
            "Ferry timetable changes for winter",
            "Harbour Gazette",
            timedelta(minutes=34),
            "minute",
            "34 minutes ago",
            body="The winter ferry timetable starts on Monday.\nLate sailings drop from four to two.",
            related=[1],
        ),
        _story(
            "Valley rail line reopens after repairs",
            "Tideline Wire",
            timedelta(hours=5),
            "hour",
            "5 hours ago",
            summary="Trains run again on the valley line after two weeks of repairs.",
        ),
    )


def hostile_page() -> ParsedDocument:
    """Headlines that would be live markup or terminal escapes if not sanitized."""
    return _page(
        Article(
            title="[@click=app.quit]Click me[/] and [link=file:///etc/passwd]x[/link]",
            source="[bold red]Evil[/] \x1b]0;pwned\x07Source",
            body="Body with \x1b]52;c;aGVsbG8=\x07 an OSC 52 and \x9b31m C1 CSI and \u202eoverride.\n[/]",
            published=date(2026, 11, 20),
            precision="day",
            published_text="20-11-2026",
        )
    )


def make_services(tmp_path: Path, *docs: ParsedDocument, opened: list[str] | None = None) -> Services:
    paths = Paths.under(tmp_path / "home")
    fake_browser_log = opened if opened is not None else []

    def fake_browser(url: str) -> str | None:
        from newsreader.core.urls import check_url

        problem = check_url(url)
        if problem:
            return f"refused to open: {problem}"
        fake_browser_log.append(url)
        return None

    services = Services.for_paths(paths, clock=lambda: NOW, open_url=fake_browser)
    for doc in docs:
        services.cache.import_document(doc, now=int(NOW.timestamp()))
    return services


def make_app(tmp_path: Path, *docs: ParsedDocument, opened: list[str] | None = None) -> NewsReaderApp:
    return NewsReaderApp(make_services(tmp_path, *docs, opened=opened))


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and their results reach the screen. A worker that
    a newer one of its exclusive group cancelled counts as finished; one
    that failed still fails the test."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
        await pilot.pause()


# -- what the reader sees ----------------------------------------------------------


def article_text(app) -> str:
    """The article pane's text, as drawn."""
    return str(app.screen.query_one("#article-body").render())


def reading(app) -> str:
    """The title of the article on screen (the first line of the article pane)."""
    return article_text(app).split("\n", 1)[0]


def headline_titles(app) -> list[str]:
    """The headlines pane's rows, top to bottom."""
    return [e.row.title for e in app.screen.query_one("#headlines").entries]


def related_titles(app) -> list[str]:
    """The related sidebar's stories, top to bottom."""
    related = app.screen.query_one("#related").related
    return [r.title for r in related.rows] if related else []


async def open_story(pilot, title: str) -> None:
    """Highlight the headline ``title`` and press enter."""
    index = headline_titles(pilot.app).index(title)
    headlines = pilot.app.screen.query_one("#headlines")
    headlines.focus()
    headlines.highlighted = index
    await pilot.press("enter")
    await settle(pilot)


#: A headline of 93 characters: the layout must show it whole where it is listed.
LONG_TITLE = "Port Calder harbour pilots and the port authority agree a four-year contract after nine weeks"


def long_titles_page() -> ParsedDocument:
    """A main article with a long title and a long body, and related stories with long titles."""
    return _page(
        _story(
            LONG_TITLE,
            "Harbour Gazette",
            timedelta(minutes=20),
            "minute",
            "20 minutes ago",
            body=LONG_BODY,
            related=[1, 2],
        ),
        _story(
            "Ferry timetable changes for winter cut the late sailings to Skerry Point from four a night to two",
            "Harbour Gazette",
            timedelta(minutes=34),
            "minute",
            "34 minutes ago",
            summary="The winter ferry timetable starts on Monday with fewer late sailings.",
        ),
        _story(
            "Lighthouse restoration at Skerry Point wins a heritage grant after a decade of campaigning",
            "Northern Ledger",
            timedelta(hours=1),
            "hour",
            "an hour ago",
            summary="The old lighthouse at Skerry Point will be restored with a heritage grant.",
        ),
    )
