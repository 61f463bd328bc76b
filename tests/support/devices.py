"""Devices for sync tests: each its own newsreader home (config, data, cache)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsreader.core.models import Article, ParsedDocument
from newsreader.core.paths import Paths
from newsreader.store import BookmarkStore, Cache


@dataclass
class Device:
    paths: Paths
    cache: Cache

    def bookmarks(self) -> BookmarkStore:
        return BookmarkStore(self.paths.bookmarks_file).load()

    def read_keys(self) -> set[str]:
        rows = self.cache.connection().execute("SELECT key FROM articles WHERE is_read = 1")
        return {r[0] for r in rows}

    def key_of(self, url: str) -> str:
        row = self.cache.connection().execute("SELECT key FROM articles WHERE url = ?", (url,)).fetchone()
        return row[0]

    def id_of(self, url: str) -> int:
        row = self.cache.connection().execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
        return int(row[0])


def make_device(base: Path, name: str, config: str = "") -> Device:
    paths = Paths.under(base / name)
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text(config, encoding="utf-8")
    return Device(paths, Cache(paths.cache_db, paths.state_db))


def sample_feed(n: int = 5, host: str = "news.example.org") -> ParsedDocument:
    articles = [
        Article(title=f"Story number {i}", body=f"Body of story {i}.", url=f"https://{host}/story/{i}", guid=f"g{i}")
        for i in range(n)
    ]
    return ParsedDocument(format="rss", articles=articles, feed_title="Example News", feed_url=f"https://{host}/rss")


def load_sample(device: Device, n: int = 5) -> None:
    doc = sample_feed(n)
    device.cache.import_document(doc, feed_url=doc.feed_url, feed_title=doc.feed_title)


def make_story(device: Device, story_id: int, urls: list[str]) -> None:
    """A story of these articles, as clustering would have made it."""
    with device.cache.write() as conn:
        conn.execute(
            "INSERT INTO stories(id, title, first_ts, last_ts, created_at, updated_at) VALUES (?, 't', 0, 0, 0, 0)",
            (story_id,),
        )
        for url in urls:
            conn.execute(
                "INSERT INTO story_articles(article_id, story_id, score, joined_at) VALUES (?, ?, 1.0, 0)",
                (device.id_of(url), story_id),
            )
