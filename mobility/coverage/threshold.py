# SPDX-License-Identifier: MIT
"""The reach a planner asks about: so many metres, or so many minutes, walking or driving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mobility.commune import Mode
from mobility.errors import FieldProblem, InvalidInputError
from mobility.network.speeds import WALK_SPEED_KMH

MAX_WITHIN_M = 50_000.0
MAX_WITHIN_MIN = 180.0


@dataclass(frozen=True)
class Threshold:
    """A distance (``within_m``) or a travel time (``within_min``) for one mode.

    Walking minutes are turned into metres at the walking pace (so both read the same street
    lengths); driving minutes are compared with travel times from each street's speed.
    """

    mode: Mode
    within_m: float | None = None
    within_min: float | None = None

    @property
    def weight(self) -> Literal["length", "time"]:
        """Return what the engine must add up: lengths, or driving times."""
        return "time" if self.within_min is not None and self.mode == "drive" else "length"

    @property
    def cutoff(self) -> float:
        """Return the limit in the weight's unit (metres, or seconds for driving time)."""
        if self.within_m is not None:
            return self.within_m
        minutes = float(self.within_min or 0.0)
        if self.mode == "walk":
            return minutes * 60.0 * WALK_SPEED_KMH / 3.6
        return minutes * 60.0

    def describe(self) -> str:
        """Return the threshold in words."""
        verb = "walking" if self.mode == "walk" else "driving"
        if self.within_m is not None:
            return f"within {self.within_m:g} m {verb} along the streets"
        extra = (
            f" (≈ {self.cutoff:.0f} m at {WALK_SPEED_KMH:g} km/h)" if self.mode == "walk" else ""
        )
        return f"within {self.within_min:g} min {verb}{extra}"


def make_threshold(
    mode: Mode, *, within_m: float | None = None, within_min: float | None = None
) -> Threshold:
    """Validate a threshold: exactly one of metres or minutes, in a sensible range."""
    problems = []
    if mode not in ("walk", "drive"):
        problems.append(FieldProblem("mode", "must be 'walk' or 'drive'"))
    if (within_m is None) == (within_min is None):
        problems.append(FieldProblem("within_m", "give exactly one of within_m or within_min"))
    if within_m is not None and not 0 < within_m <= MAX_WITHIN_M:
        problems.append(FieldProblem("within_m", f"must be in ]0, {MAX_WITHIN_M:g}] metres"))
    if within_min is not None and not 0 < within_min <= MAX_WITHIN_MIN:
        problems.append(FieldProblem("within_min", f"must be in ]0, {MAX_WITHIN_MIN:g}] minutes"))
    if problems:
        raise InvalidInputError("the distance threshold is not valid", problems=problems)
    return Threshold(mode=mode, within_m=within_m, within_min=within_min)
