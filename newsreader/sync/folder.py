"""The folder backend: devices meet in a folder that another tool copies around.

Each sync writes this device's waiting changes to its own log, reads what
the other logs gained since last time, merges (last writer wins, see
:mod:`newsreader.sync.merge`) and applies what won. Its own log is compacted
when it has grown to twice its size after the last compaction.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from newsreader.sync.apply import apply_changes
from newsreader.sync.changelog import ChangeLog
from newsreader.sync.context import SyncContext, SyncError, SyncReport
from newsreader.sync.merge import merge

#: The own log is compacted once it is this much bigger than after the last compaction.
COMPACT_SLACK = 256 * 1024


def _positions(text: str | None) -> dict[str, tuple[str, int]]:
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    return {
        name: (str(value[0]), int(value[1]))
        for name, value in raw.items()
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], int)
    }


class FolderBackend:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def run(self, ctx: SyncContext) -> SyncReport:
        log = ChangeLog(self.folder, ctx.device)
        problem = log.check()
        if problem:
            raise SyncError(problem)
        report = SyncReport()
        state = ctx.state
        pending = state.pending()
        if pending:
            mine = [replace(c, device=ctx.device) for c in pending]
            try:
                log.append(mine)
            except OSError as exc:
                raise SyncError(f"{log.own}: cannot write: {exc.strerror or exc}") from None
            known = state.known()
            winners = merge(known, mine)
            # A local change that lost to a newer one from elsewhere: put that one back.
            lost = [known[t] for t in {(c.kind, c.key) for c in mine} - winners.keys()]
            report.applied.merge(apply_changes(ctx.paths, ctx.cache, lost))
            state.remember(winners.values())
            state.confirm(pending)
            report.pushed = len(pending)
        facts = state.facts()
        result = log.read(_positions(facts.get("folder_positions")))
        report.problems.extend(result.problems)
        winners = merge(state.known(), result.changes)
        waiting = {(c.kind, c.key) for c in state.pending()}
        report.applied.merge(apply_changes(ctx.paths, ctx.cache, winners.values(), waiting))
        state.remember(c for t, c in winners.items() if t not in waiting)
        report.received = len(winners)
        positions = {name: [epoch, offset] for name, (epoch, offset) in result.positions.items()}
        state.set_facts(folder_positions=json.dumps(positions))
        compacted = int(facts.get("folder_compacted", "0") or 0)
        if log.own_size() > 2 * compacted + COMPACT_SLACK:
            log.compact()
            state.set_facts(folder_compacted=str(log.own_size()))
        return report
