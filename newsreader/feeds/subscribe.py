"""Subscribing: a feed URL, a page that links to feeds, an article page, or
an OPML file of subscriptions. Used by the CLI and by the app's workers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from newsreader.config.settings import FeedConfig, FetchConfig, add_feeds, load_config
from newsreader.core.models import ParsedDocument, ParseError
from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean_line
from newsreader.core.urls import check_url
from newsreader.feeds.fetch import Fetcher
from newsreader.feeds.refresh import Refresher
from newsreader.parser import detect
from newsreader.parser.budget import parse_bounded
from newsreader.parser.discover import discover_feeds
from newsreader.store import FEED_FORMATS, Cache, record_subscriptions, remove_sample

Candidate = tuple[str, str | None, str]  # (url, title, type)


@dataclass(slots=True)
class AddResult:
    """What ``add`` did. ``status``: subscribed, article, choose, exists or failed."""

    status: str
    message: str
    feed_url: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("subscribed", "article", "exists")


def _charset(content_type: str | None) -> str | None:
    if not content_type or "charset=" not in content_type.lower():
        return None
    return content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"') or None


async def _fetch(url: str, fetch_config: FetchConfig, fetcher_options: dict | None):
    options = {"concurrency": 1, "per_host": 1, "deadline": fetch_config.timeout, **(fetcher_options or {})}
    async with Fetcher(**options) as fetcher:
        return await fetcher.fetch(url)


def add_url(
    paths: Paths,
    cache: Cache,
    url: str,
    *,
    title: str | None = None,
    tags: tuple[str, ...] = (),
    choose: Callable[[list[Candidate]], str | None] | None = None,
    fetcher_options: dict | None = None,
) -> AddResult:
    """Subscribe to ``url`` (a feed, or a page whose feeds are discovered), or
    keep it as a single article when it is an article page without feeds.
    The feed is fetched at once, so its stories are there when this returns."""
    url = url.strip()
    reason = check_url(url)
    if reason:
        return AddResult("failed", f"refused: {reason}")
    config = load_config(paths)
    if any(f.url == url for f in config.feeds):
        return AddResult("exists", f"already subscribed: {url}", feed_url=url)
    result = asyncio.run(_fetch(url, config.fetch, fetcher_options))
    if not result.ok or result.body is None:
        return AddResult("failed", f"could not fetch {url}: {result.error or 'no content'}")
    fmt = detect(result.body)
    if fmt in FEED_FORMATS:
        try:
            doc = parse_bounded(result.body, url=result.final_url, format=fmt)
        except ParseError as exc:
            return AddResult("failed", f"{url}: {clean_line(str(exc))}")
        return _subscribe(paths, cache, url, title or doc.feed_title, tags, fetcher_options)
    if fmt == "html":
        candidates = discover_feeds(result.body, result.final_url, charset=_charset(result.content_type))
        if len(candidates) == 1 or (candidates and choose is not None):
            chosen = candidates[0][0] if len(candidates) == 1 or choose is None else choose(candidates)
            if chosen is None:
                return AddResult("choose", "no feed chosen", candidates=candidates)
            return _subscribe(paths, cache, chosen, title, tags, fetcher_options, via=url)
        if candidates:
            return AddResult(
                "choose", f"{url} links to {len(candidates)} feeds; add one of them", candidates=candidates
            )
        return _keep_article(cache, result.body, result.final_url)
    return AddResult("failed", f"{url}: neither a feed nor a web page ({fmt})")


def _subscribe(
    paths: Paths,
    cache: Cache,
    url: str,
    title: str | None,
    tags: tuple[str, ...],
    fetcher_options: dict | None,
    via: str | None = None,
) -> AddResult:
    from newsreader.core.models import Subscription

    added, problems = add_feeds(paths, [Subscription(url=url, title=title, tags=list(tags))])
    if not added:
        problem = problems[0] if problems else "not added"
        status = "exists" if problem.startswith("already subscribed") else "failed"
        return AddResult(status, problem, feed_url=url)
    record_subscriptions(paths.state_db, [Subscription(url=url, title=title, tags=list(tags))])
    config = load_config(paths)
    feed = next((f for f in config.feeds if f.url == url), FeedConfig(url=url, title=title))
    report = Refresher(cache, config.fetch, fetcher_options=fetcher_options).run_sync([feed])
    outcome = report.outcomes[0] if report.outcomes else None
    if outcome is not None and outcome.new:
        remove_sample(cache)
    name = clean_line(outcome.title if outcome else (title or url))
    found = f" (found on {via})" if via else ""
    if outcome is not None and outcome.status == "failed":
        return AddResult(
            "subscribed", f"subscribed to {name}{found}, but the first fetch failed: {outcome.error}", feed_url=url
        )
    count = outcome.new if outcome else 0
    return AddResult(
        "subscribed",
        f"subscribed to {name}{found}: {count} articles",
        feed_url=url,
        article_ids=outcome.article_ids if outcome else [],
    )


def _keep_article(cache: Cache, body: bytes, url: str) -> AddResult:
    try:
        doc = parse_bounded(body, url=url, format="html")
    except ParseError as exc:
        return AddResult("failed", f"{url}: not a feed, and no article found on the page ({clean_line(str(exc))})")
    stats = cache.import_document(doc)
    remove_sample(cache)
    article = doc.articles[0]
    return AddResult(
        "article",
        f"not a feed: kept the article \u201c{clean_line(article.title)}\u201d from {clean_line(article.source or url)}",
        article_ids=stats.article_ids,
    )


def subscribe_all(doc: ParsedDocument, paths: Paths | None = None) -> tuple[int, list[str]]:
    """Add every subscription of an OPML document to config.toml."""
    paths = paths or Paths.default()
    problems = list(doc.warnings)
    added, refused = add_feeds(paths, doc.subscriptions)
    record_subscriptions(paths.state_db, [s for s in doc.subscriptions if s.url.strip() in added])
    return len(added), problems + refused
