# SPDX-License-Identifier: MIT
"""The engine's caches: least recently used out first, by count and by bytes."""

from __future__ import annotations

from mobility.network.bounded_cache import BoundedCache


def test_a_kept_value_is_not_made_again_and_the_oldest_goes_first() -> None:
    made: list[str] = []
    cache: BoundedCache[str, str] = BoundedCache(2)

    def get(key: str) -> str:
        return cache.get_or_make(key, lambda: made.append(key) or key.upper())

    assert [get("a"), get("b"), get("a")] == ["A", "B", "A"]
    assert made == ["a", "b"]
    get("c")  # "b" is now the least recently used
    assert cache.values() == ["A", "C"]
    get("b")
    assert made == ["a", "b", "c", "b"]


def test_the_byte_budget_keeps_at_least_the_newest() -> None:
    cache: BoundedCache[int, bytes] = BoundedCache(10, nbytes=len, max_bytes=10)
    cache.get_or_make(1, lambda: b"x" * 6)
    cache.get_or_make(2, lambda: b"y" * 6)
    assert cache.values() == [b"y" * 6] and cache.nbytes() == 6
    cache.get_or_make(3, lambda: b"z" * 50)
    assert cache.values() == [b"z" * 50] and cache.nbytes() == 50
    cache.clear()
    assert len(cache) == 0 and cache.nbytes() == 0
