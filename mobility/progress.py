# SPDX-License-Identifier: MIT
"""A plain-text progress bar for the ``mobility`` command, one line per phase, on stderr.

It stands low in the house so that every long job (an asset load, a commune import and its
stages) can report through it without knowing the command line.
"""

from __future__ import annotations

import time
from typing import ClassVar, TextIO


class ProgressBar:
    """A plain-text progress bar redrawn in place on a stream (carriage return), one per phase.

    Called as ``bar(phase, done, total)`` by :func:`~mobility.loading.load_asset_file` (read,
    place, write) and by :func:`~mobility.importing.import_commune` (one phase per stage).
    Redraws at most ten times a second, and always at a phase's end.
    """

    LABELS: ClassVar[dict[str, str]] = {"read": "reading", "place": "placing", "write": "writing"}
    WIDTH = 30

    def __init__(self, stream: TextIO, *, interval_s: float = 0.1) -> None:
        self.stream = stream
        self.interval_s = interval_s
        self.phase: str | None = None
        self.last = 0.0
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int, *, failed: int = 0) -> None:
        """Redraw the bar (a new line when the phase changes).

        ``failed`` counts the items done that failed (a batch's communes): shown when not 0.
        """
        now = time.monotonic()
        if phase != self.phase:
            if self.phase is not None:
                self.stream.write("\n")
            self.phase, self.started, self.last = phase, now, 0.0
        finished = total > 0 and done >= total
        if not finished and now - self.last < self.interval_s:
            return
        self.last = now
        line = self.render(phase, done, total, now - self.started, failed=failed)
        self.stream.write("\r" + line)
        self.stream.flush()

    def render(self, phase: str, done: int, total: int, elapsed: float, *, failed: int = 0) -> str:
        """Return one line such as ``reading [#####.....]  48%  43.2 / 90.1 MB  3.1 s``.

        Counted items (not bytes) also say how many failed and, once some are done, the time
        left at the pace so far: ``communes [###...]  10%  2 / 20, 1 failed  3.1 s, ~28 s left``.
        """
        share = min(1.0, done / total) if total > 0 else 0.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        if phase.startswith("read") and total > 10:  # bytes (the GTFS reader counts a few steps)
            unit, scale = ("MB", 1e6) if total >= 1_000_000 else ("kB", 1e3)
            amount = f"{done / scale:.1f} / {total / scale:.1f} {unit}"
        elif phase.startswith("read"):
            amount = f"step {done} / {total}"
        else:
            amount = f"{done:,} / {total:,}" + (f", {failed:,} failed" if failed else "")
            if 0 < done < total:
                left_s = elapsed / done * (total - done)
                return f"{self._line(phase, bar, share, amount, elapsed)}, ~{left_s:.0f} s left"
        return self._line(phase, bar, share, amount, elapsed)

    def _line(self, phase: str, bar: str, share: float, amount: str, elapsed: float) -> str:
        label = self.LABELS.get(phase, phase)
        return f"{label:<8} [{bar}] {share:>4.0%}  {amount}  {elapsed:.1f} s"

    def close(self) -> None:
        """End the current line."""
        if self.phase is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.phase = None
