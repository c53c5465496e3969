# SPDX-License-Identifier: MIT
"""A store that counts the calls of one of its methods, to show what a cache spared."""

from __future__ import annotations

from typing import Any


class CountingStore:
    """The store, every attribute passed through; calls of ``method`` counted in ``calls``."""

    def __init__(self, store: Any, method: str) -> None:
        self.store = store
        self.method = method
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.store, name)
        if name != self.method:
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return found(*args, **kwargs)

        return counted
