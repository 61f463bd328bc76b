"""Ids of the entries of the source list that are not sources."""

ALL, UNREAD, BOOKMARKS, SEARCH = "all", "unread", "bookmarks", "search"
