"""Last writer wins, per synced thing: the rule every device applies.

A thing is ``(kind, key)``; of two versions the one with the later stamp
wins, a tie goes to the greater device id. The rule is a total order, so the
newest version of each thing does not depend on the order logs are read in:
every device that has read the same changes holds the same state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from newsreader.store import Change

Thing = tuple[str, str]


def merge(known: Mapping[Thing, Change], incoming: Iterable[Change]) -> dict[Thing, Change]:
    """The versions of ``incoming`` that win over ``known`` (and over each other)."""
    winners: dict[Thing, Change] = {}
    for change in incoming:
        thing = (change.kind, change.key)
        current = winners.get(thing) or known.get(thing)
        if change.wins_over(current):
            winners[thing] = change
    return winners


def newest(changes: Iterable[Change]) -> dict[Thing, Change]:
    """The winning version of each thing among ``changes``."""
    return merge({}, changes)
