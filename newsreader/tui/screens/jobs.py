"""What the main screen's workers do, each on a worker thread.

Every job reads or writes through the layers below (the store, the feeds)
and returns the message that says what came of it; the screen posts it to
itself and its handlers change the state. Nothing here touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from newsreader.config.settings import FeedConfig, load_config
from newsreader.core.urls import check_url
from newsreader.exchange.article_out import Link, choose_opener, open_with
from newsreader.search.language import highlight_terms
from newsreader.store import (
    ArticleRow,
    BookmarksError,
    HeadlineRow,
    StoryRow,
    briefing_count,
    briefing_rows,
    briefing_since,
    check_in_background,
    followed_stories_with_news,
    mark_followed_story_seen,
    mark_read_by_story,
    note_opened,
    note_seen,
    read_article,
    record_opening,
    related_stories,
    search_articles,
    stories_for_headlines,
    story_for_article,
    story_versions,
    toggle_story_flag,
)
from newsreader.tui import display
from newsreader.tui.first_screen import HEADLINE_PAGE, source_counts
from newsreader.tui.keys import ListKey, ListKind
from newsreader.tui.messages import (
    ArticleChanged,
    ArticleFound,
    ArticleLoaded,
    BookmarkToggled,
    BriefingCounted,
    ConfigRead,
    FeedAdded,
    FullTextFetched,
    HeadlinesLoaded,
    Notice,
    ReadStateChanged,
    RefreshDone,
    RefreshProgress,
    RefreshStarted,
    RelatedLoaded,
    SourcesLoaded,
    StoriesChanged,
    StoryMembersLoaded,
)
from newsreader.tui.services import Services, bookmark_for
from newsreader.tui.undo import StateChange
from newsreader.tui.widgets.sources_pane import source_items

if TYPE_CHECKING:
    from newsreader.feeds.refresh_child import RefreshProcess

Post = Callable[[Message], object]


def bookmark_keys(services: Services) -> list[str]:
    return [b.article_key for b in services.bookmarks.all() if b.article_key]


def search_terms(services: Services, key: ListKey, search_query: str) -> tuple[str, ...]:
    """Words to highlight in articles opened from a search list."""
    if key.kind is ListKind.SEARCH:
        return tuple(highlight_terms(search_query))
    searches = services.config.searches
    if key.kind is ListKind.SAVED and key.number < len(searches):
        return tuple(highlight_terms(searches[key.number].query))
    return ()


# -- reading ---------------------------------------------------------------------


def read_sources(services: Services, search_query: str) -> SourcesLoaded:
    # The labels are built here too: 1,200 of them are not the event loop's work.
    counts = source_counts(services)
    counts.briefing = briefing_count(services.cache, briefing_start(services))
    return SourcesLoaded(counts, source_items(counts, len(services.bookmarks), search_query))


def headline_page(services: Services, key: ListKey, search_query: str, offset: int, limit: int) -> list[HeadlineRow]:
    """One page of the list ``key``."""
    cache = services.cache
    kind = key.kind
    if kind is ListKind.ALL:
        return cache.headlines(limit=limit, offset=offset)
    if kind is ListKind.UNREAD:
        return cache.headlines(unread_only=True, limit=limit, offset=offset)
    if kind is ListKind.BOOKMARKS:
        return cache.headlines(keys=bookmark_keys(services), limit=limit, offset=offset)
    if kind is ListKind.SEARCH:
        return cache.search(search_query, limit=limit, offset=offset, bookmarked_keys=bookmark_keys(services))
    if kind is ListKind.SAVED:
        searches = services.config.searches
        if key.number >= len(searches):
            return []
        parsed = searches[key.number].parsed
        return search_articles(cache, parsed, bookmarked_keys=bookmark_keys(services), limit=limit, offset=offset)
    return cache.headlines(key.number, limit=limit, offset=offset)


def read_headlines(services: Services, key: ListKey, search_query: str, offset: int) -> HeadlinesLoaded:
    if key.kind is ListKind.BRIEFING:
        return read_briefing(services, key, offset)
    rows = headline_page(services, key, search_query, offset, HEADLINE_PAGE)
    return HeadlinesLoaded(key, rows, stories_for_headlines(services.cache, [r.id for r in rows]), offset)


#: What the Briefing covers when the reader was never opened before.
FIRST_BRIEFING_SPAN = 24 * 3600


def briefing_start(services: Services) -> int:
    """Where the Briefing starts: ``[ui] briefing_since`` back from now, or
    the opening before this one (the last day, the first time)."""
    now = int(services.clock().timestamp())
    span = services.config.ui.briefing_since  # None: "last-open"
    since = now - span if span is not None else briefing_since(services.cache)
    return now - FIRST_BRIEFING_SPAN if since is None else since


def read_briefing(services: Services, key: ListKey, offset: int) -> HeadlinesLoaded:
    """The Briefing as a list of headlines: each story's first report, ranked
    (:func:`newsreader.store.briefing_rows`), its story with its versions so the
    row names the outlets."""
    cache = services.cache
    now = int(services.clock().timestamp())
    rows = briefing_rows(cache, briefing_start(services), now=now, limit=HEADLINE_PAGE, offset=offset)
    heads = {h.id: h for h in cache.headlines_by_ids([r.lead.id for r in rows])}
    stories: dict[int, StoryRow] = {r.lead.id: r.story for r in rows if r.lead.id in heads}
    return HeadlinesLoaded(key, [heads[i] for i in stories], stories, offset)


def note_opening(services: Services) -> BriefingCounted:
    """The reader has opened: the next opening's Briefing starts here. The
    first screen's Briefing row has no count (it would delay the first
    frame): it comes here, a frame later."""
    record_opening(services.cache, int(services.clock().timestamp()))
    return BriefingCounted(briefing_count(services.cache, briefing_start(services)))


def read_article_to_show(services: Services, article_id: int, scroll_y: float, keep_walk: bool) -> Message:
    """The article, marked read; the sidebar's rows come with it (a few
    indexed reads), so one frame shows both."""
    cache = services.cache
    row = cache.article(article_id)
    if row is None:
        return Notice("That article is no longer in the cache.", "warning")
    marked: list[tuple[int, bool]] = []
    if services.config.ui.read_by_story:
        marked = mark_read_by_story(cache, article_id)  # the story's other versions too, one undo step
    elif not row.is_read:
        marked = cache.set_read([article_id], True)
    if marked:
        row = cache.article(article_id) or row
    related = None
    if not keep_walk:
        try:
            related = related_stories(cache, article_id)
        except Exception:  # noqa: BLE001 - the sidebar's own worker tries again and reports
            related = None
    mark_followed_story_seen(cache, article_id)
    note_opened(cache, article_id)  # this version is the one read now (D compares with the one before)
    return ArticleLoaded(row, scroll_y, keep_walk, related, marked)


def read_related(services: Services, article_id: int) -> RelatedLoaded:
    return RelatedLoaded(article_id, related_stories(services.cache, article_id))


def reread_article(services: Services, article_id: int) -> ArticleChanged | None:
    row = services.cache.article(article_id)
    return ArticleChanged(row) if row is not None else None


def find_article(services: Services, article_key: str) -> ArticleFound | None:
    article_id = services.cache.article_id_for_key(article_key)
    return ArticleFound(article_id) if article_id is not None else None


# -- reading state -----------------------------------------------------------------


def change_read(
    services: Services, ids: list[int], read: bool | None, label: str, by_story: bool = False
) -> ReadStateChanged:
    """Mark ``ids`` read or unread (``read`` None: toggle the first one's state);
    ``by_story``: their stories' other versions too (``[ui] read_by_story``)."""
    cache = services.cache
    if by_story:
        ids = list(dict.fromkeys(version for i in ids for version in story_versions(cache, i)))
    if read is None:
        row = cache.article(ids[0])
        read = not row.is_read if row else True
    changed = cache.set_read(ids, read)
    seen = note_seen(cache, ids) if read else []  # marked read: their current versions are the ones seen
    text = f"{len(changed)} marked {'read' if read else 'unread'}" if len(ids) > 1 else None
    if text and seen:
        text += f", {len(seen)} no longer updated"
    # Undo makes those "updated" again; the ones read already come as (id, True).
    made_read = {article_id for article_id, _ in changed}
    return ReadStateChanged(label, changed + [(i, True) for i in seen if i not in made_read], text)


def undo_change(services: Services, change: StateChange) -> ReadStateChanged:
    services.cache.restore_read(change.previous)
    return ReadStateChanged(change.label, [], f"Undone: {change.label}", undone=True)


def toggle_bookmark(services: Services, row: ArticleRow) -> Message:
    try:
        kept = services.bookmarks.toggle(bookmark_for(row))
    except BookmarksError as exc:
        return Notice(display.safe(str(exc)), "error", "Bookmark not saved")
    return BookmarkToggled(row.id, kept)


def open_link(services: Services, link: Link | str, title: str = "") -> Notice:
    """Through the first matching ``[[opener]]``, else the browser."""
    url = link if isinstance(link, str) else link.url
    problem = check_url(url)
    if problem:
        return Notice(display.safe(f"refused to open: {problem}"), "warning")
    opener = choose_opener(services.config.openers, link)
    if opener is None:
        problem = services.open_url(url)
        return Notice(display.safe(problem or "Opened in your browser."), "warning" if problem else "information")
    result = open_with(opener, url, title)
    if not result.ok:
        return Notice(display.safe(f"opener {opener.number}: {result.error}"), "warning")
    return Notice(display.safe(f"Opened with {opener.command[0]}."))


# -- stories -----------------------------------------------------------------------


def story_members(services: Services, story_id: int, head_id: int) -> StoryMembersLoaded:
    story = story_for_article(services.cache, head_id)
    ids = [m.id for m in reversed(story.members)] if story else []  # newest first, like the list
    return StoryMembersLoaded(story_id, services.cache.headlines_by_ids(ids))


def change_story(services: Services, article_id: int, flag: str) -> Message:
    story = toggle_story_flag(services.cache, article_id, "mute" if flag == "mute" else "follow")
    if story is None:
        return Notice("This article is not part of a story told by several outlets.")
    if flag == "mute":
        return StoriesChanged(
            "Story unmuted." if story.muted else "Story muted: hidden from your lists (M on it again unmutes)."
        )
    return StoriesChanged(
        "Story unfollowed." if story.followed else "Following this story: new outlets will be flagged."
    )


def followed_news(services: Services) -> list[Message]:
    """After a refresh: which followed stories gained an outlet."""
    return [
        Notice(
            f"{display.safe(story.title)[:80]}: {story.new_sources} new outlet(s)", title="Followed story", timeout=6
        )
        for story in followed_stories_with_news(services.cache)[:3]
    ]


# -- the cache, feeds and pages -----------------------------------------------------


def check_cache(services: Services) -> Notice | None:
    """A big cache is checked after start-up, not before the first screen."""
    problem = check_in_background(services.cache, services.paths.cache_db)
    if problem is None:
        return None
    return Notice(
        f"The cache is damaged ({problem}); it will be rebuilt when newsreader starts again. "
        "Bookmarks and read state are kept.",
        "error",
        timeout=15,
    )


def feeds_of_source(services: Services, source_id: int) -> list[FeedConfig] | None:
    """The feed of a source, or None when it is not a feed."""
    for row in services.cache.sources():
        if row.id == source_id and row.kind == "feed" and row.feed_url:
            feed = next((f for f in services.config.feeds if f.url == row.feed_url), None)
            return [feed or FeedConfig(url=row.feed_url, title=row.name)]
    return None


def refresh(
    services: Services,
    source_id: int | None,
    post: Post,
    started: Callable[[RefreshProcess], None],
    urls: list[str] | None = None,
) -> None:
    """Refresh one source's feed (``r``, forced), every feed (``R``) or the
    feeds the schedule found due (``urls``), in a child process; each
    finished feed is posted as it comes."""
    from newsreader.feeds.refresh_child import RefreshProcess

    feeds: list[FeedConfig] | None
    if urls:
        feeds = [FeedConfig(url=url) for url in urls]
    elif source_id is not None:
        feeds = feeds_of_source(services, source_id)
        if feeds is None:
            post(Notice("r refreshes the feed you are on; R refreshes every feed."))
            post(RefreshDone({}))
            return
    else:
        config = load_config(services.paths)
        post(ConfigRead(config))
        feeds = list(config.feeds)
        if not feeds:
            post(Notice("No feeds yet: press a to add one."))
            post(RefreshDone({}))
            return
    post(RefreshStarted(len(feeds)))
    force = source_id is not None
    process = RefreshProcess(services.paths, [f.url for f in feeds] if force or urls else [], force=force)
    started(process)
    try:

        def progress(record: dict[str, object]) -> None:
            post(RefreshProgress(record))

        summary = process.run(progress)
    except OSError as exc:
        summary = {"error": f"could not start the refresh: {exc.strerror or exc}"}
    post(RefreshDone(summary))


def add_feed(services: Services, url: str) -> FeedAdded:
    from newsreader.feeds.subscribe import AddResult, Candidate, add_url

    sync = services.config.sync
    if sync is not None and sync.server_fetch:  # the sync server fetches feeds, not this device
        from newsreader.sync import subscribe_through_server

        done = subscribe_through_server(services.paths, url)
        status = "subscribed" if done.status == "waiting" else done.status
        candidates: list[Candidate] = [(u, None, "feed") for u in done.candidates]
        result = AddResult(status, done.message, feed_url=done.feed_url, candidates=candidates)
    else:
        result = add_url(services.paths, services.cache, url)
    return FeedAdded(result, load_config(services.paths))


def fetch_full_text(services: Services, article_id: int) -> FullTextFetched:
    # Imported here: the page fetcher (httpx, lxml) is no start-up import.
    from newsreader.feeds.fulltext import FullTextOutcome, fetch_full_text

    try:
        outcome = fetch_full_text(services.cache, [article_id], services.config.fetch)[0]
        row = read_article(services.cache, article_id)
    except Exception as exc:  # noqa: BLE001 - a failure is a message, not a crashed app
        outcome = FullTextOutcome(article_id, "", None, "skipped", f"{type(exc).__name__}: {exc}")
        row = None
    finally:
        services.cache.close_thread_connection()  # this worker's thread ends here
    return FullTextFetched(outcome, row)
