"""The store: the SQLite cache and the user's own files (bookmarks).

Everything outside this package uses the store through the names below;
only modules in this package run SQL or open transactions. The :class:`Cache`
is the handle: the functions here take it as their first argument and open
their own connections and transactions.
"""

from newsreader.store.articlerows import text_fields
from newsreader.store.bookmarks import Bookmark, BookmarksError, BookmarkStore, sync_key
from newsreader.store.briefing import (
    BriefingRow,
    briefing_count,
    briefing_rows,
    briefing_since,
    last_opening,
    record_opening,
)
from newsreader.store.cache import Cache
from newsreader.store.changes import ChangeMarks, change_marks, changed_since_last_check
from newsreader.store.errors import StoreError, is_busy
from newsreader.store.feed_state import (
    FeedState,
    ensure_feed,
    feed_states,
    record_fetch,
    remove_feed,
    remove_sample,
)
from newsreader.store.fulltext_queue import (
    FullTextCandidate,
    candidates,
    find_sources,
    full_text_state,
    page_host,
    read_article,
    record_full_text_failure,
    store_full_text,
)
from newsreader.store.ingest import FEED_FORMATS
from newsreader.store.leases import LeaseOwner, release_leases, take_leases
from newsreader.store.lock import InstanceLock
from newsreader.store.opener import (
    CacheUnavailable,
    OpenedCache,
    check_in_background,
    mark_damaged,
    open_cache_safely,
    quick_check,
)
from newsreader.store.outbox import KINDS, Change, SyncState, record_change, record_subscriptions
from newsreader.store.records import ArticleRow, HeadlineRow, ImportStats, RelatedRow, SourceRow
from newsreader.store.related import related_stories
from newsreader.store.retention import RetentionReport, retention_for_paths
from newsreader.store.revisions import Revision, RevisionHistory, article_revisions, note_opened, note_seen
from newsreader.store.rules import RuleOutcome, apply_rules
from newsreader.store.searching import count_articles, list_articles, matching_ids, search_articles
from newsreader.store.story_api import (
    followed_stories_with_news,
    list_stories,
    mark_followed_story_seen,
    rebuild_stories,
    set_story_flags,
    stories_for_headlines,
    story_for_article,
    toggle_story_flag,
)
from newsreader.store.story_reading import mark_read_by_story, story_versions, unread_by_story
from newsreader.store.story_rows import DeferredStories, StoryRow
from newsreader.store.sync_apply import apply_read, apply_story_flags, article_key_for, feed_articles, read_states

__all__ = [
    "FEED_FORMATS",
    "KINDS",
    "ArticleRow",
    "Bookmark",
    "BookmarkStore",
    "BookmarksError",
    "BriefingRow",
    "Cache",
    "CacheUnavailable",
    "Change",
    "ChangeMarks",
    "DeferredStories",
    "FeedState",
    "FullTextCandidate",
    "HeadlineRow",
    "ImportStats",
    "InstanceLock",
    "LeaseOwner",
    "OpenedCache",
    "RelatedRow",
    "RetentionReport",
    "Revision",
    "RevisionHistory",
    "RuleOutcome",
    "SourceRow",
    "StoreError",
    "StoryRow",
    "SyncState",
    "apply_read",
    "apply_rules",
    "apply_story_flags",
    "article_key_for",
    "article_revisions",
    "briefing_count",
    "briefing_rows",
    "briefing_since",
    "candidates",
    "change_marks",
    "changed_since_last_check",
    "check_in_background",
    "count_articles",
    "ensure_feed",
    "feed_articles",
    "feed_states",
    "find_sources",
    "followed_stories_with_news",
    "full_text_state",
    "is_busy",
    "last_opening",
    "list_articles",
    "list_stories",
    "mark_damaged",
    "mark_followed_story_seen",
    "mark_read_by_story",
    "matching_ids",
    "note_opened",
    "note_seen",
    "open_cache_safely",
    "page_host",
    "quick_check",
    "read_article",
    "read_states",
    "rebuild_stories",
    "record_change",
    "record_fetch",
    "record_full_text_failure",
    "record_opening",
    "record_subscriptions",
    "related_stories",
    "release_leases",
    "remove_feed",
    "remove_sample",
    "retention_for_paths",
    "search_articles",
    "set_story_flags",
    "store_full_text",
    "stories_for_headlines",
    "story_for_article",
    "story_versions",
    "sync_key",
    "take_leases",
    "text_fields",
    "toggle_story_flag",
    "unread_by_story",
]
