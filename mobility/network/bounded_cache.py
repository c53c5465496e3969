# SPDX-License-Identifier: MIT
"""A small thread-safe least-recently-used map, the one mechanism behind the engine's caches.

Values are made outside the lock (making one is the slow part, and two threads making the same
value at once only waste a little work); the lock guards the lookup, the insertion and the
eviction of the least recently used entries beyond a count or, optionally, a byte budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Keeps at most ``max_items`` values, and beyond the newest one at most ``max_bytes``."""

    def __init__(
        self,
        max_items: int,
        *,
        nbytes: Callable[[V], int] | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._nbytes = nbytes or (lambda _value: 0)
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """Return the value kept under ``key``, or make it, keep it and return it."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        with self._lock:
            if key in self._entries:
                self._bytes -= self._nbytes(self._entries.pop(key))
            self._entries[key] = value
            self._bytes += self._nbytes(value)
            while len(self._entries) > self.max_items or (
                self.max_bytes is not None
                and len(self._entries) > 1
                and self._bytes > self.max_bytes
            ):
                self._bytes -= self._nbytes(self._entries.popitem(last=False)[1])
        return value

    def values(self) -> list[V]:
        """Return the kept values, least recently used first."""
        with self._lock:
            return list(self._entries.values())

    def nbytes(self) -> int:
        """Return the bytes of the kept values, as the ``nbytes`` function counts them."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
