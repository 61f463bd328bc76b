"""The TUI's pure models: the reading history, the undo stack, typed list keys."""

from __future__ import annotations

from newsreader.tui.history import ReadingHistory
from newsreader.tui.keys import ALL, SEARCH, ListKey, ListKind
from newsreader.tui.undo import UndoStack


def test_history_goes_back_and_forward_and_a_new_visit_drops_the_forward_entries():
    history = ReadingHistory(limit=3)
    for article_id in (1, 2, 3):
        history.visit(article_id)
    history.remember_scroll(12.0)
    assert history.back().article_id == 2
    assert history.forward().article_id == 3 and history.current.scroll_y == 12.0
    history.back()
    history.visit(9)  # from 2: 3 is gone
    assert history.forward() is None and [history.back().article_id, history.back().article_id] == [2, 1]
    history.visit(1)  # the current one again: no duplicate
    assert len(history) == 3
    for article_id in (4, 5, 6):
        history.visit(article_id)
    assert len(history) == 3 and history.back().article_id == 5


def test_undo_keeps_the_newest_changes_and_skips_empty_ones():
    undo = UndoStack(limit=2)
    undo.push("nothing", [])
    for n in range(3):
        undo.push(f"change {n}", [(n, False)])
    assert len(undo) == 2
    assert undo.pop().label == "change 2" and undo.pop().label == "change 1" and undo.pop() is None


def test_list_keys_are_values():
    assert ListKey.source(7) == ListKey(ListKind.SOURCE, 7) and ListKey.source(7).is_source
    assert ListKey.saved(0) != ListKey.source(0)
    assert not ALL.is_source and SEARCH.kind is ListKind.SEARCH
    assert len({ALL, SEARCH, ListKey.source(1), ListKey.source(1)}) == 3
