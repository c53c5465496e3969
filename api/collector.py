# SPDX-License-Identifier: MIT
"""The garbage collector told, once a served app has started, what lives as long as the process.

A worker holds some 230,000 objects that never die (modules, functions, the app's routes and
models); CPython's oldest-generation collection walks them all, and a big answer (a Paris
service area: 68,000 vertices as lists) allocates enough to start one every other request: a
pause of 130–180 ms in an answer of 50 ms. Moving what exists after start-up out of the
collector's reach (``gc.freeze``), and collecting the youngest generation after 50,000
allocations instead of 700, takes those pauses out of the answers. Objects made later (a
commune's context) are collected as usual.

Only the served app (``uvicorn api.main:app``) does this: a test process builds hundreds of
apps, and freezing each one's leftovers would keep their garbage for the whole run.
"""

from __future__ import annotations

import gc

YOUNGEST_THRESHOLD = 50_000
"""Allocations (net of frees) that start a collection of the youngest generation (CPython: 700)."""


def settle_collector() -> None:
    """Collect once, set what survives aside for good, and collect the young less often."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, oldest)
