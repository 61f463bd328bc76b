"""Saved searches: ``[[search]]`` tables in ``config.toml``.

```toml
[[search]]
name = "Harbour, unread"
query = 'harbour source:"Harbour Gazette" is:unread'
```

Each one is a query in the language of :mod:`newsreader.search.language`, shown in
the source list under its name. Reading follows the rules of
:mod:`newsreader.config.settings` (never raises, one warning line per entry that is
skipped: no name, a name used twice, a query that does not parse); editing
goes through :class:`newsreader.config.editing.SectionEdit` like
:func:`newsreader.config.settings.add_feeds`, so comments and every other setting
survive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.config.editing import SectionEdit
from newsreader.core.sanitize import clean_line
from newsreader.core.textnorm import normalize_name
from newsreader.search.language import Query, QueryError, parse_query

if TYPE_CHECKING:
    from newsreader.core.paths import Paths

__all__ = ["MAX_NAME_CHARS", "SavedSearch", "add_search", "read_searches", "remove_search"]

MAX_NAME_CHARS = 80


@dataclass(slots=True)
class SavedSearch:
    """One ``[[search]]`` table: its name, the query as written, and the
    query parsed (relative dates such as ``7d`` resolve when it runs)."""

    name: str
    query: str
    parsed: Query = field(default_factory=Query, compare=False, repr=False)


def _check(name: Any, query: Any) -> tuple[SavedSearch | None, str | None, str | None]:
    """(search, None, None) or (None, the field at fault, why)."""
    if not isinstance(name, str) or not clean_line(name):
        return None, "name", "missing; search skipped" if name is None else "expected a name; search skipped"
    if not isinstance(query, str):
        return None, "query", "missing; search skipped" if query is None else "expected a string; search skipped"
    name, query = clean_line(name), clean_line(query)
    if len(name) > MAX_NAME_CHARS:
        return None, "name", f"longer than {MAX_NAME_CHARS} characters; search skipped"
    try:
        parsed = parse_query(query)
    except QueryError as exc:
        return None, "query", f"{exc}; search skipped"
    if parsed.is_empty():
        return None, "query", "asks for nothing (no words, no filters); search skipped"
    return SavedSearch(name, query, parsed), None, None


def read_searches(value: Any, warn: Callable[[str, str], None]) -> list[SavedSearch]:
    """The valid searches of the parsed ``search`` value; ``warn(where,
    message)`` for each one skipped (numbered from 1, as a person counts)."""
    if isinstance(value, dict):
        warn("search", "is a single [search] table; write [[search]] for each search")
        value = [value]
    elif not isinstance(value, list):
        warn("search", "expected [[search]] tables; ignored")
        return []
    searches: list[SavedSearch] = []
    seen: set[str] = set()
    for number, entry in enumerate(value, start=1):
        where = f"search[{number}]"
        if not isinstance(entry, dict):
            warn(where, "expected a table; skipped")
            continue
        for key in entry:
            if key not in ("name", "query"):
                warn(f"{where}.{clean_line(str(key))[:60]}", "unknown setting, ignored")
        search, at, problem = _check(entry.get("name"), entry.get("query"))
        if search is None:
            warn(f"{where}.{at}", problem or "")
            continue
        folded = normalize_name(search.name)
        if folded in seen:
            warn(f"{where}.name", f'"{search.name}" is used twice; later one ignored')
            continue
        seen.add(folded)
        searches.append(search)
    return searches


# -- editing ---------------------------------------------------------------


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [normalize_name(s["name"]) for s in value if isinstance(s, dict) and isinstance(s.get("name"), str)]


def add_search(paths: Paths | Path | str, name: str, query: str, *, replace: bool = False) -> str | None:
    """Append a ``[[search]]`` to config.toml (or, with ``replace``, give an
    existing one of that name the new query), keeping everything else as
    written. Returns None when saved, else one line saying why not."""
    search, _at, problem = _check(name, query)
    if search is None:
        return f"not saved: {problem.removesuffix('; search skipped')}" if problem else "not saved"
    edit, refusal = SectionEdit.open(paths, "search")
    if refusal:
        return refusal
    key = normalize_name(search.name)
    count_before = len(_names(edit.entries))
    present = key in _names(edit.entries)
    if present and not replace:
        return f'a saved search named "{search.name}" already exists'

    def change(tomlkit: Any, doc: Any) -> None:
        if present:
            for table in doc["search"]:
                if isinstance(table.get("name"), str) and normalize_name(table["name"]) == key:
                    table["query"] = search.query
            return
        if "search" not in doc:
            doc["search"] = tomlkit.aot()
        table = tomlkit.table()
        table["name"] = search.name
        table["query"] = search.query
        table.add(tomlkit.nl())
        doc["search"].append(table)

    def check(after: Any) -> str | None:
        names = _names(after)
        expected = count_before if present else count_before + 1
        queries = [s.get("query") for s in after if isinstance(s, dict) and normalize_name(str(s.get("name"))) == key]
        if len(names) != expected or search.query not in queries:
            return "edit did not save exactly the one search"
        return None

    return edit.save(change, check)


def remove_search(paths: Paths | Path | str, name: str) -> str | None:
    """Remove the saved search called ``name`` (any case). Returns None when
    removed, else one line saying why nothing changed."""
    edit, refusal = SectionEdit.open(paths, "search")
    if refusal:
        return refusal
    key = normalize_name(clean_line(name))
    count_before = len(_names(edit.entries))
    removed = _names(edit.entries).count(key)
    if not removed:
        return f'no saved search named "{clean_line(name)[:MAX_NAME_CHARS]}"'

    def check(after: Any) -> str | None:
        names = _names(after)
        if key in names or len(names) != count_before - removed:
            return "edit did not remove the search"
        return None

    return edit.save(lambda _tomlkit, doc: edit.remove_where(doc, "name", key, normalize_name), check)
