"""Applying ``[[rule]]`` tables (:mod:`newsreader.config.actions`) to articles.

A refresh or an import applies the rules to its new articles inside the
transaction that stores them (:meth:`DocumentImport.import_document` calls
:func:`apply_rules` when the cache was given rules), so no list ever shows
an article before its rules ran. ``newsreader rules apply`` runs them over
the whole cache. Rules run in the order written; each sees what the ones
before it did (a hidden article can still be tagged or flagged).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsreader.config.actions import Rule
from newsreader.store.articlerows import chunks, dump_extras, load_extras
from newsreader.store.searching import matching_ids

if TYPE_CHECKING:
    import sqlite3

    from newsreader.store.cache import Cache

__all__ = ["RuleOutcome", "apply_rules"]


@dataclass(slots=True)
class RuleOutcome:
    """What one rule matched (``article_ids``) and how many it changed."""

    rule: Rule
    article_ids: list[int] = field(default_factory=list)
    changed: int = 0

    @property
    def matched(self) -> int:
        return len(self.article_ids)


def apply_rules(
    cache: Cache, rules: Sequence[Rule], article_ids: Iterable[int] | None = None, *, dry_run: bool = False
) -> list[RuleOutcome]:
    """Apply ``rules`` in order to ``article_ids`` (every article when None).

    One transaction (a savepoint of the caller's, when inside one); with
    ``dry_run`` nothing is written and ``changed`` stays 0. The outcomes of
    rules with ``notify`` carry the ids to tell the reader about.
    """
    within = None if article_ids is None else sorted(set(article_ids))
    outcomes: list[RuleOutcome] = []
    if within == [] or not rules:
        return [RuleOutcome(rule) for rule in rules]
    with cache.write() as conn:
        for rule in rules:
            outcome = RuleOutcome(rule, matching_ids(cache, rule.query, within=within))
            if not dry_run and outcome.article_ids:
                outcome.changed = _act(cache, conn, rule, outcome.article_ids)
            outcomes.append(outcome)
    return outcomes


def _act(cache: Cache, conn: sqlite3.Connection, rule: Rule, ids: list[int]) -> int:
    """Do what ``rule`` says to ``ids``; how many articles changed."""
    changed: set[int] = set()
    for column, wanted in (("hidden", rule.hide), ("flagged", rule.flag)):
        if not wanted:
            continue
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT id FROM articles WHERE {column} = 0 AND id IN ({marks})", chunk)
            todo = [int(r[0]) for r in rows]
            if todo:
                conn.execute(
                    f"UPDATE articles SET {column} = 1 WHERE id IN ({','.join('?' * len(todo))})",
                    todo,
                )
                changed.update(todo)
    if rule.read:
        changed.update(article_id for article_id, _ in cache.set_read(ids, True))
    if rule.tags:
        changed.update(_add_tags(conn, ids, rule.tags))
    return len(changed)


def _add_tags(conn: sqlite3.Connection, ids: list[int], tags: tuple[str, ...]) -> list[int]:
    """Add ``tags`` to each article's own (kept in ``extras``, mirrored in
    ``article_tags`` by the schema's triggers); ids of those that gained one."""
    gained: list[int] = []
    now = int(time.time())
    for chunk in chunks(ids, 500):
        rows = conn.execute(
            f"SELECT id, extras FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
        for row in rows:
            extras = load_extras(row["extras"])
            current = [t for t in extras.get("tags", []) if isinstance(t, str)]
            folded = {t.casefold() for t in current}
            extra = [t for t in tags if t.casefold() not in folded]
            if not extra:
                continue
            extras["tags"] = current + extra
            conn.execute(
                "UPDATE articles SET extras = ?, updated_at = ? WHERE id = ?", (dump_extras(extras), now, row["id"])
            )
            gained.append(int(row["id"]))
    return gained
