"""Refreshing and adding feeds from the main screen (``r``, ``R``, ``a``).

A refresh runs in a thread worker with its own event loop, so the screen's
loop only ever receives progress messages: keys are answered at once even
while hundreds of feeds are fetched and parsed. New articles are merged into
the lists without moving the reader's cursor or the article's scroll.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from newsreader.config.settings import FeedConfig, load_config
from newsreader.tui import display

#: Redraw the lists at most this often while a refresh brings news.
RELOAD_EVERY = 1.0

FEED_BINDINGS = [
    Binding("r", "refresh_source", "Refresh this feed", show=False, id="refresh"),
    Binding("R", "refresh_all", "Refresh", show=True, id="refresh.all", tooltip="Refresh all feeds"),
    Binding("a", "add_feed", "Add feed", show=False, id="feed.add"),
]


class AddFeedScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="add.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static("Add a feed — its address, or a page that links to one", classes="hint")
            yield Input(placeholder="https://…", id="add-input")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseFeedScreen(ModalScreen[str | None]):
    """A page linked to several feeds: pick one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose.cancel")]

    def __init__(self, candidates: list[tuple[str, str | None, str]]) -> None:
        super().__init__()
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Static("This page links to several feeds — choose one", classes="hint")
            yield OptionList(
                *[
                    Option(
                        Text(f"{display.safe(title or url)}  ({display.safe(kind)})\n  {display.safe(url)}"), id=str(i)
                    )
                    for i, (url, title, kind) in enumerate(self.candidates)
                ],
                id="choose-list",
            )

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.candidates[int(event.option.id or 0)][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class FeedActions:
    """Mixed into the main screen; uses its ``services``, ``reload`` and ``source_key``."""

    refreshing: bool = False
    _last_reload: float = 0.0

    def compose_status(self) -> ComposeResult:
        yield Static("", id="status")

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(text, no_wrap=True, overflow="ellipsis"))  # type: ignore[attr-defined]

    def current_feeds(self) -> list[FeedConfig] | None:
        """The feed of the highlighted source, or None when it is not a feed."""
        key: str = self.source_key  # type: ignore[attr-defined]
        if not key.startswith("src:"):
            return None
        source_id = int(key[4:])
        for row in self.services.cache.sources():  # type: ignore[attr-defined]
            if row.id == source_id and row.kind == "feed" and row.feed_url:
                config = self.services.config  # type: ignore[attr-defined]
                feed = next((f for f in config.feeds if f.url == row.feed_url), None)
                return [feed or FeedConfig(url=row.feed_url, title=row.name)]
        return None

    def action_refresh_source(self) -> None:
        feeds = self.current_feeds()
        if feeds is None:
            self.notify("r refreshes the feed you are on; R refreshes every feed.", timeout=3)  # type: ignore[attr-defined]
            return
        self.start_refresh(feeds, force=True)

    def action_refresh_all(self) -> None:
        services = self.services  # type: ignore[attr-defined]
        services.config = load_config(services.paths)
        if not services.config.feeds:
            self.notify("No feeds yet: press a to add one.", timeout=3)  # type: ignore[attr-defined]
            return
        self.start_refresh(list(services.config.feeds), force=False)

    def start_refresh(self, feeds: list[FeedConfig], *, force: bool) -> None:
        if self.refreshing:
            self.notify("A refresh is already running.", timeout=2)  # type: ignore[attr-defined]
            return
        self.refreshing = True
        self.set_status(f"Refreshing {len(feeds)} feeds…")
        from newsreader.feeds.refresh import RefreshProcess  # with httpx behind it: not a start-up import

        urls = [f.url for f in feeds] if force else []
        self.run_refresh(RefreshProcess(self.services.paths, urls, force=force))  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="refresh")
    def run_refresh(self, process) -> None:
        app = self.app  # type: ignore[attr-defined]
        self._refresh_process = process
        try:
            summary = process.run(lambda record: app.call_from_thread(self.refresh_progress, record))
        except OSError as exc:
            summary = {"error": f"could not start the refresh: {exc.strerror or exc}"}
        app.call_from_thread(self.refresh_done, summary)

    def stop_refresh(self) -> None:
        process = getattr(self, "_refresh_process", None)
        if process is not None:
            process.stop()

    def refresh_progress(self, record: dict) -> None:
        status = record.get("status")
        mark = "!" if status == "failed" else ("+" if record.get("new") else "·")
        self.set_status(
            f"Refreshing {record.get('done')}/{record.get('total')} {mark} {display.safe(str(record.get('title', '')))[:50]}"
        )
        now = time.monotonic()
        if (record.get("new") or status == "failed") and now - self._last_reload >= RELOAD_EVERY:
            self._last_reload = now
            self.reload()  # type: ignore[attr-defined]

    def refresh_done(self, summary: dict) -> None:
        self.refreshing = False
        if "error" in summary:
            self.set_status("Refresh failed: " + display.safe(str(summary["error"])))
            self.notify("Refresh failed: " + str(summary["error"]), severity="error", timeout=6)  # type: ignore[attr-defined]
            return
        self.set_status(display.safe(str(summary.get("summary", ""))))
        self.reload()  # type: ignore[attr-defined]
        self.announce_followed()  # type: ignore[attr-defined]
        if summary.get("failed"):
            self.notify(f"{summary['failed']} feeds failed; the source list shows why.", severity="warning", timeout=4)  # type: ignore[attr-defined]

    def action_add_feed(self) -> None:
        self.app.push_screen(AddFeedScreen(), self.add_feed_url)  # type: ignore[attr-defined]

    def add_feed_url(self, url: str | None, chosen_from: list | None = None) -> None:
        if url:
            self.set_status(f"Adding {display.safe(url)[:60]}…")
            self.run_add(url)

    @work(thread=True, group="add")
    def run_add(self, url: str) -> None:
        from newsreader.feeds.subscribe import add_url

        services = self.services  # type: ignore[attr-defined]
        result = add_url(services.paths, services.cache, url)
        self.app.call_from_thread(self.add_done, result)  # type: ignore[attr-defined]

    def add_done(self, result) -> None:
        services = self.services  # type: ignore[attr-defined]
        services.config = load_config(services.paths)
        self.set_status(display.safe(result.message))
        if result.status == "choose":
            self.app.push_screen(ChooseFeedScreen(result.candidates), self.add_feed_url)  # type: ignore[attr-defined]
            return
        self.notify(result.message, severity="information" if result.ok else "warning", timeout=4)  # type: ignore[attr-defined]
        self.reload()  # type: ignore[attr-defined]
