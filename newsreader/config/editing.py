"""Editing ``config.toml``: adding and removing ``[[feed]]`` tables.

Every edit goes the same way (:class:`SectionEdit`): read the file and
refuse one that does not parse; change one array of tables (``feed`` here,
``search`` in :mod:`newsreader.config.saved_searches`) through ``tomlkit`` so the
user's comments, order and other tables survive; read the new text back and
write it only when it parses, leaves every other table as it was, passes the
edit's own check and the file has not changed on disk meanwhile. Writing is
atomic with a ``.bak``.

:mod:`newsreader.config.settings` re-exports :func:`add_feed`, :func:`add_feeds` and
:func:`remove_feed`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsreader.core.fileio import atomic_write
from newsreader.core.models import Subscription
from newsreader.core.paths import Paths
from newsreader.core.sanitize import clean_line
from newsreader.core.tomlfile import parse_toml_bytes
from newsreader.core.urls import check_url, normalize_url

__all__ = ["NEW_FILE_HEADER", "SectionEdit", "add_feed", "add_feeds", "config_path", "remove_feed"]

NEW_FILE_HEADER = "# newsreader configuration. Comments and order are kept when newsreader edits it.\n"


def config_path(paths: Paths | Path | str) -> Path:
    """``paths.config_file``, or the file path given."""
    return paths.config_file if isinstance(paths, Paths) else Path(paths)


def _read_for_edit(path: Path) -> tuple[bytes, dict[str, Any], str | None]:
    """(raw bytes, parsed data, refusal). Missing file -> (b"", {}, None)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return b"", {}, None
    except OSError as exc:
        return b"", {}, f"{path}: cannot read: {exc.strerror or exc}"
    result = parse_toml_bytes(raw, path)
    if not result.ok:
        return raw, {}, f"{result.error} (not editing a file that does not parse; fix it first)"
    return raw, result.data, None


def _write_edit(
    path: Path, raw_before: bytes, text: str, before: dict[str, Any], check: Callable[[Any], str | None], section: str
) -> str | None:
    """Write ``text`` if it parses, keeps every table but ``section`` and passes ``check``."""
    try:
        after = tomllib.loads(text)
    except Exception as exc:  # noqa: BLE001 - never write what we cannot read back
        return f"{path}: edit produced invalid TOML ({exc}); not saved"
    if {k: v for k, v in after.items() if k != section} != {k: v for k, v in before.items() if k != section}:
        return f"{path}: edit would change other settings; not saved"
    problem = check(after.get(section, []))
    if problem:
        return f"{path}: {problem}; not saved"
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = b""
    except OSError as exc:
        return f"{path}: cannot read: {exc.strerror or exc}"
    if current != raw_before:
        return f"{path}: changed on disk while editing; try again"
    try:
        atomic_write(path, text)
    except OSError as exc:
        return f"{path}: cannot write: {exc.strerror or exc}"
    return None


class SectionEdit:
    """One edit of the ``[[section]]`` tables of config.toml.

    :meth:`open` reads the file; :attr:`entries` is the section as it
    stands (a list, or None when absent); :meth:`save` applies a change to
    the tomlkit document and writes the result if ``check`` accepts the
    section that comes out.
    """

    def __init__(self, path: Path, section: str, raw: bytes, data: dict[str, Any]) -> None:
        self.path = path
        self.section = section
        self.raw = raw
        self.data = data

    @classmethod
    def open(cls, paths: Paths | Path | str, section: str) -> tuple[SectionEdit, str | None]:
        """The edit, and None or one line saying why the file cannot be edited."""
        path = config_path(paths)
        raw, data, refusal = _read_for_edit(path)
        edit = cls(path, section, raw, data)
        if refusal is None and edit.entries is not None and not isinstance(edit.entries, list):
            refusal = f"{path}: {section} is not a list of [[{section}]] tables; fix it by hand first"
        return edit, refusal

    @property
    def entries(self) -> Any:
        return self.data.get(self.section)

    def save(self, change: Callable[[Any, Any], None], check: Callable[[Any], str | None]) -> str | None:
        """Apply ``change(tomlkit, document)``; None when written, else one line saying why not."""
        try:
            import tomlkit  # editing only: keep start-up free of it

            doc = tomlkit.parse(self.raw.decode("utf-8").removeprefix("\ufeff"))
            change(tomlkit, doc)
            text = doc.as_string()
        except Exception as exc:  # noqa: BLE001 - tomlkit disagreeing with tomllib
            return f"{self.path}: cannot edit ({clean_line(str(exc))[:120]}); not saved"
        if not self.raw:
            text = NEW_FILE_HEADER + text
        elif text and not text.endswith("\n"):  # (removing the last table may leave nothing)
            text += "\n"
        return _write_edit(self.path, self.raw, text, self.data, check, self.section)

    def remove_where(self, doc: Any, field: str, key: str, normalize: Callable[[str], str]) -> None:
        """Delete every table whose ``field``, normalised, is ``key`` (and the
        section itself when none is left)."""
        aot = doc[self.section]
        for index in reversed(range(len(aot))):
            value = aot[index].get(field)
            if isinstance(value, str) and normalize(value) == key:
                del aot[index]
        if len(aot) == 0:
            del doc[self.section]


def _feed_url_key(url: str) -> str:
    return normalize_url(url.strip())


def _feed_urls(feeds: Any) -> list[str]:
    if not isinstance(feeds, list):
        return []
    return [_feed_url_key(f["url"]) for f in feeds if isinstance(f, dict) and isinstance(f.get("url"), str)]


def add_feed(paths: Paths | Path | str, url: str, title: str | None = None, tags=()) -> str | None:
    """Append a ``[[feed]]`` to config.toml, keeping everything else as written.

    Returns None when the feed was added, else one line saying why nothing
    changed (already subscribed, URL refused, file does not parse ...).
    """
    added, problems = add_feeds(paths, [Subscription(url=url, title=title, tags=list(tags))])
    return None if added else (problems[0] if problems else "nothing to add")


def add_feeds(paths: Paths | Path | str, subscriptions: list[Subscription]) -> tuple[list[str], list[str]]:
    """Append several feeds in one edit (an OPML import); returns the URLs
    added and one line per feed that was not (already there, refused...)."""
    edit, refusal = SectionEdit.open(paths, "feed")
    if refusal:
        return [], [refusal]
    before = _feed_urls(edit.entries)
    known = set(before)
    wanted: list[tuple[str, Subscription]] = []
    problems: list[str] = []
    for sub in subscriptions:
        url = sub.url.strip()
        reason = check_url(url)
        if reason:
            problems.append(f"refused: {reason}: {clean_line(url)[:100]}")
            continue
        key = normalize_url(url)
        if key in known:
            problems.append(f"already subscribed: {url}")
            continue
        known.add(key)
        wanted.append((url, sub))
    if not wanted:
        return [], problems

    def change(tomlkit: Any, doc: Any) -> None:
        if "feed" not in doc:
            doc["feed"] = tomlkit.aot()
        for url, sub in wanted:
            table = tomlkit.table()
            table["url"] = url
            if sub.title and clean_line(sub.title):
                table["title"] = clean_line(sub.title)
            clean_tags = [t for t in dict.fromkeys(clean_line(t) for t in sub.tags) if t]
            if clean_tags:
                table["tags"] = clean_tags
            table.add(tomlkit.nl())  # a blank line before whatever table follows
            doc["feed"].append(table)

    def check(new_feeds: Any) -> str | None:
        urls = _feed_urls(new_feeds)
        if len(urls) != len(before) + len(wanted) or any(urls.count(normalize_url(u)) != 1 for u, _ in wanted):
            return "edit did not add exactly the new feeds"
        return None

    problem = edit.save(change, check)
    if problem:
        return [], [*problems, problem]
    return [url for url, _ in wanted], problems


def remove_feed(paths: Paths | Path | str, url: str) -> str | None:
    """Remove every ``[[feed]]`` whose URL is ``url`` (compared normalised).

    Returns None when removed, else one line saying why nothing changed.
    """
    edit, refusal = SectionEdit.open(paths, "feed")
    if refusal:
        return refusal
    key = _feed_url_key(url)
    before = _feed_urls(edit.entries)
    removed = before.count(key)
    if not removed:
        return f"not subscribed: {url}"

    def check(new_feeds: Any) -> str | None:
        urls = _feed_urls(new_feeds)
        if key in urls or len(urls) != len(before) - removed:
            return "edit did not remove the feed"
        return None

    return edit.save(lambda _tomlkit, doc: edit.remove_where(doc, "url", key, _feed_url_key), check)
