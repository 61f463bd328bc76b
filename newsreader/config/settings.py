"""``config.toml``: the feeds, fetch limits, keymap, theme and retention.

Reading never raises and never trusts the file. A file that does not parse
gives the defaults plus ``config.error`` (``path:line:col: reason``) and
``config.writable = False``; nothing may then save over it. A value of the
wrong type or a dangerous one (a zero interval, a concurrency of 10,000, a
keymap entry that is a shell command, a ``javascript:`` feed) is reported as
one warning line (``path: feed[3].url: refused: javascript: URL``) and
replaced by its default or skipped. Feed numbers in warnings count from 1,
the way a person counts the ``[[feed]]`` tables in the file.

Editing (:func:`add_feed`, :func:`add_feeds`, :func:`remove_feed`, in
:mod:`newsreader.config.editing` and re-exported here) goes through ``tomlkit``
so the user's comments, order and other tables survive, and writes
atomically with a ``.bak``. None edits a file that does not parse.

```toml
[[feed]]
url = "https://example.org/rss.xml"
title = "Example News"          # optional
tags = ["world"]                # optional
full_text = false               # fetch each article's page

[fetch]
concurrency = 16                # 1..64 requests at once
per_host = 4                    # 1..64 at once to one host
timeout = 20                    # seconds, 1..300
interval_minutes = 60           # refresh period, at least 15 (a [[feed]] may set its own)
refresh_on_start = true         # refresh the due feeds when the reader starts
image_cache_mb = 100            # 1..10000: articles' pictures kept on disk

[keymap]                        # binding id = key(s), comma-separated
bookmark = "s"

[ui]
theme = "textual-dark"
show_sidebar = true
measure = 80                    # the article's text: at most this many characters a line (30..240)
read_by_story = true            # reading an article marks its story's other versions read
keep_revisions = 5              # earlier versions kept of an article a feed changed (1..50)
notify_command = ["notify-send", "{title}", "{body}"]   # optional; never a shell
pipe_command = ["less"]         # | : the article as Markdown on standard input
save_dir = "~/Downloads"        # s : where articles are saved as Markdown
images = "auto"                 # auto (the terminal's graphics) | blocks (coloured half-blocks) | off
briefing_since = "last-open"    # the Briefing's start: last-open (the opening before) or 12h, 3d, 2w ago

[retention]
keep_days = 90                  # articles older than this may be dropped
keep_items = 2000               # per source

[[search]]                      # a saved search, shown in the source list
name = "Harbour, unread"
query = 'harbour source:"Harbour Gazette" is:unread'
```

Rules and openers (``[[rule]]``, ``[[opener]]``) are read by
:mod:`newsreader.config.actions`.

Saved searches are read and edited by :mod:`newsreader.config.saved_searches`
(:func:`add_search`, :func:`remove_search`, re-exported here).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.config.actions import Opener, Rule, check_command, read_openers, read_rules
from newsreader.config.editing import add_feed, add_feeds, config_path, remove_feed
from newsreader.config.key_spelling import check_key, check_keys, type_name
from newsreader.config.saved_searches import SavedSearch, add_search, read_searches, remove_search
from newsreader.config.sync_settings import SyncSettings, read_sync
from newsreader.core.models import Subscription
from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean_line
from newsreader.core.tomlfile import load_toml
from newsreader.core.urls import check_url, normalize_url
from newsreader.search.language import parse_duration

__all__ = [
    "IMAGE_MODES",
    "Config",
    "FeedConfig",
    "FetchConfig",
    "Opener",
    "RetentionConfig",
    "Rule",
    "SavedSearch",
    "SyncSettings",
    "UIConfig",
    "add_feed",
    "add_feeds",
    "add_search",
    "check_key",
    "load_config",
    "remove_feed",
    "remove_search",
]


@dataclass(slots=True)
class FeedConfig:
    """One ``[[feed]]`` table."""

    url: str
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    full_text: bool = False
    #: This feed's refresh period; None: ``[fetch] interval_minutes``.
    interval_minutes: int | None = None

    def to_subscription(self) -> Subscription:
        return Subscription(url=self.url, title=self.title, tags=list(self.tags))


@dataclass(slots=True)
class FetchConfig:
    concurrency: int = 16
    per_host: int = 4
    timeout: float = 20.0
    interval_minutes: int = 60
    refresh_on_start: bool = True
    #: Megabytes of articles' pictures kept in the cache folder.
    image_cache_mb: int = 100


#: ``[ui] images``: how an article's pictures are drawn.
IMAGE_MODES = ("auto", "blocks", "off")


@dataclass(slots=True)
class UIConfig:
    theme: str = "textual-dark"
    show_sidebar: bool = True
    measure: int = 80  # the article's text: at most this many characters a line
    read_by_story: bool = True
    keep_revisions: int = 5
    notify_command: tuple[str, ...] | None = None
    pipe_command: tuple[str, ...] | None = None
    save_dir: Path | None = None  # None: the user's downloads folder
    #: auto: the terminal's graphics protocol (Kitty, Sixel), else half-blocks;
    #: blocks: always coloured half-blocks; off: no picture is fetched.
    images: str = "auto"
    briefing_since: int | None = None  # the Briefing starts this many seconds ago; None: "last-open"


@dataclass(slots=True)
class RetentionConfig:
    keep_days: int = 90
    keep_items: int = 2000


@dataclass(slots=True)
class Config:
    """Everything ``config.toml`` says, checked.

    ``error`` is set (and ``writable`` False) when the file exists but could
    not be read; ``warnings`` holds one line per value that was replaced or
    skipped.
    """

    path: Path | None = None
    feeds: list[FeedConfig] = field(default_factory=list)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    keymap: dict[str, str] = field(default_factory=dict)
    ui: UIConfig = field(default_factory=UIConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    searches: list[SavedSearch] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    openers: list[Opener] = field(default_factory=list)
    sync: SyncSettings | None = None  # None: no sync (see sync_error)
    sync_error: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    writable: bool = True


# name -> (default, lowest, highest, number type); a value under ``lowest``
# but above zero is raised to it, zero or less falls back to the default.
_FETCH_LIMITS: dict[str, tuple[float, float, float, type]] = {
    "concurrency": (16, 1, 64, int),
    "per_host": (4, 1, 64, int),
    "timeout": (20.0, 1, 300, float),
    "interval_minutes": (60, 15, 7 * 24 * 60, int),
    "image_cache_mb": (100, 1, 10_000, int),
}
_RETENTION_LIMITS: dict[str, tuple[float, float, float, type]] = {
    "keep_days": (90, 1, 36500, int),
    "keep_items": (2000, 10, 1_000_000, int),
}
_TOP_LEVEL = ("feed", "fetch", "keymap", "ui", "retention", "search", "rule", "opener", "sync")
_UI_KEYS = (
    "theme",
    "show_sidebar",
    "measure",
    "read_by_story",
    "keep_revisions",
    "notify_command",
    "pipe_command",
    "save_dir",
    "images",
    "briefing_since",
)
_KEEP_REVISIONS_LIMITS: tuple[float, float, float, type] = (5, 1, 50, int)
_MEASURE_LIMITS: tuple[float, float, float, type] = (80, 30, 240, int)

_BINDING_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class _Reader:
    """Turns the parsed TOML into a :class:`Config`, collecting warnings."""

    def __init__(self, path: Path, config: Config) -> None:
        self.path = path
        self.config = config

    def warn(self, where: str, message: str) -> None:
        self.config.warnings.append(f"{self.path}: {where}: {message}")

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.warn(name, f"expected a table, got {type_name(value)}; using defaults")
            return {}
        return value

    def number(self, where: str, value: Any, limits: tuple[float, float, float, type]) -> float:
        default, lowest, highest, kind = limits
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.warn(where, f"expected a number, got {type_name(value)}; using {default}")
            return default
        if kind is int and isinstance(value, float):
            if not value.is_integer():
                self.warn(where, f"expected a whole number, got {value}; using {default}")
                return default
            value = int(value)
        if isinstance(value, float) and not math.isfinite(value):
            self.warn(where, f"{value} is not a usable number; using {default}")
            return default
        if value <= 0:
            self.warn(where, f"must be above zero, got {value}; using {default}")
            return default
        if value < lowest:
            self.warn(where, f"{value} is below the minimum; using {kind(lowest)}")
            return kind(lowest)
        if value > highest:
            self.warn(where, f"{value} is above the maximum; using {kind(highest)}")
            return kind(highest)
        return kind(value)

    def unknown(self, section: str, table: dict[str, Any], known: tuple[str, ...] | dict) -> None:
        for key in table:
            if key not in known:
                where = f"{section}.{key}" if section else clean_line(key)[:60]
                self.warn(where, "unknown setting, ignored")

    def read(self, data: dict[str, Any]) -> None:
        self.unknown("", data, _TOP_LEVEL)
        self.read_feeds(data.get("feed", []))
        fetch = self.table(data, "fetch")
        self.unknown("fetch", fetch, (*_FETCH_LIMITS, "refresh_on_start"))
        for name, limits in _FETCH_LIMITS.items():
            if name in fetch:
                setattr(self.config.fetch, name, self.number(f"fetch.{name}", fetch[name], limits))
        self.flag(fetch, "fetch", "refresh_on_start", self.config.fetch)
        retention = self.table(data, "retention")
        self.unknown("retention", retention, _RETENTION_LIMITS)
        for name, limits in _RETENTION_LIMITS.items():
            if name in retention:
                setattr(self.config.retention, name, self.number(f"retention.{name}", retention[name], limits))
        self.read_ui(self.table(data, "ui"))
        self.read_keymap(self.table(data, "keymap"))
        if "search" in data:
            self.config.searches = read_searches(data["search"], self.warn)
        if "rule" in data:
            self.config.rules = read_rules(data["rule"], self.warn)
        if "opener" in data:
            self.config.openers = read_openers(data["opener"], self.warn)
        self.config.sync, problem = read_sync(data.get("sync"), self.path)
        if problem:
            self.config.sync_error = f"{self.path}: {problem}; sync is off"

    def flag(self, table: dict[str, Any], section: str, name: str, target: object) -> None:
        """A true/false setting; anything else keeps the default, with a warning."""
        if name not in table:
            return
        if isinstance(table[name], bool):
            setattr(target, name, table[name])
        else:
            default = "true" if getattr(target, name) else "false"
            self.warn(f"{section}.{name}", f"expected true or false, got {type_name(table[name])}; using {default}")

    def read_ui(self, ui: dict[str, Any]) -> None:
        self.unknown("ui", ui, _UI_KEYS)
        if "theme" in ui:
            theme = ui["theme"]
            if isinstance(theme, str) and _THEME_NAME.match(theme):
                self.config.ui.theme = theme
            else:
                self.warn("ui.theme", f"expected a theme name, got {clean_line(repr(theme))[:60]}; using default")
        self.flag(ui, "ui", "show_sidebar", self.config.ui)
        if "measure" in ui:
            self.config.ui.measure = int(self.number("ui.measure", ui["measure"], _MEASURE_LIMITS))
        self.flag(ui, "ui", "read_by_story", self.config.ui)
        if "keep_revisions" in ui:
            self.config.ui.keep_revisions = int(
                self.number("ui.keep_revisions", ui["keep_revisions"], _KEEP_REVISIONS_LIMITS)
            )
        for name in ("notify_command", "pipe_command"):
            if name in ui:
                command, problem = check_command(ui[name])
                if command is None:
                    self.warn(f"ui.{name}", f"{problem}; ignored")
                else:
                    setattr(self.config.ui, name, command)
        if "save_dir" in ui:
            folder = ui["save_dir"]
            if isinstance(folder, str) and folder.strip() and "\x00" not in folder:
                self.config.ui.save_dir = Path(folder.strip()).expanduser()
            else:
                self.warn("ui.save_dir", "expected a folder path; using the downloads folder")
        if "images" in ui:
            mode = ui["images"]
            if isinstance(mode, str) and mode in IMAGE_MODES:
                self.config.ui.images = mode
            else:
                self.warn(
                    "ui.images",
                    f"expected one of {', '.join(IMAGE_MODES)}, got {clean_line(repr(mode))[:60]}; using auto",
                )
        if "briefing_since" in ui:
            since = ui["briefing_since"]
            if isinstance(since, str) and (span := parse_duration(since)):  # 0h is no span
                self.config.ui.briefing_since = int(span.total_seconds())
            elif since != "last-open":
                got = clean_line(repr(since))[:60]
                self.warn("ui.briefing_since", f"expected last-open or a span: 12h, 3d, 2w; got {got}; using last-open")

    def read_keymap(self, keymap: dict[str, Any]) -> None:
        for binding, value in keymap.items():
            where = f"keymap.{clean_line(binding)[:60]}"
            if not _BINDING_ID.match(binding):
                self.warn(where, "not a binding id, ignored")
                continue
            keys, problem = check_keys(value)
            if keys is None:
                self.warn(where, f"{problem}; ignored")
                continue
            self.config.keymap[binding] = keys

    def read_feeds(self, feeds: Any) -> None:
        if isinstance(feeds, dict):
            self.warn("feed", "is a single [feed] table; write [[feed]] for each feed")
            feeds = [feeds]
        elif not isinstance(feeds, list):
            self.warn("feed", f"expected [[feed]] tables, got {type_name(feeds)}; ignored")
            return
        seen: set[str] = set()
        for number, entry in enumerate(feeds, start=1):
            feed = self.read_feed(f"feed[{number}]", entry)
            if feed is None:
                continue
            key = normalize_url(feed.url)
            if key in seen:
                self.warn(f"feed[{number}].url", "same feed listed twice; later one ignored")
                continue
            seen.add(key)
            self.config.feeds.append(feed)

    def read_feed(self, where: str, entry: Any) -> FeedConfig | None:
        if not isinstance(entry, dict):
            self.warn(where, f"expected a table, got {type_name(entry)}; skipped")
            return None
        self.unknown(where, entry, ("url", "title", "tags", "full_text", "interval_minutes"))
        url = entry.get("url")
        if not isinstance(url, str):
            self.warn(
                f"{where}.url",
                "missing; feed skipped" if url is None else f"expected a string, got {type_name(url)}; feed skipped",
            )
            return None
        url = url.strip()
        reason = check_url(url)
        if reason:
            self.warn(f"{where}.url", f"refused: {reason}")
            return None
        feed = FeedConfig(url=url)
        title = entry.get("title")
        if isinstance(title, str):
            feed.title = clean_line(title) or None
        elif title is not None:
            self.warn(f"{where}.title", f"expected a string, got {type_name(title)}; ignored")
        feed.tags = self.tags(f"{where}.tags", entry.get("tags", []))
        full_text = entry.get("full_text", False)
        if isinstance(full_text, bool):
            feed.full_text = full_text
        else:
            self.warn(f"{where}.full_text", f"expected true or false, got {type_name(full_text)}; using false")
        if "interval_minutes" in entry:
            interval = self.number(
                f"{where}.interval_minutes", entry["interval_minutes"], _FETCH_LIMITS["interval_minutes"]
            )
            feed.interval_minutes = int(interval)
        return feed

    def tags(self, where: str, value: Any) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.warn(where, f"expected a list of strings, got {type_name(value)}; ignored")
            return []
        tags: list[str] = []
        for item in value:
            if not isinstance(item, str):
                self.warn(where, f"expected strings, got {type_name(item)}; ignored")
                continue
            tag = clean_line(item)
            if tag and tag not in tags:
                tags.append(tag)
        return tags


def load_config(paths: Paths | Path | str) -> Config:
    """Read ``config.toml`` (``paths.config_file``, or a file path). Never raises."""
    path = config_path(paths)
    config = Config(path=path)
    result = load_toml(path)
    if not result.ok:
        config.error = result.error
        config.writable = False
        config.sync_error = f"{result.error}; sync is off"
        return config
    try:
        _Reader(path, config).read(result.data)
    except RecursionError:  # deep but parseable nesting inside a value we walk
        fresh = Config(path=path, error=f"{path}: nested too deeply", writable=False)
        return fresh
    return config
