# SPDX-License-Identifier: MIT
"""The answer to a siting question: the sites in rank order and how close to the best it is."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

Method = Literal["greedy", "exact"]


@dataclass(frozen=True)
class Pick:
    """One chosen site: its candidate index, what it adds, and the running total."""

    candidate: int
    gain: float
    covered_after: float
    cost: float | None = None


@dataclass(frozen=True)
class SitingSolution:
    """Chosen sites in rank order, the covered weight before and after, and how good it is.

    ``bound`` is a proven upper bound on the best covered weight (existing coverage included);
    ``optimality_gap = (bound - value_after) / bound`` (0 when proven optimal, ``None`` when no
    bound is known). :attr:`gain_gap` states the same gap relative to what new sites can add.
    """

    method: Method
    backend: str
    picks: tuple[Pick, ...]
    value_before: float
    value_after: float
    bound: float | None
    optimality_gap: float | None
    solve_time_s: float
    stopped_by_time_limit: bool = False

    @property
    def gained(self) -> float:
        """Weight newly covered by the chosen sites."""
        return self.value_after - self.value_before

    @property
    def candidates(self) -> tuple[int, ...]:
        """Candidate indexes of the picks, in rank order."""
        return tuple(pick.candidate for pick in self.picks)

    @property
    def gain_gap(self) -> float | None:
        """``(bound - value_after) / (bound - value_before)``: the gap on the gain alone."""
        if self.bound is None:
            return None
        room = self.bound - self.value_before
        return max(self.bound - self.value_after, 0.0) / room if room > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the solution as JSON-ready values."""
        body = asdict(self)
        body["gained"] = self.gained
        body["gain_gap"] = self.gain_gap
        return body


def relative_gap(bound: float | None, value: float) -> float | None:
    """``(bound - value) / bound``, 0 for a zero bound, ``None`` without a bound."""
    if bound is None or not np.isfinite(bound):
        return None
    return max(bound - value, 0.0) / bound if bound > 0 else 0.0
