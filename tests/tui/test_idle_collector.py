"""The idle collector's choices: when a pass runs, what it freezes, when a complete pass unfreezes."""

from __future__ import annotations

import gc

import pytest

from newsreader.tui import idle_collector
from newsreader.tui.idle_collector import IdleCollector


class Calls(list):
    """gc's calls, recorded in place of being made; ``state["old"]`` is gc.get_count()[2]."""

    def __init__(self) -> None:
        super().__init__()
        self.state = {"old": 0}


@pytest.fixture
def calls(monkeypatch):
    made = Calls()
    state = made.state
    monkeypatch.setattr(gc, "collect", lambda *args: made.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: made.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: made.append("unfreeze"))
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, state["old"]))
    return made


PAUSE = idle_collector.IDLE_BEFORE_COLLECTING + 0.01
ENOUGH = gc.get_threshold()[2]


def test_no_pass_right_after_a_key(calls):
    calls.state["old"] = ENOUGH
    assert IdleCollector().tick(0.0) is None
    assert calls == []


def test_a_pass_waits_until_python_would_consider_one(calls):
    collector = IdleCollector()
    calls.state["old"] = ENOUGH - 1
    assert collector.tick(PAUSE) is None
    calls.state["old"] = ENOUGH
    assert collector.tick(PAUSE) == "new"
    assert calls == ["collect", "freeze"]  # what survived is not walked again


def test_a_complete_pass_unfreezes_at_a_longer_pause(calls):
    collector = IdleCollector()
    calls.state["old"] = ENOUGH
    for _ in range(idle_collector.PASSES_BETWEEN_COMPLETE):
        assert collector.tick(PAUSE) == "new"
    assert collector.tick(PAUSE) == "new"  # keys still coming: not yet
    calls.clear()
    assert collector.tick(idle_collector.IDLE_BEFORE_COMPLETE) == "complete"
    assert calls == ["unfreeze", "collect", "freeze"]  # cycles that died frozen are freed
    assert collector.passes == 0


def test_a_complete_pass_comes_even_if_keys_never_pause(calls):
    collector = IdleCollector()
    calls.state["old"] = ENOUGH
    for _ in range(idle_collector.PASSES_BEFORE_COMPLETE_ANYWAY):
        assert collector.tick(PAUSE) == "new"
    assert collector.tick(PAUSE) == "complete"


def test_nothing_while_the_collector_is_off(calls, monkeypatch):
    monkeypatch.setattr(gc, "isenabled", lambda: False)
    calls.state["old"] = ENOUGH
    assert IdleCollector().tick(10.0) is None
    assert calls == []
