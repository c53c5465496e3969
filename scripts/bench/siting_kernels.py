# SPDX-License-Identifier: MIT
"""scipy's private kernels in the siting solvers against the public routes they fall back to.

``mobility.siting.kernels`` imports two private scipy routines (``csr_row_index`` and
``csc_matvec``); this measures what they are worth, so that the choice can be revisited when
scipy changes: the greedy and the swaps run with them and with the public fallbacks,
alternately on the same model, and each operation alone on a few dozen rows (the size of one
pick), against both the numpy fallback and scipy's public sparse call. The transpose, for which
the public ``tocsc`` is used, is measured against the private ``csr_tocsc`` called directly.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np

from bench.harness import median_time, timed

PICK_ROWS = 40
"""Rows gathered or scattered per call in the single-operation timings (a pick's new groups)."""


def kernel_rows(problem: Any, runs: int) -> list[tuple[str, float, float]]:
    """Return ``(what, seconds with the private kernels, seconds with the public route)``."""
    import scipy.sparse as sp

    from mobility.arrays import ranges
    from mobility.siting import kernels
    from mobility.siting.greedy import greedy_on_model
    from mobility.siting.model import build_model
    from mobility.siting.swaps import improve_by_swaps

    model = build_model(problem)
    cover = model.cover
    rng = np.random.default_rng(0)
    size = min(PICK_ROWS, model.n_groups)
    rows = np.sort(rng.choice(model.n_groups, size, replace=False)).astype(cover.indptr.dtype)
    values = rng.random(size)

    def stages(found: dict[str, list[float]]) -> None:
        took, run = timed(lambda: greedy_on_model(model, by_ratio=False))
        found.setdefault("greedy", []).append(took)
        sites = [site for site, _ in run.chosen]
        took, _ = timed(lambda: improve_by_swaps(model, sites, max_swaps=10, gains=run.final_gains))
        found.setdefault("swaps", []).append(took)

    both: dict[str, dict[str, list[float]]] = {"private": {}, "public": {}}
    for repeat in range(max(runs, 5) * 2):  # alternated, the order swapped every time
        for side in ("private", "public") if repeat % 2 else ("public", "private"):
            if side == "public":  # as on a scipy without them: the fallbacks
                with mock.patch.multiple(kernels, _row_index=None, _csc_matvec=None):
                    stages(both[side])
            else:
                stages(both[side])
    target = np.zeros(model.n_sites)
    compiled = kernels.RowScatter(cover, model.n_sites)
    fallback = kernels.RowScatter(cover, model.n_sites)
    fallback.compiled = False

    def numpy_gather() -> Any:
        item = ranges(cover.indptr[rows], cover.indptr[rows + 1] - cover.indptr[rows])
        return cover.indices[item], model.cover_weights[item]

    def scipy_scatter() -> None:
        target.__isub__(cover[rows].T @ values)

    def private_transpose() -> Any:
        from scipy.sparse._sparsetools import csr_tocsc

        indptr = np.empty(cover.shape[1] + 1, dtype=cover.indices.dtype)
        indices = np.empty(cover.nnz, dtype=cover.indices.dtype)
        moved = np.empty(cover.nnz, dtype=np.uint8)
        starts = cover.indptr.astype(cover.indices.dtype)
        csr_tocsc(*cover.shape, starts, cover.indices, cover.data, indptr, indices, moved)
        return sp.csr_matrix((np.ones(cover.nnz), indices, indptr), shape=cover.shape[::-1])

    single: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            f"gather {size} rows (public: numpy)",
            lambda: kernels.gather_rows(cover, model.cover_weights, rows),
            numpy_gather,
        ),
        (
            f"gather {size} rows (public: matrix[rows])",
            lambda: kernels.gather_rows(cover, model.cover_weights, rows),
            lambda: cover[rows],
        ),
        (
            f"scatter {size} rows (public: bincount)",
            lambda: compiled.subtract(rows, values, target),
            lambda: fallback.subtract(rows, values, target),
        ),
        (
            f"scatter {size} rows (public: matrix[rows].T @ v)",
            lambda: compiled.subtract(rows, values, target),
            scipy_scatter,
        ),
        (
            "transpose (public: tocsc, used)",
            private_transpose,
            lambda: kernels.transpose_ones(cover),
        ),
    ]
    out = [
        (stage, statistics.median(both["private"][stage]), statistics.median(both["public"][stage]))
        for stage in ("greedy", "swaps")
    ]
    for what, fast, public in single:
        calls = 200 if "transpose" not in what else 15
        out.append((what, median_time(fast, calls)[0], median_time(public, calls)[0]))
    return out
