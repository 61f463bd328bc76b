"""Issue 13 outside the store: config keys, the schedule, notifications,
commands, links, openers, Markdown, pipe and save."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from newsreader.config.settings import Config, FeedConfig, load_config
from newsreader.core.commands import fill, run_command
from newsreader.exchange.article_out import (
    OutError,
    article_links,
    article_markdown,
    choose_opener,
    pipe_article,
    safe_file_name,
    save_article,
)
from newsreader.feeds.notify import Notification, NotificationBatcher, run_notify_command, terminal_escape
from newsreader.feeds.schedule import MAX_BACKOFF, due_feeds, feed_schedule, next_wakeup, stagger, start_refresh
from newsreader.store import ArticleRow, FeedState, StoryRow

CONFIG = """
[fetch]
interval_minutes = 30
refresh_on_start = false

[[feed]]
url = "https://a.example/rss"
interval_minutes = 120

[ui]
read_by_story = false
notify_command = ["notify-send", "{title}", "{body}"]
pipe_command = ["less", "-R"]
save_dir = "/tmp/saved"

[[rule]]
match = '"port strike"'
actions = ["flag", "notify"]
tag = "strike"

[[rule]]
match = "source:"
actions = ["hide"]

[[opener]]
match = 'youtube\\.com/'
command = ["mpv", "{url}"]

[[opener]]
match = '(unclosed'
command = ["mpv", "{url}"]

[[opener]]
type = "audio/*"
command = ["mpv", "--no-video", "{url}"]

[[opener]]
type = "audio/mpeg"
command = "mpv {url}"
"""


def test_config_reads_the_daily_keys_and_says_what_is_wrong_in_one_line_each(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    before = path.read_bytes()
    config = load_config(path)
    assert config.fetch.interval_minutes == 30 and config.fetch.refresh_on_start is False
    assert config.feeds[0].interval_minutes == 120
    assert config.ui.read_by_story is False
    assert config.ui.notify_command == ("notify-send", "{title}", "{body}")
    assert config.ui.pipe_command == ("less", "-R")
    assert config.ui.save_dir == Path("/tmp/saved")
    assert [r.number for r in config.rules] == [1]
    assert config.rules[0].tags == ("strike",) and config.rules[0].notify
    assert [o.number for o in config.openers] == [1, 3]
    text = "\n".join(config.warnings)
    assert f"{path}: rule 2: match: source: needs a source name" in text
    assert f"{path}: opener 2: match: not a regular expression" in text
    assert f"{path}: opener 4: command: write the command as a list of arguments" in text
    assert all("\n" not in w for w in config.warnings) and len(config.warnings) == 3
    assert path.read_bytes() == before  # never rewritten


def test_bad_values_for_new_keys_fall_back(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[fetch]\nrefresh_on_start = "yes"\n[ui]\nnotify_command = ["x", "{nope}"]\nsave_dir = 3\n')
    config = load_config(path)
    assert config.fetch.refresh_on_start is True
    assert config.ui.notify_command is None and config.ui.save_dir is None
    assert len(config.warnings) == 3


# -- schedule ----------------------------------------------------------------

NOW = 1_800_000_000


def state(url, **kw) -> FeedState:
    return FeedState(url=url, **kw)


def test_schedule_interval_stagger_backoff_retry_after_and_gone():
    config = Config(feeds=[FeedConfig(f"https://f{n}.example/rss") for n in range(6)])
    config.feeds[1].interval_minutes = 15
    urls = [f.url for f in config.feeds]
    states = {
        urls[0]: state(urls[0], last_attempt=NOW - 3600 - 400, last_success=NOW - 3600 - 400),  # due
        urls[1]: state(urls[1], last_attempt=NOW - 60, last_success=NOW - 60),  # its own 15 min
        urls[2]: state(urls[2], last_attempt=NOW - 600, last_success=NOW - 7 * 3600, last_error="503"),
        urls[3]: state(urls[3], last_attempt=NOW - 60, last_success=NOW - 3600, last_error="x", retry_after=NOW + 9000),
        urls[4]: state(urls[4], last_attempt=NOW - 60, gone=True),
    }  # urls[5] never fetched
    plan = {s.feed.url: s for s in (feed_schedule(f, states.get(f.url), NOW, 60) for f in config.feeds)}
    assert plan[urls[0]].due and plan[urls[5]].due and plan[urls[5]].reason == "new"
    assert plan[urls[1]].next_due == NOW - 60 + 900 + stagger(urls[1], 900)
    assert plan[urls[2]].reason == "back-off"
    # It has been failing for 7 h less 10 min: it waits as long again.
    assert plan[urls[2]].next_due == NOW - 600 + (7 * 3600 - 600) + stagger(urls[2], 3600)
    assert plan[urls[3]].reason == "retry-after" and plan[urls[3]].next_due == NOW + 9000
    assert plan[urls[4]].next_due is None and not plan[urls[4]].due
    assert [f.url for f in due_feeds(config, states, NOW)] == [urls[0], urls[5]]  # longest overdue first
    assert next_wakeup(config, states, NOW) == NOW
    config.fetch.refresh_on_start = False
    assert start_refresh(config, states, NOW) == []


def test_backoff_doubles_and_is_capped():
    feed = FeedConfig("https://f.example/rss")
    waits = []
    for failing_for in (0, 3600, 7200, 14400, 10 * 86400):
        s = feed_schedule(
            feed, state(feed.url, last_attempt=NOW, last_success=NOW - failing_for, last_error="e"), NOW, 60
        )
        waits.append((s.next_due or 0) - NOW - stagger(feed.url, 3600))
    assert waits == [3600, 3600, 7200, 14400, MAX_BACKOFF]


def test_stagger_is_stable_and_spread():
    offsets = {stagger(f"https://f{n}.example/rss", 3600) for n in range(50)}
    assert len(offsets) > 30 and all(0 <= o < 300 for o in offsets)
    assert stagger("https://x.example/", 3600) == stagger("https://x.example/", 3600)


# -- notifications -----------------------------------------------------------


def test_batcher_gives_at_most_one_notification_per_interval():
    clock = [100.0]
    batcher = NotificationBatcher(lambda: clock[0], interval=5)
    assert batcher.due() is None
    batcher.add_matches("port strike", [1, 2])
    first = batcher.due()
    assert first is not None and first.title == "2 new articles match 'port strike'"
    batcher.add_matches("port strike", [2, 3, 4])  # 2 was told already
    batcher.add_stories([StoryRow(9, "Bridge\x1b]0;pwn\x07 closes", 0, 0, 3, 3, 1, False, True)])
    assert batcher.due() is None and batcher.next_at() == 105.0
    clock[0] = 105.0
    second = batcher.due()
    assert second is not None and second.article_ids == (3, 4) and second.story_ids == (9,)
    assert second.title == "newsreader: 2 updates"
    assert "\x1b" not in second.body and "is now told by 3 outlets" in second.body


def test_terminal_escapes_carry_no_control_characters_from_titles():
    note = Notification("Evil\x1b]52;c;AAAA\x07title", "body;\x9b31m\n")
    for kind in ("osc9", "osc777"):
        text = terminal_escape(note, kind)
        assert text.startswith("\x1b]") and text.endswith("\x1b\\")
        inner = text[2:-2]
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in inner)
    assert terminal_escape(note, "osc777").count(";") == 3


def test_notify_command_runs_an_argument_list_and_missing_programs_are_one_line(tmp_path):
    out = tmp_path / "out.txt"
    script = f"import sys; open({str(out)!r}, 'w').write('|'.join(sys.argv[1:]))"
    result = run_notify_command([sys.executable, "-c", script, "{title}", "{body}"], Notification("T; rm -rf ~", "B"))
    assert result.ok and out.read_text() == "T; rm -rf ~|B"
    missing = run_notify_command(["no-such-program-xyz", "{title}"], Notification("t", "b"))
    assert missing.error == "no-such-program-xyz: program not found"


def test_run_command_time_limit_and_failure():
    started = time.monotonic()
    hung = run_command([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert hung.error is not None and "stopped after 0.5 s" in hung.error and time.monotonic() - started < 10
    failed = run_command([sys.executable, "-c", "raise SystemExit(3)"])
    assert failed.status == 3 and failed.error is not None and "status 3" in failed.error
    assert fill(["x", "{title}", "{other}"], {"title": "a\nb"}) == ["x", "a b", "{other}"]


# -- links, openers, Markdown, pipe, save -----------------------------------------


def row(title="Harbour pilots agree", **kw) -> ArticleRow:
    values = dict(
        id=1,
        key="k",
        title=title,
        source="Harbour Gazette",
        source_id=1,
        source_kind="feed",
        url="https://news.example/1",
        author="Ana Ruiz",
        published="2026-11-25",
        precision="day",
        published_text=None,
        summary=None,
        body="See the report (https://docs.example/r.pdf). More at https://b.example/x, and (https://news.example/1).",
        summary_only=False,
        is_read=False,
        captions=[("Quay at dawn https://img.example/q.jpg", "Jo Lee")],
        enclosures=[{"url": "https://cdn.example/ep.mp3", "type": "audio/mpeg", "length": 1234}],
    )
    values.update(kw)
    return ArticleRow(**values)  # type: ignore[arg-type]


def test_links_are_numbered_once_each_with_enclosures():
    links = article_links(row())
    assert [(link.number, link.kind, link.url) for link in links] == [
        (1, "article", "https://news.example/1"),
        (2, "link", "https://docs.example/r.pdf"),
        (3, "link", "https://b.example/x"),
        (4, "link", "https://img.example/q.jpg"),
        (5, "enclosure", "https://cdn.example/ep.mp3"),
    ]
    assert links[1].text == "See the report"
    assert links[4].media_type == "audio/mpeg" and links[4].length == 1234
    assert "audio/mpeg, 1,234 bytes" in links[4].label()


def test_opener_by_pattern_then_type_else_browser(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    openers = load_config(path).openers
    links = article_links(row(body="Watch https://youtube.com/watch?v=1"))
    assert choose_opener(openers, links[1]) is openers[0]
    assert choose_opener(openers, links[-1]) is openers[1]  # audio/* enclosure
    assert choose_opener(openers, links[0]) is None


def test_markdown_pipe_and_hostile_titles(tmp_path):
    text = article_markdown(row(title="Pilots\x1b[31m agree"))
    assert "\x1b" not in text and "<https://news.example/1>" in text and "*Quay at dawn" in text
    out = tmp_path / "piped.md"
    result = pipe_article([sys.executable, "-c", f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"], row())
    assert result.ok and out.read_text().startswith("# Harbour pilots agree")
    assert pipe_article([sys.executable, "-c", "raise SystemExit(2)"], row()).status == 2
    hung = pipe_article([sys.executable, "-c", "import time; time.sleep(30)"], row(), timeout=0.5)
    assert hung.error is not None and "stopped" in hung.error


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", 'a/b\\c:d*e?f"g<h>i|j', "\x00\x1b[2J\x07", "..", ".hidden", "x" * 300, "é" * 300, "  "],
)
def test_safe_file_names(title):
    name = safe_file_name(title)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    assert len(name.encode("utf-8")) <= 120
    assert not any(ord(c) < 32 for c in name)


def test_save_never_overwrites_and_bad_folders_are_one_line(tmp_path):
    first = save_article(row(title="../Port strike"), tmp_path)
    second = save_article(row(title="../Port strike"), tmp_path)
    assert first.parent == tmp_path and first.name == "Port strike.md" and second.name == "Port strike-2.md"
    assert first.read_text().startswith("# ../Port strike")
    with pytest.raises(OutError, match="no such folder"):
        save_article(row(), tmp_path / "missing")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.geteuid() != 0:
            with pytest.raises(OutError) as caught:
                save_article(row(), locked)
            assert "\n" not in str(caught.value) and str(locked) in str(caught.value)
    finally:
        locked.chmod(0o700)


def test_feed_items_keep_their_images_for_the_link_list():
    from newsreader.parser import parse

    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
    <item><title>Quay</title><link>https://t.example/q</link>
    <description>&lt;p&gt;Text &lt;img src="/i/q.jpg" alt=""&gt; and &lt;img src='data:image/png;base64,AA'&gt;
    &lt;img src="javascript:alert(1)"&gt;&lt;/p&gt;</description></item></channel></rss>"""
    doc = parse(rss, url="https://t.example/rss")
    assert doc.articles[0].images == ["https://t.example/i/q.jpg"]
    feed = b'{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://j.example/1",'
    feed += b'"image":"https://j.example/lead.jpg","content_html":"<p>x<img src=\\"https://j.example/b.png\\"></p>"}]}'
    assert parse(feed, url="https://j.example/feed.json").articles[0].images == [
        "https://j.example/lead.jpg",
        "https://j.example/b.png",
    ]
