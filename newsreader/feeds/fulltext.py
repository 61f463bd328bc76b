"""Full text for summary-only feed items: fetch the linked page, extract, store.

Many feeds carry only a summary. For those items this module fetches the
article's own page through :class:`~newsreader.feeds.fetch.Fetcher` (the feeds'
deadline and size caps, but at most :data:`PER_HOST` requests at once to one
host and :data:`CONCURRENCY` in all), extracts the story with the HTML
parser, and stores it in place of the summary
(:func:`newsreader.store.fulltext_queue.store_full_text`).

A page that gives no more than the feed did keeps the summary, and the one-line
reason is stored for the reader: a fetch error, a page with no article (an
index, a login form), a subscriber-only page with only its opening readable,
a link that is not a web page. Those articles are not tried again
automatically; the app's ``f`` and ``newsreader fetch-full --retry`` do.
A host that answers 429 or 503 is left alone for the rest of the run.

Used three ways: the app's ``f`` (:func:`fetch_full_text` in a worker),
``newsreader fetch-full`` and, for feeds with ``full_text = true``, after a
refresh (:func:`full_text_after_refresh`). Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import codecs
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from newsreader.config.settings import FeedConfig, FetchConfig
from newsreader.core.models import ParseError
from newsreader.core.sanitize import clean_line
from newsreader.feeds.fetch import Fetcher
from newsreader.feeds.policy import host_key
from newsreader.store import (
    FEED_FORMATS,
    Cache,
    FullTextCandidate,
    StoreError,
    candidates,
    full_text_state,
    page_host,
    record_full_text_failure,
    store_full_text,
)

#: Requests at once to one host: article pages are heavier than feeds and
#: many items of one feed live on one site.
PER_HOST = 2
#: Requests at once in all.
CONCURRENCY = 4
#: Articles of one feed fetched automatically after one refresh.
MAX_AUTO_PER_FEED = 50
#: A page marked subscriber-only is used only when it is clearly the story,
#: not its opening: this many words, and twice the summary's.
PAYWALL_MIN_WORDS = 150

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_WORD = re.compile(r"\w+")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
# The HTML parser's warning for a page whose structured data says it is not free.
_PAYWALL_WARNING = "subscriber-only"


@dataclass(slots=True)
class FullTextOutcome:
    """What became of one article. ``status``: fetched, failed or skipped.

    ``failed`` means the summary was kept and ``reason`` stored; ``skipped``
    means nothing was fetched or stored (already full, no link, the host
    asked us to slow down).
    """

    article_id: int
    title: str
    url: str | None
    status: str
    reason: str | None = None
    page_url: str | None = None
    words: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "fetched"

    @property
    def host(self) -> str | None:
        return page_host(self.page_url or self.url)

    def message(self) -> str:
        """One line for the reader."""
        if self.ok:
            return f"full text fetched from {self.host or 'the page'} ({self.words} words)"
        verb = "kept the summary" if self.status == "failed" else "not fetched"
        return f"{verb}: {self.reason or 'no reason given'}"


@dataclass(slots=True)
class PageText:
    """A page's story as extraction found it (crosses a process pool: plain data)."""

    body: str
    author: str | None = None
    captions: list[tuple[str, str | None]] = field(default_factory=list)
    words: int = 0
    images: list[str] = field(default_factory=list)


ProgressCallback = Callable[[int, int, FullTextOutcome], None]


# ---------------------------------------------------------------- extraction


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _as_utf8(body: bytes, content_type: str | None) -> bytes:
    """Honour the HTTP charset when the page's own bytes cannot tell.

    The HTML parser reads a BOM, valid UTF-8 and ``<meta charset>``; only
    the server knows the charset of a legacy page that declares none.
    """
    match = _CHARSET.search(content_type or "")
    if not match or body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body
    try:
        codec = codecs.lookup(match.group(1)).name
    except LookupError:
        return body
    if codec == "utf-8":
        return body
    try:
        body.decode("utf-8")
        return body  # valid UTF-8 wins, as it does in the parser
    except UnicodeDecodeError:
        pass
    return body.decode(codec, errors="replace").encode("utf-8")


def _looks_paywalled(data: bytes, url: str) -> bool:
    """Does a page without readable text say it is for subscribers?"""
    try:
        from newsreader.parser.html import load_tree
        from newsreader.parser.html_meta import read_meta

        tree = load_tree(data)
        if read_meta(tree, url).paywalled:
            return True
        return bool(
            tree.xpath(
                '//*[contains(@class,"paywall") or contains(@id,"paywall") '
                'or contains(@class,"regwall") or contains(@class,"subscriber-only")]'
            )
        )
    except Exception:  # noqa: BLE001 - only a nicer message depends on it
        return False


def count_words(text: str | None) -> int:
    return len(_WORD.findall(text or ""))


def extract_page(
    body: bytes,
    url: str,
    content_type: str | None = None,
    summary: str = "",
    as_of: datetime | None = None,
) -> PageText | str:
    """A fetched page -> its story, or a one-line reason to keep ``summary``.

    Top-level and free of side effects so a process pool can run it. Never
    raises.
    """
    from newsreader.parser import detect
    from newsreader.parser import html as html_parser

    try:
        kind = _media_type(content_type)
        fmt = detect(body)
        if fmt in FEED_FORMATS or fmt == "opml":
            return "the link leads to a feed, not to an article page"
        if kind not in HTML_TYPES and fmt != "html":
            shown = kind or ("plain text" if fmt == "page-dump" else fmt)
            return f"the link does not lead to a web page ({clean_line(shown)[:60]})"
        data = _as_utf8(body, content_type)
        try:
            doc = html_parser.parse(data, as_of=as_of, url=url)
        except ParseError as exc:
            reason = clean_line(str(exc))
            if reason == "no readable text":
                if _looks_paywalled(data, url):
                    return "the page is for subscribers only: no article text is readable"
                return "no article text found on the page"
            return f"could not read the page: {reason}"
        article = doc.articles[doc.main or 0]
        text = article.body.strip()
        words = count_words(text)
        summary_words = count_words(summary)
        paywalled = any(_PAYWALL_WARNING in w for w in doc.warnings)
        if paywalled and (words < PAYWALL_MIN_WORDS or words < 2 * summary_words):
            return "the page is for subscribers only: only its opening is readable"
        if words <= summary_words:
            return "the page holds no more text than the feed's summary"
        return PageText(
            body=text,
            author=article.author,
            captions=[(c.text, c.credit) for c in article.captions],
            words=words,
            images=list(article.images),
        )
    except Exception as exc:  # noqa: BLE001 - one page never stops a run
        return clean_line(f"could not read the page: {type(exc).__name__}")[:200]


# ---------------------------------------------------------------- fetching


class FullTextFetcher:
    """Fetch, extract and store the full text of summary-only articles, politely."""

    def __init__(
        self,
        cache: Cache,
        fetch_config: FetchConfig | None = None,
        *,
        per_host: int = PER_HOST,
        concurrency: int = CONCURRENCY,
        fetcher_options: dict | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.fetch_config = fetch_config or FetchConfig()
        # Never more than the user allows for feeds.
        self.per_host = max(1, min(per_host, self.fetch_config.per_host))
        self.concurrency = max(1, min(concurrency, self.fetch_config.concurrency))
        self.fetcher_options = fetcher_options or {}
        self.clock = clock

    def run_sync(
        self, items: Sequence[FullTextCandidate], *, on_progress: ProgressCallback | None = None
    ) -> list[FullTextOutcome]:
        return asyncio.run(self.run(items, on_progress=on_progress))

    async def run(
        self,
        items: Sequence[FullTextCandidate],
        *,
        on_progress: ProgressCallback | None = None,
        parser: Executor | None = None,
        writer: Executor | None = None,
    ) -> list[FullTextOutcome]:
        """Outcomes in the order of ``items``.

        ``parser`` and ``writer`` are a refresh's executors when called from
        one (storing stays on its single writer thread); otherwise this run
        makes its own.
        """
        if not items:
            return []
        own_parser = parser is None
        own_writer = writer is None
        parser = parser or ThreadPoolExecutor(max_workers=1, thread_name_prefix="nr-fulltext-parse")
        writer = writer or ThreadPoolExecutor(max_workers=1, thread_name_prefix="nr-fulltext-store")
        queues: dict[str, deque[FullTextCandidate]] = {}
        for item in items:
            queues.setdefault(host_key(item.url), deque()).append(item)
        outcomes: dict[int, FullTextOutcome] = {}
        slowed: set[str] = set()  # hosts that answered 429/503 in this run
        total = len(items)
        options = {
            "deadline": self.fetch_config.timeout,
            **self.fetcher_options,
            "concurrency": self.concurrency,
            "per_host": self.per_host,
        }
        loop = asyncio.get_running_loop()
        try:
            async with Fetcher(**options) as fetcher:

                async def drain(host: str, queue: deque[FullTextCandidate]) -> None:
                    while queue:
                        item = queue.popleft()
                        if host in slowed:
                            outcome = FullTextOutcome(
                                item.id,
                                item.title,
                                item.url,
                                "skipped",
                                "the site asked us to slow down; try again later",
                            )
                        else:
                            outcome = await self._one(fetcher, item, slowed, parser, writer)
                        outcomes[item.id] = outcome
                        if on_progress:
                            on_progress(len(outcomes), total, outcome)

                # One queue per host, drained by at most ``per_host`` tasks:
                # a busy host never holds up the others.
                async with asyncio.TaskGroup() as group:
                    for host, queue in queues.items():
                        for _ in range(min(self.per_host, len(queue))):
                            group.create_task(drain(host, queue))
        finally:
            if own_parser:
                parser.shutdown(wait=True, cancel_futures=True)
            if own_writer:
                await loop.run_in_executor(writer, self.cache.close_thread_connection)
                writer.shutdown(wait=True)
        return [outcomes[item.id] for item in items]

    async def _one(
        self, fetcher: Fetcher, item: FullTextCandidate, slowed: set[str], parser: Executor, writer: Executor
    ) -> FullTextOutcome:
        loop = asyncio.get_running_loop()
        now = int(self.clock())
        result = await fetcher.fetch(item.url)
        if not result.ok or result.body is None:
            if result.status in (429, 503):
                slowed.add(host_key(item.url))
            reason = f"could not fetch the page: {result.error or 'no content'}"
            return await self._fail(item, reason, now, writer, page_url=result.final_url)
        as_of = datetime.fromtimestamp(now, UTC)
        page = await loop.run_in_executor(
            parser, extract_page, result.body, result.final_url, result.content_type, item.summary, as_of
        )
        if isinstance(page, str):
            return await self._fail(item, page, now, writer, page_url=result.final_url)
        store = partial(
            store_full_text,
            self.cache,
            item.id,
            body=page.body,
            page_url=result.final_url,
            author=page.author,
            captions=page.captions,
            images=page.images,
            now=now,
        )
        try:
            stored = await loop.run_in_executor(writer, store)
        except StoreError as exc:
            return FullTextOutcome(
                item.id,
                item.title,
                item.url,
                "failed",
                clean_line(f"could not store the text: {exc}")[:200],
                result.final_url,
            )
        if not stored:
            return FullTextOutcome(item.id, item.title, item.url, "skipped", "the story already has its full text")
        return FullTextOutcome(item.id, item.title, item.url, "fetched", page_url=result.final_url, words=page.words)

    async def _fail(
        self, item: FullTextCandidate, reason: str, now: int, writer: Executor, *, page_url: str | None
    ) -> FullTextOutcome:
        reason = clean_line(reason)[:300]
        try:
            await asyncio.get_running_loop().run_in_executor(
                writer, partial(record_full_text_failure, self.cache, item.id, reason, now=now)
            )
        except StoreError:
            pass  # the reader still sees the reason in this run's outcome
        return FullTextOutcome(item.id, item.title, item.url, "failed", reason, page_url)


# ---------------------------------------------------------------- entry points


def fetch_full_text(
    cache: Cache,
    article_ids: Iterable[int],
    fetch_config: FetchConfig | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    fetcher_options: dict | None = None,
) -> list[FullTextOutcome]:
    """Fetch the full text of these articles now (the app's ``f``).

    An explicit request: articles whose last attempt failed are tried
    again. Articles that cannot be fetched (gone, already full, no link) are
    ``skipped`` with the reason. Outcomes are in the order of ``article_ids``.
    """
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    items = candidates(cache, ids=ids, include_tried=True)
    fetched = {
        o.article_id: o
        for o in FullTextFetcher(cache, fetch_config, fetcher_options=fetcher_options).run_sync(
            items, on_progress=on_progress
        )
    }
    return [fetched.get(i) or _not_a_candidate(cache, i) for i in ids]


def _not_a_candidate(cache: Cache, article_id: int) -> FullTextOutcome:
    row = cache.article(article_id)
    if row is None:
        return FullTextOutcome(article_id, "", None, "skipped", "the story is no longer in the cache")
    if not row.summary_only:
        source = (full_text_state(cache, article_id) or (None, None))[0]
        reason = (
            f"the full text was already fetched from {page_host(source)}"
            if source
            else "the story already has its full text"
        )
        return FullTextOutcome(article_id, row.title, row.url, "skipped", reason, source)
    return FullTextOutcome(article_id, row.title, row.url, "skipped", "the story has no link to fetch")


async def full_text_after_refresh(
    cache: Cache,
    feeds: Sequence[FeedConfig],
    outcomes: Iterable,  # FeedOutcome: not imported, refresh imports this module
    fetch_config: FetchConfig | None,
    *,
    parser: Executor,
    writer: Executor,
    fetcher_options: dict | None = None,
) -> list[FullTextOutcome]:
    """After a refresh: full text for the summary-only items of ``full_text`` feeds.

    Only feeds that brought something new or changed are looked at, and only
    their items never tried before (at most :data:`MAX_AUTO_PER_FEED` each).
    Runs on the refresh's executors so every write stays on its writer thread.
    """
    wanted = {f.url for f in feeds if f.full_text}
    if not wanted:
        return []
    per_feed = [list(o.article_ids) for o in outcomes if o.url in wanted and o.status == "updated" and o.article_ids]
    if not per_feed:
        return []
    loop = asyncio.get_running_loop()

    def choose() -> list[FullTextCandidate]:
        chosen: list[FullTextCandidate] = []
        for ids in per_feed:
            chosen.extend(candidates(cache, ids=ids, limit=MAX_AUTO_PER_FEED))
        return chosen

    items = await loop.run_in_executor(writer, choose)
    fetcher = FullTextFetcher(cache, fetch_config, fetcher_options=fetcher_options)
    return await fetcher.run(items, parser=parser, writer=writer)


def summary_line(outcomes: Sequence[FullTextOutcome], seconds: float | None = None) -> str:
    """``"5 articles: 3 full texts fetched, 1 kept the summary, 1 skipped (2.1 s)"``."""
    fetched = sum(1 for o in outcomes if o.status == "fetched")
    failed = sum(1 for o in outcomes if o.status == "failed")
    skipped = sum(1 for o in outcomes if o.status == "skipped")
    parts = [f"{fetched} full text{'' if fetched == 1 else 's'} fetched", f"{failed} kept the summary"]
    if skipped:
        parts.append(f"{skipped} skipped")
    noun = "article" if len(outcomes) == 1 else "articles"
    timing = f" ({seconds:.1f} s)" if seconds is not None else ""
    return f"{len(outcomes)} {noun}: " + ", ".join(parts) + timing
