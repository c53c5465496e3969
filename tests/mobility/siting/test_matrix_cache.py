# SPDX-License-Identifier: MIT
"""The kept coverage matrix: the same rows as a fresh build, whatever was done with a copy."""

from __future__ import annotations

import numpy as np
import pytest

from mobility.coverage.context import CommuneContext
from mobility.errors import InvalidInputError
from mobility.siting import candidates as candidate_sources
from mobility.siting.matrix import coverage_matrix
from mobility.siting.matrix_cache import kept_coverage_matrix


def _same(got: object, expected: object) -> bool:
    difference = got != expected  # type: ignore[operator]
    return bool(difference.nnz == 0)


@pytest.mark.parametrize(
    ("mode", "weight", "cutoff"), [("walk", "length", 300.0), ("drive", "time", 60.0)]
)
def test_a_kept_matrix_is_a_fresh_build(
    paris_context: CommuneContext, mode: str, weight: str, cutoff: float
) -> None:
    engine = paris_context.engine(mode)  # type: ignore[arg-type]
    demand = paris_context.snapped_demand(mode)  # type: ignore[arg-type]
    sites = candidate_sources.intersections(engine)
    candidates = engine.snap([c.lon for c in sites], [c.lat for c in sites])
    options = {"cutoff": cutoff, "weight": weight}
    fresh = coverage_matrix(engine, demand, candidates, **options)  # type: ignore[arg-type]
    first = kept_coverage_matrix(engine, demand, candidates, **options)  # type: ignore[arg-type]
    assert fresh.nnz > 0 and _same(first, fresh)
    first.data[:] = 0  # what a caller does with its copy never reaches the kept rows
    first.indices[:] = 0
    again = kept_coverage_matrix(engine, demand, candidates, **options)  # type: ignore[arg-type]
    assert again is not first and _same(again, fresh)
    shorter = {"cutoff": cutoff / 2, "weight": weight}
    half = kept_coverage_matrix(engine, demand, candidates, **shorter)  # type: ignore[arg-type]
    assert _same(half, coverage_matrix(engine, demand, candidates, **shorter))  # type: ignore[arg-type]
    assert half.nnz < fresh.nnz
    fewer = candidates.take(np.arange(candidates.count // 2))
    assert _same(
        kept_coverage_matrix(engine, demand, fewer, **options),  # type: ignore[arg-type]
        coverage_matrix(engine, demand, fewer, **options),  # type: ignore[arg-type]
    )


def test_a_bad_cutoff_is_refused_not_kept(paris_context: CommuneContext) -> None:
    engine = paris_context.engine("walk")
    demand = paris_context.snapped_demand("walk")
    with pytest.raises(InvalidInputError):
        kept_coverage_matrix(engine, demand, demand, cutoff=float("inf"))
