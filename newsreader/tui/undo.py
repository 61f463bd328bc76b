"""Undo for reading-state changes (``m``, ``A``, opening marks read)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StateChange:
    """What one action changed: ``(article_id, was_read)`` pairs and a label."""

    label: str
    previous: tuple[tuple[int, bool], ...]


class UndoStack:
    def __init__(self, limit: int = 100) -> None:
        self._changes: list[StateChange] = []
        self._limit = limit

    def push(self, label: str, previous: list[tuple[int, bool]]) -> None:
        if not previous:
            return
        self._changes.append(StateChange(label, tuple(previous)))
        del self._changes[: -self._limit]

    def pop(self) -> StateChange | None:
        return self._changes.pop() if self._changes else None

    def __len__(self) -> int:
        return len(self._changes)
