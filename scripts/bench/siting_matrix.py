# SPDX-License-Identifier: MIT
"""The coverage matrix against its peer: scipy's compiled per-source Dijkstra, same batches.

The peer runs from the candidates' nearest crossings on the same CSR, node distances only (no
demand points, no off-street legs): the floor of any scipy-based build. The two run alternately,
so that the other load on the machine weighs on both medians alike.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.harness import median_time
from bench.siting_instances import Instance


def peer_kernel(instance: Instance, cutoff: float) -> Callable[[], int]:
    """scipy's per-source Dijkstra from the candidates' nearest crossings, in batches."""
    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    from mobility.siting.instance import metric_positions
    from mobility.siting.matrix import CHUNK_CELLS

    edges = instance.engine.edges
    graph = edges.csr(instance.weight, transpose=True)
    x, y = metric_positions(instance.candidates)
    tree = cKDTree(np.column_stack([edges.node_x_m, edges.node_y_m]))
    sources = np.asarray(tree.query(np.column_stack([x, y]))[1], dtype=np.int64)
    chunk = max(1, CHUNK_CELLS // graph.shape[0])

    def run() -> int:
        reached = 0
        for first in range(0, len(sources), chunk):
            costs = dijkstra(
                graph, directed=True, indices=sources[first : first + chunk], limit=cutoff
            )
            reached += int(np.isfinite(costs).sum())
        return reached

    return run


def matrix_row(instance: Instance, cutoff: float, runs: int) -> dict[str, Any]:
    from mobility.siting import coverage_matrix

    def ours() -> Any:
        return coverage_matrix(instance.engine, instance.demand, instance.candidates, cutoff=cutoff)

    matrix = ours()  # warm the engine's CSR and the demand's placement
    peer = peer_kernel(instance, cutoff)
    peer()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(max(runs, 5)):  # alternated, so that a load burst hits both sides alike
        took, matrix = median_time(ours, 1)
        mine.append(took)
        theirs.append(median_time(peer, 1)[0])
    return {
        "matrix_s": statistics.median(mine),
        "peer_s": statistics.median(theirs),
        "nnz": matrix.nnz,
        "shape": matrix.shape,
    }
