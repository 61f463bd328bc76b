"""Building the app for pilot and snapshot tests: temp paths, fixed clock,
a fake browser and hand-written stories (no user files, no network)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from newsreader.app import NewsReaderApp
from newsreader.models import Article, Caption, ParsedDocument
from newsreader.paths import Paths
from newsreader.services import Services

NOW = datetime(2026, 11, 26, 20, 0, tzinfo=timezone.utc)

LONG_BODY = "\n".join(
    f"Paragraph {n}: harbour pilots in Port Calder kept working through the night while the talks went on."
    for n in range(1, 61)
)


def story_page() -> ParsedDocument:
    """A page with a main article and two related stories (the seed's shape)."""
    return ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(
                title="Port Calder pilots agree four-year contract",
                source="Harbour Gazette",
                body=LONG_BODY,
                published=NOW - timedelta(days=1),
                precision="day",
                published_text="a day ago",
                captions=[Caption("Pilot boats at the Calder quay.", "Harbour Gazette")],
                related=[1, 2],
            ),
            Article(
                title="Ferry timetable changes for winter",
                source="Harbour Gazette",
                summary="The winter ferry timetable starts on Monday with fewer late sailings.",
                published=NOW - timedelta(minutes=34),
                precision="minute",
                published_text="34 minutes ago",
            ),
            Article(
                title="Lighthouse restoration wins heritage grant",
                source="Northern Ledger",
                summary="The old lighthouse at Skerry Point will be restored with a heritage grant.",
                published=NOW - timedelta(hours=1),
                precision="hour",
                published_text="an hour ago",
            ),
        ],
    )


def ferry_page() -> ParsedDocument:
    """The first related story's own page, with its own related block."""
    return ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(
                title="Ferry timetable changes for winter",
                source="Harbour Gazette",
                body="The winter ferry timetable starts on Monday.\nLate sailings drop from four to two.",
                published=NOW - timedelta(minutes=34),
                precision="minute",
                published_text="34 minutes ago",
                related=[1],
            ),
            Article(
                title="Valley rail line reopens after repairs",
                source="Tideline Wire",
                summary="Trains run again on the valley line after two weeks of repairs.",
                published=NOW - timedelta(hours=5),
                precision="hour",
                published_text="5 hours ago",
            ),
        ],
    )


def hostile_page() -> ParsedDocument:
    """Headlines that would be live markup or terminal escapes if not sanitized."""
    return ParsedDocument(
        format="page-dump",
        main=0,
        articles=[
            Article(
                title="[@click=app.quit]Click me[/] and [link=file:///etc/passwd]x[/link]",
                source="[bold red]Evil[/] \x1b]0;pwned\x07Source",
                body="Body with \x1b]52;c;aGVsbG8=\x07 an OSC 52 and \x9b31m C1 CSI and \u202eoverride.\n[/]",
                published=date(2026, 11, 20),
                precision="day",
                published_text="20-11-2026",
            )
        ],
    )


def make_services(tmp_path: Path, *docs: ParsedDocument, opened: list[str] | None = None) -> Services:
    paths = Paths.under(tmp_path / "home")
    fake_browser_log = opened if opened is not None else []

    def fake_browser(url: str) -> str | None:
        from newsreader.urls import check_url

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
    """Let workers finish and their results reach the screen."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
