"""The local cache and the reader's own files: this module's names are its API."""

from newsreader.store.bookmarks import Bookmark, BookmarksError, BookmarkStore
from newsreader.store.cache import Cache
from newsreader.store.fulltext_queue import read_article
from newsreader.store.opener import check_in_background, open_cache_safely
from newsreader.store.records import ArticleRow, HeadlineRow, RelatedRow, SourceRow
from newsreader.store.related import related_stories
from newsreader.store.searching import count_articles, search_articles
from newsreader.store.story_flags import (
    followed_stories_with_news,
    mark_followed_story_seen,
    stories_for_headlines,
    story_for_article,
    toggle_story_flag,
)
from newsreader.store.story_rows import StoryRow

__all__ = [
    "ArticleRow",
    "Bookmark",
    "BookmarkStore",
    "BookmarksError",
    "Cache",
    "HeadlineRow",
    "RelatedRow",
    "SourceRow",
    "StoryRow",
    "check_in_background",
    "count_articles",
    "followed_stories_with_news",
    "mark_followed_story_seen",
    "open_cache_safely",
    "read_article",
    "related_stories",
    "search_articles",
    "stories_for_headlines",
    "story_for_article",
    "toggle_story_flag",
]
