# SPDX-License-Identifier: MIT
"""Fixed-window hit counts shared by every worker, counted in batches where a budget is large.

The store's ``rate_counters`` table is the one count every worker adds to
(:meth:`~mobility.store.Store.count_hit`, one atomic upsert). Writing it on every request would
put a database write in front of every read, the cheapest answers of all; so each worker keeps
a tally per bucket and adds its hits to the table in batches: a budget of ``limit`` hits is
counted in batches of ``limit // 64`` (at most 50), so budgets under 128 are counted exactly,
hit by hit, and a large read budget costs one write per batch. A worker decides from what it
knows: the table's count when it last added a batch, plus its own hits since. A worker can
therefore let through up to a batch more than the budget for each request of that client it
has in flight when the budget runs out (one client, 2 workers, a budget of 1,200 in batches of
18: a few dozen more, a few per cent), never N times the budget. Once a bucket is known to be
over its budget the worker refuses without asking the database again until the window ends.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mobility.store import Store

BATCH_DIVISOR = 64
MAX_BATCH = 50


def batch_size(limit: int) -> int:
    """Return how many hits a worker counts before adding them to the shared table."""
    return max(1, min(MAX_BATCH, limit // BATCH_DIVISOR))


def window_start(now_s: float, window_s: int) -> int:
    """Return the start (Unix seconds) of the fixed window holding ``now_s``."""
    return int(now_s // window_s) * window_s


def retry_after(window_s: int, now_s: float) -> int:
    """Return the whole seconds until the current fixed window ends (at least 1)."""
    return max(1, math.ceil(window_s - now_s % window_s))


@dataclass
class _Tally:
    start: int
    end: int
    known: int = 0
    """Hits counted in the shared table as far as this worker knows (its own batches included)."""
    pending: int = 0
    """This worker's hits not yet added to the shared table."""


class RateCounter:
    """One worker's view of the shared counts: decides locally, adds to the table in batches."""

    def __init__(self, store: Callable[[], Store], clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._tallies: dict[str, _Tally] = {}
        self._swept_at = 0.0

    def claim(self, bucket: str, limit: int, window_s: int) -> tuple[int | None, int]:
        """Count one hit here; return (Retry-After if refused, hits to add to the table now).

        Never blocks on the database: when the second number is above 0 the caller must pass it
        to :meth:`settle` (the store call) before answering.
        """
        now = self._clock()
        start = window_start(now, window_s)
        with self._lock:
            self._sweep(now)
            tally = self._tallies.get(bucket)
            if tally is None or tally.start != start:
                tally = self._tallies[bucket] = _Tally(start, start + window_s)
            if tally.known + tally.pending >= limit:
                return retry_after(window_s, now), 0
            tally.pending += 1
            if tally.pending < batch_size(limit):
                return None, 0
            flushed, tally.pending = tally.pending, 0
            tally.known += flushed  # a lower bound until the table answers
            return None, flushed

    def settle(self, bucket: str, limit: int, window_s: int, hits: int) -> int | None:
        """Add a batch of hits to the shared table; return Retry-After if the bucket is over."""
        now = self._clock()
        total = self._store().count_hit(bucket, window_s, now, hits)
        with self._lock:
            tally = self._tallies.get(bucket)
            if tally is not None and tally.start == window_start(now, window_s):
                tally.known = max(tally.known, total)
        return retry_after(window_s, now) if total > limit else None

    def hit(self, bucket: str, limit: int, window_s: int) -> int | None:
        """Count one hit (blocking on the table when a batch is due); Retry-After if refused."""
        refused, due = self.claim(bucket, limit, window_s)
        if refused is not None or not due:
            return refused
        return self.settle(bucket, limit, window_s, due)

    def _sweep(self, now: float) -> None:
        """Forget the tallies of ended windows (at most once a second): memory stays bounded."""
        if now - self._swept_at < 1.0:
            return
        self._swept_at = now
        ended = [bucket for bucket, tally in self._tallies.items() if tally.end <= now]
        for bucket in ended:
            del self._tallies[bucket]
