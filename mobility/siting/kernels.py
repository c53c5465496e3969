# SPDX-License-Identifier: MIT
"""Compiled sparse kernels the siting solvers run in their inner loops.

The greedy's picks and the swaps' updates each reduce to two operations on CSR matrices of
ones, repeated once per pick or swap over a few dozen rows: gather some rows' column indices,
and scatter values by rows into a vector indexed by the columns. scipy's public API does both,
but only through a new sparse matrix per call (``matrix[rows]``, ``matrix[rows].T @ values``),
whose checks and allocations cost several times the work itself at those sizes; the plain numpy
route (``ranges``, then ``bincount``) takes several passes. The compiled routines behind those
scipy calls (``scipy.sparse._sparsetools``: ``csr_row_index`` and ``csc_matvec``) do the work
in one pass over buffers kept by the caller; without them the greedy and the swaps run
measurably slower (``docs/performance.md``, "Siting kernels").

They are private to scipy, so this module is the only one that imports them, each with the
public route as a fallback, used when the import fails (a scipy that renamed them) or the index
types differ; ``tests/mobility/siting/test_kernels.py`` checks both routes against a plain
dense computation. The transpose, where scipy's public ``tocsc`` is as fast as its kernel
called directly, uses the public call.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mobility.arrays import ranges
from mobility.network.csr import FloatArray, IntArray

try:  # scipy's compiled row gather (private, present since scipy 0.14)
    from scipy.sparse._sparsetools import csr_row_index as _row_index
except ImportError:  # pragma: no cover - a scipy without it: the vectorised gather
    _row_index = None

try:  # scipy's compiled CSC product (private, the kernel of ``csc @ vector``)
    from scipy.sparse._sparsetools import csc_matvec as _csc_matvec
except ImportError:  # pragma: no cover - a scipy without it: bincount
    _csc_matvec = None


def transpose_ones(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Return a CSR matrix of ones transposed, as float64 ones with every row's indices sorted.

    scipy's public ``tocsc`` (one compiled counting sort, which leaves every column's row
    indices sorted) moving the matrix's own one-byte ones, then float64 ones so that
    ``transposed @ values`` is one compiled pass (a uint8 matrix is converted at every
    product). Converting the transpose (``csr_matrix(matrix.T)``) would move float64 data and
    check the indices' order again afterwards.
    """
    n_rows, n_columns = matrix.shape
    if matrix.data.itemsize > 1:  # move one byte per entry, not the matrix's wider values
        matrix = sp.csr_matrix(
            (np.ones(matrix.nnz, dtype=np.uint8), matrix.indices, matrix.indptr),
            shape=matrix.shape,
        )
    by_column = matrix.tocsc()
    transposed = sp.csr_matrix(
        (np.ones(matrix.nnz), by_column.indices, by_column.indptr),
        shape=(n_columns, n_rows),
        copy=False,
    )
    transposed.has_sorted_indices = True
    return transposed


def row_sums(matrix: sp.csr_matrix, values: FloatArray) -> FloatArray:
    """``matrix @ values`` for a matrix of ones: the sum of ``values`` over each row's columns."""
    sums = np.zeros(matrix.shape[0], dtype=np.float64)
    indptr = matrix.indptr
    nonempty = indptr[1:] > indptr[:-1]
    if matrix.nnz:
        sums[nonempty] = np.add.reduceat(values[matrix.indices], indptr[:-1][nonempty])
    return sums


def gather_rows(
    matrix: sp.csr_matrix | tuple[IntArray, IntArray], values: FloatArray, rows: IntArray
) -> tuple[IntArray, FloatArray]:
    """Return the column indices of the given rows of a CSR matrix, and ``values`` at them.

    ``matrix`` is a CSR matrix or its ``(indptr, indices)``; ``values`` is aligned with the
    indices. The same as ``indices[ranges(start, count)]`` and ``values[...]``, in one
    compiled pass (scipy's ``csr_row_index``, the kernel of ``matrix[rows]``) instead of five
    vectorised ones: the greedy's updates spend most of their time here. Falls back to the
    vectorised gather when scipy's kernel is missing or the index types differ.
    """
    indptr, indices = matrix if isinstance(matrix, tuple) else (matrix.indptr, matrix.indices)
    if _row_index is not None and indptr.dtype == indices.dtype:
        rows = np.ascontiguousarray(rows, dtype=indptr.dtype)
        total = int((indptr[rows + 1] - indptr[rows]).sum()) if len(rows) else 0
        columns = np.empty(total, dtype=indices.dtype)
        found = np.empty(total, dtype=values.dtype)  # (another type: a copy of all values)
        if total:
            _row_index(len(rows), rows, indptr, indices, values, columns, found)
        return columns, found
    item = ranges(indptr[rows], indptr[rows + 1] - indptr[rows])
    return indices[item], values[item]


class RowScatter:
    """Subtract values per row of a CSR matrix of ones from a vector indexed by its columns.

    ``subtract(rows, values, target)`` takes ``values[i]`` off ``target[j]`` for every column
    ``j`` of row ``rows[i]``: the greedy's update (a newly covered group's weight off the gain
    of every site covering it). One compiled gather of the rows' column indices (scipy's
    ``csr_row_index``) and one compiled scatter of ``values`` into a zeroed vector
    (``csc_matvec``, the gathered rows read as the columns of a matrix of ones), then one
    subtraction: no per-entry weights are gathered, no vector is allocated per call (the
    buffers are kept, since the greedy calls it once per pick). The sums are those of
    ``bincount`` (each column's values added in the rows' order, then subtracted at once), so
    the rounding of the greedy's running gains, which settles its exact ties, is that of the
    plain ``bincount`` update. ``bincount`` itself is the fallback when the kernels are missing
    or the index types differ.
    """

    def __init__(self, matrix: sp.csr_matrix, n_targets: int) -> None:
        self.matrix = matrix
        indptr, indices = matrix.indptr, matrix.indices
        self.compiled = (
            _row_index is not None and _csc_matvec is not None and indptr.dtype == indices.dtype
        )
        self.degree = np.diff(indptr)
        self.starts = np.zeros(matrix.shape[0] + 1, dtype=indptr.dtype)
        self.columns = np.empty(matrix.nnz, dtype=indices.dtype)
        self.scratch = np.empty(matrix.nnz, dtype=matrix.data.dtype)
        self.ones = _ones(matrix.nnz)
        self.lost = np.zeros(n_targets)

    def subtract(self, rows: IntArray, values: FloatArray, target: FloatArray) -> None:
        """Subtract ``values[i]`` from ``target[j]`` for every column ``j`` of row ``rows[i]``."""
        matrix, count = self.matrix, len(rows)
        if not self.compiled:
            counts = self.degree[rows]
            columns = matrix.indices[ranges(matrix.indptr[rows], counts)]
            target -= np.bincount(columns, weights=np.repeat(values, counts), minlength=len(target))
            return
        rows = np.ascontiguousarray(rows, dtype=self.starts.dtype)
        starts = self.starts[: count + 1]
        np.add.accumulate(self.degree[rows], out=starts[1:])  # (``cumsum``, without its wrapper)
        _row_index(
            count, rows, matrix.indptr, matrix.indices, matrix.data, self.columns, self.scratch
        )
        lost = self.lost
        _csc_matvec(
            len(target),
            count,
            starts,
            self.columns,
            self.ones,
            np.ascontiguousarray(values, dtype=np.float64),
            lost,
        )
        target -= lost
        lost.fill(0.0)


def _read_only_ones(size: int) -> FloatArray:
    ones = np.ones(size)
    ones.flags.writeable = False
    return ones


_ONES = _read_only_ones(1 << 16)


def _ones(size: int) -> FloatArray:
    """``size`` float64 ones: a view of one read-only array kept for the process.

    Replaced by a longer one when too short (as long as the largest model's matrix seen), so
    that the greedy does not fill a new one per call.
    """
    global _ONES  # noqa: PLW0603 - a read-only scratch array, replaced whole when grown
    ones = _ONES
    if len(ones) < size:
        ones = _ONES = _read_only_ones(size)
    return ones[:size]
