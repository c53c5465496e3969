# SPDX-License-Identifier: MIT
"""Pin what the server draws from the clock and from chance, for runs that must repeat exactly.

A new record's revision (its ETag) starts at the clock in microseconds and a scenario's id is
random. Schemathesis feeds the answers it gets back into what it generates next (ids and ETags
from its pool of answers, the stateful links), so with these values free two runs of the same
seed drift apart after the first write. Pinned, they count from fixed starts: every run of the
contract test sends the same requests and gets the same answers.
"""

from __future__ import annotations

import itertools
import types
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

import mobility.store.rows
import mobility.store.sql_plans

FIRST_MICROSECOND = 1_765_000_000_000_000
"""A fixed creation time, in microseconds, for the first record written (December 2025)."""


@contextmanager
def pinned_clock_and_ids() -> Iterator[None]:
    """Within the block, revisions count up from a fixed time and scenario ids from 1."""
    microseconds = itertools.count(FIRST_MICROSECOND)
    serials = itertools.count(1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            mobility.store.rows,
            "time",
            types.SimpleNamespace(time_ns=lambda: next(microseconds) * 1000),
        )
        patch.setattr(
            mobility.store.sql_plans,
            "uuid",
            types.SimpleNamespace(uuid4=lambda: uuid.UUID(int=next(serials) << 64)),
        )
        yield
