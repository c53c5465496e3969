# SPDX-License-Identifier: MIT
"""The batched rate counter against exact counting in the shared table, on both stores.

Several :class:`RateCounter` objects over one store stand for several workers. Whatever the
order of their hits, the hits they let through are at least the budget (none refused early) and
at most the budget plus each worker's unflushed batch; budgets under 128 are exact.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.rate_counter import RateCounter, batch_size, retry_after
from mobility.store import SqlStore

WINDOW_S = 60
T0 = 1_800_000_000.0  # a window start (a multiple of 60)


class Clock:
    """A settable clock, so windows start and end when the test says."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _passed(counter: RateCounter, bucket: str, limit: int, hits: int) -> int:
    return sum(counter.hit(bucket, limit, WINDOW_S) is None for _ in range(hits))


def test_batch_sizes() -> None:
    assert [batch_size(n) for n in (1, 60, 127, 128, 1_200, 3_200, 10**9)] == [
        1,
        1,
        1,
        2,
        18,
        50,
        50,
    ]


def test_retry_after_counts_to_the_end_of_the_window() -> None:
    assert retry_after(60, T0) == 60
    assert retry_after(60, T0 + 59.5) == 1
    assert retry_after(60, T0 + 12.25) == 48


def test_the_table_counts_batches(store: SqlStore) -> None:
    assert store.count_hit("b", WINDOW_S, T0, 5) == 5
    assert store.count_hit("b", WINDOW_S, T0 + 1, 3) == 8
    assert store.hits("b", WINDOW_S, T0 + 59) == 8


def test_small_budgets_are_exact(store: SqlStore) -> None:
    clock = Clock(T0)
    first, second = RateCounter(lambda: store, clock), RateCounter(lambda: store, clock)
    passed = [
        (first if n % 3 else second).hit("reads:a", 100, WINDOW_S) is None for n in range(150)
    ]
    assert passed == [True] * 100 + [False] * 50
    # the worker that wrote the 100th hit knows the budget is spent; the other learns it from
    # the one refused hit it writes; after that both refuse without writing
    assert store.hits("reads:a", WINDOW_S, T0) == 101
    assert second.hit("reads:a", 100, WINDOW_S) == 60  # Retry-After, in seconds
    assert store.hits("reads:a", WINDOW_S, T0) == 101


@pytest.mark.parametrize("limit", [128, 1_200, 5_000])
@pytest.mark.parametrize("workers", [2, 3])
def test_batched_budgets_stay_within_one_batch_per_worker(
    store: SqlStore, limit: int, workers: int
) -> None:
    clock = Clock(T0 + 5)
    counters = [RateCounter(lambda: store, clock) for _ in range(workers)]
    order = random.Random(limit * workers)  # noqa: S311 (a fixed seed: the same order each run)
    passed = sum(
        order.choice(counters).hit("reads:b", limit, WINDOW_S) is None for _ in range(limit + 300)
    )
    slack = workers * (batch_size(limit) - 1)
    assert limit <= passed <= limit + slack
    # the table holds the hits the workers added: all but their unflushed batches, and at
    # most one refused hit each
    assert passed - slack <= store.hits("reads:b", WINDOW_S, clock.now) <= passed + workers


def test_a_new_window_renews_the_budget_and_old_tallies_are_forgotten(store: SqlStore) -> None:
    clock = Clock(T0 + 30)
    counter = RateCounter(lambda: store, clock)
    assert _passed(counter, "writes:c", 5, 8) == 5
    assert counter.hit("writes:c", 5, WINDOW_S) == 30
    clock.now = T0 + WINDOW_S + 0.5
    assert _passed(counter, "other", 5, 1) == 1  # sweeps the ended window's tallies
    assert set(counter._tallies) == {"other"}  # memory stays bounded
    assert _passed(counter, "writes:c", 5, 8) == 5


def test_threads_of_one_worker_share_the_tally(store: SqlStore) -> None:
    """The middleware counts on the event loop and the key checks in threads: one tally."""
    counter = RateCounter(lambda: store, Clock(T0))
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: counter.hit("key:k", 90, WINDOW_S), range(200)))
    assert outcomes.count(None) == 90
    assert 90 <= store.hits("key:k", WINDOW_S, T0) <= 98  # and the refused hits in flight
