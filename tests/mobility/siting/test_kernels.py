# SPDX-License-Identifier: MIT
"""The siting kernels, compiled (scipy's private routines) and public, against dense arithmetic.

Each kernel runs both ways on random CSR matrices of ones: through scipy's compiled routine, and
through the public fallback it takes when that routine is missing. Both must give what plain
dense numpy gives (small integer values, so every sum is exact and compared with equality).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.siting import kernels
from mobility.siting.kernels import RowScatter, gather_rows, row_sums, transpose_ones

SETTINGS = settings(max_examples=80, deadline=None)

shapes = st.tuples(st.integers(0, 30), st.integers(0, 30))


def random_ones(seed: int, shape: tuple[int, int], density: float) -> np.ndarray:
    """A dense boolean matrix (the expected side) from a seed."""
    return np.random.default_rng(seed).random(shape) < density


def test_the_private_kernels_are_present_in_this_scipy() -> None:
    """The fallbacks are tested below; this states the fast route is the one that runs here."""
    assert kernels._row_index is not None
    assert kernels._csc_matvec is not None


@pytest.mark.parametrize("compiled", [True, False])
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), shape=shapes, density=st.floats(0.0, 1.0))
def test_gather_rows_equals_slicing_each_row(
    compiled: bool, seed: int, shape: tuple[int, int], density: float
) -> None:
    dense = random_ones(seed, shape, density)
    matrix = sp.csr_matrix(dense.astype(np.uint8))
    values = np.random.default_rng(seed).integers(0, 100, matrix.nnz).astype(np.float64)
    rng = np.random.default_rng(seed + 1)
    rows = rng.integers(0, shape[0], rng.integers(0, 2 * shape[0] + 1)) if shape[0] else []
    rows = np.asarray(rows, dtype=np.int64)
    expected_columns = [np.flatnonzero(dense[row]) for row in rows]
    expected_values = [
        values[matrix.indptr[row] : matrix.indptr[row + 1]] for row in rows
    ]  # values are aligned with the indices, which are sorted in each row of this matrix
    with pytest.MonkeyPatch.context() as patch:
        if not compiled:
            patch.setattr(kernels, "_row_index", None)
        columns, found = gather_rows(matrix, values, rows)
    np.testing.assert_array_equal(
        columns, np.concatenate(expected_columns) if len(rows) else np.zeros(0)
    )
    np.testing.assert_array_equal(
        found, np.concatenate(expected_values) if len(rows) else np.zeros(0)
    )


@pytest.mark.parametrize("compiled", [True, False])
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), shape=shapes, density=st.floats(0.0, 1.0))
def test_row_scatter_equals_a_dense_product_both_ways(
    compiled: bool, seed: int, shape: tuple[int, int], density: float
) -> None:
    dense = random_ones(seed, shape, density)
    matrix = sp.csr_matrix(dense.astype(np.uint8))
    with pytest.MonkeyPatch.context() as patch:
        if not compiled:
            patch.setattr(kernels, "_csc_matvec", None)
        scatter = RowScatter(matrix, shape[1])
    assert scatter.compiled is compiled
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 50, shape[1]).astype(np.float64)
    for _ in range(3):  # the buffers are reused from call to call
        rows = rng.permutation(shape[0])[: rng.integers(0, shape[0] + 1)]
        values = rng.integers(0, 9, len(rows)).astype(np.float64)
        expected = target - values @ dense[rows].astype(np.float64)
        scatter.subtract(rows.astype(matrix.indptr.dtype), values, target)
        np.testing.assert_array_equal(target, expected)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), shape=shapes, density=st.floats(0.0, 1.0))
def test_transpose_ones_is_the_sorted_float_transpose(
    seed: int, shape: tuple[int, int], density: float
) -> None:
    dense = random_ones(seed, shape, density)
    for data_type in (np.uint8, np.float64):  # one-byte ones, or wider ones moved as bytes
        transposed = transpose_ones(sp.csr_matrix(dense.astype(data_type)))
        assert transposed.dtype == np.float64 and transposed.has_sorted_indices
        assert transposed.indptr.dtype == transposed.indices.dtype
        for row in range(shape[1]):  # really sorted, not only flagged
            indices = transposed.indices[transposed.indptr[row] : transposed.indptr[row + 1]]
            assert np.all(np.diff(indices) > 0)
        np.testing.assert_array_equal(transposed.toarray(), dense.T.astype(np.float64))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), shape=shapes, density=st.floats(0.0, 1.0))
def test_row_sums_equal_a_dense_product(seed: int, shape: tuple[int, int], density: float) -> None:
    dense = random_ones(seed, shape, density)
    values = np.random.default_rng(seed).integers(0, 100, shape[1]).astype(np.float64)
    sums = row_sums(sp.csr_matrix(dense.astype(np.uint8)), values)
    np.testing.assert_array_equal(sums, dense.astype(np.float64) @ values)
