"""Render the README's screenshots from the real app on the bundled sample.

    python screenshots/make_screenshots.py

Writes main.svg, related-hop.svg, bookmarks.svg and search.svg next to this
script. The clock is fixed so the ages in the pictures do not drift.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from newsreader.core.paths import Paths  # noqa: E402
from newsreader.exchange.files import load_sample  # noqa: E402
from newsreader.tui.app import NewsReaderApp  # noqa: E402
from newsreader.tui.services import Services  # noqa: E402

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
SIZE = (140, 42)


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def select_headline(screen, title_start: str) -> None:
    for index, entry in enumerate(screen.query_one("#headlines").entries):
        if entry.row.title.startswith(title_start):
            screen.query_one("#headlines").highlighted = index
            return
    raise SystemExit(f"no headline starts with {title_start!r}")


async def shoot(home: Path) -> None:
    services = Services.for_paths(Paths.under(home), clock=lambda: NOW)
    load_sample(services.cache, as_of=NOW)
    services.config.ui.theme = "textual-dark"
    app = NewsReaderApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        select_headline(screen, "Storm Corvina makes landfall")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        app.save_screenshot(str(HERE / "main.svg"))
        await pilot.press("1")
        await settle(pilot)
        app.save_screenshot(str(HERE / "related-hop.svg"))
        select_headline(screen, "Reserve Bank cuts cash rate")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        app.save_screenshot(str(HERE / "bookmarks.svg"))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"satellite")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.save_screenshot(str(HERE / "search.svg"))
    services.cache.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        asyncio.run(shoot(Path(home)))
    print("wrote", ", ".join(p.name for p in sorted(HERE.glob("*.svg"))))


if __name__ == "__main__":
    main()
