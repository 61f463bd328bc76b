"""``f`` on the main screen: the full text of a summary-only article.

The page is fetched, extracted and stored in a thread worker (with its own
event loop, like a refresh), so the reader keeps reading meanwhile. When it
is done the open article shows the page's text with a marker saying where it
came from; a failure keeps the summary and says why in one line.
"""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from newsreader.store.records import ArticleRow
from newsreader.tui import display

FULLTEXT_BINDINGS = [
    Binding("f", "fetch_full", "Full text", show=False, id="fulltext", tooltip="Fetch the full text of this story")
]


class FullTextActions:
    """Mixed into the main screen; uses its ``services``, ``article``,
    ``target_id``, ``render_article`` and ``reload``."""

    def _full_text_busy(self) -> set[int]:
        busy = getattr(self, "_full_text_ids", None)
        if busy is None:
            busy = self._full_text_ids = set()
        return busy

    def action_fetch_full(self) -> None:
        target = self.target_id()  # type: ignore[attr-defined]
        if target is None:
            self.notify("Open a story first: f fetches its full text.", timeout=2)  # type: ignore[attr-defined]
            return
        article = self.article  # type: ignore[attr-defined]
        if article is not None and article.id == target and not article.summary_only:
            self.notify("This story already has its full text.", timeout=2)  # type: ignore[attr-defined]
            return
        busy = self._full_text_busy()
        if target in busy:
            self.notify("Already fetching the full text of this story…", timeout=2)  # type: ignore[attr-defined]
            return
        busy.add(target)
        self.notify("Fetching the full text…", timeout=2)  # type: ignore[attr-defined]
        self.run_fetch_full(target)

    @work(thread=True, group="fulltext")
    def run_fetch_full(self, article_id: int) -> None:
        # Imported here: the page fetcher (httpx, lxml) is no start-up import.
        from newsreader.feeds.fulltext import FullTextOutcome, fetch_full_text
        from newsreader.store.fulltext_queue import read_article

        services = self.services  # type: ignore[attr-defined]
        try:
            outcome = fetch_full_text(services.cache, [article_id], services.config.fetch)[0]
            row = read_article(services.cache, article_id)
        except Exception as exc:  # noqa: BLE001 - a failure is a message, not a crashed app
            outcome = FullTextOutcome(article_id, "", None, "skipped", f"{type(exc).__name__}: {exc}")
            row = None
        finally:
            services.cache.close_thread_connection()  # this worker's thread ends here
        self.app.call_from_thread(self.full_text_done, outcome, row)  # type: ignore[attr-defined]

    def full_text_done(self, outcome, row: ArticleRow | None) -> None:
        self._full_text_busy().discard(outcome.article_id)
        article = self.article  # type: ignore[attr-defined]
        if row is not None and article is not None and article.id == row.id:
            self.article = row
            self.render_article()  # type: ignore[attr-defined]
        if outcome.ok:
            self.notify(display.safe(f"Full text fetched from {outcome.host or 'the page'}."), timeout=3)  # type: ignore[attr-defined]
            self.reload()  # type: ignore[attr-defined]  # the headline loses its "summary" mark
        elif outcome.status == "failed":
            self.notify(
                display.safe("Kept the summary: " + (outcome.reason or "the page could not be read")),  # type: ignore[attr-defined]
                severity="warning",
                timeout=5,
            )
        else:
            reason = outcome.reason or "nothing to fetch"
            self.notify(display.safe(reason[:1].upper() + reason[1:] + "."), timeout=3)  # type: ignore[attr-defined]
