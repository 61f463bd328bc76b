"""``[[rule]]`` and ``[[opener]]`` tables, and the command lists of ``[ui]``.

```toml
[[rule]]                        # applied to new articles, in the order written
match = 'source:"Harbour Gazette" title:horoscope'
actions = ["hide"]              # hide, read, flag, notify (any of them)

[[rule]]
match = '"port strike"'
actions = ["flag", "notify"]
tag = "strike"                  # a tag to add (the tag action)

[[opener]]                      # the first that matches opens a link
match = 'youtube\\.com/|\\.mp4$'   # a regular expression on the URL
command = ["mpv", "{url}"]

[[opener]]
type = "audio/*"                # an enclosure's media type
command = ["mpv", "--no-video", "{url}"]
```

A command is an argument list (never a shell line); ``{url}``, ``{title}``
and ``{file}`` are filled in per argument. Whatever is wrong with one table
is one warning line (``config.toml: rule 2: match: ...``) and that table is
left out; the others still apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsreader.core.sanitize import clean_line
from newsreader.search.language import Query, QueryError, parse_query

__all__ = [
    "ACTIONS",
    "PLACEHOLDERS",
    "Opener",
    "Rule",
    "check_command",
    "read_openers",
    "read_rules",
]

#: What a rule can do to the articles it matches (``tag`` comes with ``tag = "NAME"``).
ACTIONS = ("hide", "read", "flag", "notify", "tag")
PLACEHOLDERS = ("url", "title", "file", "body")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$")
#: Longest regular expression accepted: a pattern is for a URL, not a program.
MAX_PATTERN = 300

Warn = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One ``[[rule]]``: ``number`` counts the tables from 1, as a person does."""

    number: int
    match: str
    query: Query
    hide: bool = False
    read: bool = False
    flag: bool = False
    notify: bool = False
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How messages name it: ``rule 2 ('port strike')``."""
        return f"rule {self.number} ({clean_line(self.match)[:60]!r})"

    def actions(self) -> list[str]:
        names = [name for name in ("hide", "read", "flag", "notify") if getattr(self, name)]
        return names + [f"tag={tag}" for tag in self.tags]


@dataclass(frozen=True, slots=True)
class Opener:
    """One ``[[opener]]``: a URL pattern or a media type, and a command."""

    number: int
    command: tuple[str, ...]
    pattern: re.Pattern[str] | None = None
    media_type: str | None = None

    def matches(self, url: str, media_type: str | None = None) -> bool:
        if self.pattern is not None and self.pattern.search(url):
            return True
        if self.media_type and media_type:
            wanted, given = self.media_type, media_type.split(";")[0].strip().lower()
            if wanted.endswith("/*"):
                return given.startswith(wanted[:-1])
            return given == wanted
        return False


@dataclass(slots=True)
class _Table:
    """One array-of-tables entry being read, with its place for messages."""

    name: str
    number: int
    data: dict[str, Any]
    warn: Warn
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.name} {self.number}"


def check_command(value: Any) -> tuple[tuple[str, ...] | None, str | None]:
    """(the argument list, None) or (None, the reason it is not one).

    A command is a non-empty list of strings whose placeholders are known;
    a string would need a shell to split it, and is refused.
    """
    if isinstance(value, str):
        return None, 'write the command as a list of arguments, e.g. ["notify-send", "{title}"]'
    if not isinstance(value, list) or not value or not all(isinstance(a, str) for a in value):
        return None, "expected a non-empty list of strings"
    if not value[0].strip():
        return None, "the program name is empty"
    for argument in value:
        if "\x00" in argument:
            return None, "an argument holds a NUL character"
        for name in _PLACEHOLDER.findall(argument):
            if name not in PLACEHOLDERS:
                return (
                    None,
                    f"unknown placeholder {{{clean_line(name)[:20]}}} (use {{url}}, {{title}}, {{file}}, {{body}})",
                )
    return tuple(value), None


def read_rules(value: Any, warn: Warn) -> list[Rule]:
    """The ``[[rule]]`` tables that can be used; one warning for each that cannot."""
    rules: list[Rule] = []
    for number, entry in enumerate(_tables(value, "rule", warn), start=1):
        if not isinstance(entry, dict):
            warn(f"rule {number}", "expected a table; rule skipped")
            continue
        rule = _read_rule(number, entry, warn)
        if rule is not None:
            rules.append(rule)
    return rules


def _read_rule(number: int, entry: dict[str, Any], warn: Warn) -> Rule | None:
    where = f"rule {number}"
    for key in entry:
        if key not in ("match", "action", "actions", "tag", "tags"):
            warn(where, f"unknown setting {clean_line(key)[:40]!r}, ignored")
    match = entry.get("match")
    if not isinstance(match, str) or not match.strip():
        warn(where, "match: needs a search query (as in match = '\"port strike\"'); rule skipped")
        return None
    try:
        query = parse_query(match)
    except QueryError as exc:
        warn(where, f"match: {exc}; rule skipped")
        return None
    if query.is_empty():
        warn(where, "match: finds nothing to match; rule skipped")
        return None
    names = _strings(entry.get("actions", entry.get("action", [])))
    if names is None:
        warn(where, "actions: expected a list of hide, read, flag, notify, tag; rule skipped")
        return None
    tags = _strings(entry.get("tag", entry.get("tags", [])))
    if tags is None:
        warn(where, "tag: expected a tag name; rule skipped")
        return None
    clean_tags = tuple(dict.fromkeys(t for t in (clean_line(t).strip() for t in tags) if t))
    unknown = [n for n in names if n not in ACTIONS]
    if unknown:
        warn(where, f"unknown action {clean_line(unknown[0])[:40]!r} (use {', '.join(ACTIONS)}); rule skipped")
        return None
    if "tag" in names and not clean_tags:
        warn(where, 'the tag action needs tag = "NAME"; rule skipped')
        return None
    if not names and not clean_tags:
        warn(where, "no actions; rule skipped")
        return None
    return Rule(
        number=number,
        match=match,
        query=query,
        hide="hide" in names,
        read="read" in names,
        flag="flag" in names,
        notify="notify" in names,
        tags=clean_tags,
    )


def _strings(value: Any) -> list[str] | None:
    """A string or a list of strings as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def read_openers(value: Any, warn: Warn) -> list[Opener]:
    """The ``[[opener]]`` tables that can be used; one warning for each that cannot."""
    openers: list[Opener] = []
    for number, entry in enumerate(_tables(value, "opener", warn), start=1):
        where = f"opener {number}"
        if not isinstance(entry, dict):
            warn(where, "expected a table; opener skipped")
            continue
        for key in entry:
            if key not in ("match", "type", "command"):
                warn(where, f"unknown setting {clean_line(key)[:40]!r}, ignored")
        command, problem = check_command(entry.get("command"))
        if command is None:
            warn(where, f"command: {problem}; opener skipped")
            continue
        pattern = entry.get("match")
        media_type = entry.get("type")
        if pattern is None and media_type is None:
            warn(where, "needs match (a regular expression on the URL) or type (a media type); opener skipped")
            continue
        compiled = None
        if pattern is not None:
            if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_PATTERN:
                warn(where, f"match: expected a regular expression of at most {MAX_PATTERN} characters; opener skipped")
                continue
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                warn(where, f"match: not a regular expression: {clean_line(str(exc))}; opener skipped")
                continue
        if media_type is not None:
            if not isinstance(media_type, str) or not _MEDIA_TYPE.match(media_type.strip().lower()):
                warn(where, 'type: expected a media type like "audio/mpeg" or "video/*"; opener skipped')
                continue
            media_type = media_type.strip().lower()
        openers.append(Opener(number=number, command=command, pattern=compiled, media_type=media_type))
    return openers


def _tables(value: Any, name: str, warn: Warn) -> list[Any]:
    if isinstance(value, dict):
        warn(name, f"is a single [{name}] table; write [[{name}]] for each")
        return [value]
    if not isinstance(value, list):
        warn(name, f"expected [[{name}]] tables; ignored")
        return []
    return value
