"""The garbage collector's full passes, run while the reader pauses.

Every line Textual draws is cyclic garbage (a strip caches itself), so only
the collector's full passes free them, and Python starts one whenever enough
has piled up: mid-frame, with the interface stopped. :class:`IdleCollector`
runs them between key presses instead, and keeps each one short:

* a pass runs once Python would consider one (``gc.get_threshold()[2]``
  younger passes since the last), not after every younger pass;
* what survives a pass is frozen (``gc.freeze``): the next pass walks only
  what was made since, not the long-lived rows, widgets and caches again
  (a pass's time is its walk, about 1 µs an object on a busy heap);
* every few passes, at a longer pause, a complete pass unfreezes everything
  first, so that cycles which died while frozen are freed too.
"""

from __future__ import annotations

import gc

#: Seconds without a key press after which the reader counts as pausing.
#: Short, because keys held down (j through the sources) come about ten a
#: second: a longer pause would rarely come, and Python's own full passes
#: would land mid-frame instead.
IDLE_BEFORE_COLLECTING = 0.06
#: Passes over what is new between two complete passes.
PASSES_BETWEEN_COMPLETE = 4
#: Seconds without a key press a complete pass waits for (reading, not moving)...
IDLE_BEFORE_COMPLETE = 1.0
#: ...unless this many passes have gone by without one (keys never pausing).
PASSES_BEFORE_COMPLETE_ANYWAY = 3 * PASSES_BETWEEN_COMPLETE


class IdleCollector:
    """Decides, at each tick of a timer, whether a pass runs now, and which."""

    def __init__(self) -> None:
        self.passes = 0  # passes over what is new since the last complete pass
        self.complete_passes = 0

    def tick(self, idle: float) -> str | None:
        """``idle``: seconds since the last key press. Returns the pass run
        (``"new"`` or ``"complete"``), or None."""
        if not gc.isenabled() or idle < IDLE_BEFORE_COLLECTING:
            return None
        if self.passes >= PASSES_BEFORE_COMPLETE_ANYWAY or (
            self.passes >= PASSES_BETWEEN_COMPLETE and idle >= IDLE_BEFORE_COMPLETE
        ):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.passes = 0
            self.complete_passes += 1
            return "complete"
        if gc.get_count()[2] < gc.get_threshold()[2]:
            return None  # little has reached the old generation since the last pass
        gc.collect()
        gc.freeze()
        self.passes += 1
        return "new"
