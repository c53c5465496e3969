# SPDX-License-Identifier: MIT
"""The CSR builders against the plain two-sort construction and scipy's own conversion."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from mobility.network.edge_table import csr_from_edges, transpose_csr


def two_sort_csr(
    n_nodes: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray
) -> sp.csr_matrix:
    """The former construction: sort by weight, then stably by (tail, head); keep the first."""
    order = np.argsort(weights, kind="stable")
    order = order[np.argsort(tails[order] * np.int64(n_nodes) + heads[order], kind="stable")]
    pair = tails[order] * np.int64(n_nodes) + heads[order]
    keep = order[np.r_[True, pair[1:] != pair[:-1]]] if len(order) else order
    counts = np.bincount(tails[keep], minlength=n_nodes)
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return sp.csr_matrix(
        (weights[keep], heads[keep].astype(np.int32), indptr.astype(np.int32)),
        shape=(n_nodes, n_nodes),
    )


def scipy_min_csr(
    n_nodes: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray
) -> sp.csr_matrix:
    """scipy's coo→csr, with duplicates reduced to their minimum (scipy itself sums them)."""
    frame: dict[tuple[int, int], float] = {}
    for tail, head, weight in zip(tails.tolist(), heads.tolist(), weights.tolist(), strict=True):
        frame[(tail, head)] = min(weight, frame.get((tail, head), np.inf))
    rows = np.array([key[0] for key in frame], dtype=np.int64)
    cols = np.array([key[1] for key in frame], dtype=np.int64)
    data = np.array(list(frame.values()), dtype=np.float64)
    matrix = sp.coo_matrix((data, (rows, cols)), shape=(n_nodes, n_nodes)).tocsr()
    matrix.sort_indices()
    return matrix


def assert_same(left: sp.csr_matrix, right: sp.csr_matrix) -> None:
    assert left.shape == right.shape
    assert left.indices.dtype == right.indices.dtype == np.int32
    assert left.indptr.dtype == right.indptr.dtype == np.int32
    np.testing.assert_array_equal(left.indptr, right.indptr)
    np.testing.assert_array_equal(left.indices, right.indices)
    np.testing.assert_array_equal(left.data, right.data)


def random_edges(seed: int, n_nodes: int, n_edges: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    tails = rng.integers(0, n_nodes, n_edges).astype(np.int64)
    heads = rng.integers(0, n_nodes, n_edges).astype(np.int64)
    # few distinct weights, so parallel edges often tie
    weights = rng.integers(1, 6, n_edges).astype(np.float64) * 1.5
    return tails, heads, weights


@pytest.mark.parametrize(("seed", "n_nodes", "n_edges"), [(1, 5, 40), (2, 30, 200), (3, 300, 900)])
def test_csr_from_edges_matches_the_two_sort_build_and_scipy(
    seed: int, n_nodes: int, n_edges: int
) -> None:
    tails, heads, weights = random_edges(seed, n_nodes, n_edges)
    built = csr_from_edges(n_nodes, tails, heads, weights)
    assert_same(built, two_sort_csr(n_nodes, tails, heads, weights))
    assert_same(built, scipy_min_csr(n_nodes, tails, heads, weights))


@pytest.mark.parametrize(("seed", "n_nodes", "n_edges"), [(4, 5, 40), (5, 30, 200), (6, 300, 900)])
def test_transpose_csr_matches_a_build_from_the_swapped_edges(
    seed: int, n_nodes: int, n_edges: int
) -> None:
    tails, heads, weights = random_edges(seed, n_nodes, n_edges)
    turned = transpose_csr(csr_from_edges(n_nodes, tails, heads, weights))
    assert_same(turned, two_sort_csr(n_nodes, heads, tails, weights))


def test_csr_from_no_edges() -> None:
    empty = np.zeros(0, dtype=np.int64)
    built = csr_from_edges(3, empty, empty, np.zeros(0))
    assert built.shape == (3, 3)
    assert built.nnz == 0
    assert transpose_csr(built).nnz == 0
