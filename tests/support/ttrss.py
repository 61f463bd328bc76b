"""The tt-rss test server (scripts/ttrss-test-server) for the sync integration tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from newsreader.sync.ttrss_client import TtrssClient
from tests.support.paths import REPO_ROOT

URL = "http://127.0.0.1:8280/tt-rss/"
SCRIPT = REPO_ROOT / "scripts" / "ttrss-test-server"
FEEDS = Path(os.environ.get("TTRSS_FEEDS", "/var/tmp/newsreader-ttrss/feeds"))
FEED_HOST = "feeds.newsreader.test"
USER, PASSWORD = "alice", "alice-pass"


def api_answers() -> bool:
    try:
        reply = httpx.post(URL + "api/", json={"op": "isLoggedIn"}, timeout=3)
        return reply.json().get("status") == 0
    except (httpx.HTTPError, ValueError):
        return False


def ensure_server() -> None:
    """Start the server when it is not answering; skip (fail on CI) where it cannot be."""
    if api_answers():
        return
    why = None
    if os.geteuid() != 0:
        why = "not root"
    elif shutil.which("apt-get") is None:
        why = "no apt-get"
    if why:
        message = f"tt-rss test server cannot be started here ({why}): run scripts/ttrss-test-server start as root"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run([str(SCRIPT), "start"], check=True, timeout=900)
    for _ in range(50):
        if api_answers():
            return
        time.sleep(0.1)
    pytest.fail("scripts/ttrss-test-server start ran, but the tt-rss API does not answer")


def server_client() -> TtrssClient:
    return TtrssClient(URL, USER, PASSWORD, timeout=30)


def reset_account() -> None:
    """Unsubscribe the test user from everything (tt-rss drops their articles with it,
    except starred ones, which it keeps as archived: those are unstarred and marked read)."""
    with server_client() as client:
        starred = [h["id"] for h in client.call("getHeadlines", feed_id=-1, limit=200) or []]
        if starred:
            ids = ",".join(map(str, starred))
            client.call("updateArticle", article_ids=ids, mode=0, field=0)
            client.call("updateArticle", article_ids=ids, mode=0, field=2)
        for feed in client.call("getFeeds", cat_id=-3) or []:
            client.call("unsubscribeFeed", feed_id=feed["id"])


def write_feed(tag: str, items: int) -> str:
    """A feed file with ``items`` articles whose guids and links are new to the server."""
    entries = "".join(
        f"<item><title>{tag} story {i}</title><link>http://{FEED_HOST}/{tag}/{i}.html</link>"
        f"<guid>urn:{tag}:{i}</guid><description>&lt;p&gt;Body of {tag} story {i}.&lt;/p&gt;</description></item>"
        for i in range(items)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Feed {tag}</title><link>http://{FEED_HOST}/</link><description>tests</description>"
        f"{entries}</channel></rss>"
    )
    FEEDS.mkdir(parents=True, exist_ok=True)
    (FEEDS / f"{tag}.xml").write_text(xml, encoding="utf-8")
    return f"http://{FEED_HOST}/{tag}.xml"


def update_feeds() -> None:
    """Make the server fetch every feed of the test user now."""
    with server_client() as client:
        for feed in client.call("getFeeds", cat_id=-3) or []:
            client.call("updateFeed", feed_id=feed["id"])


def device_config(password_command: str = '["printf", "alice-pass"]') -> str:
    return (
        f'[sync]\nbackend = "ttrss"\nurl = "{URL}"\nuser = "{USER}"\n'
        f"password_command = {password_command}\ntimeout = 30\n"
    )


def write_page(tag: str, feeds: list[str]) -> str:
    """A web page that links to ``feeds``: the server finds a feed there itself."""
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="{url}">' for url in feeds)
    FEEDS.mkdir(parents=True, exist_ok=True)
    (FEEDS / f"{tag}.html").write_text(f"<html><head>{links}</head><body>page</body></html>", encoding="utf-8")
    return f"http://{FEED_HOST}/{tag}.html"
