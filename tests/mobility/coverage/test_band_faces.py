# SPDX-License-Identifier: MIT
"""Unions drawn from an arrangement against GEOS unions of the same polygons (brute force).

Random squares and octagons on a coarse grid touch at corners, share sides, enclose holes
and islands in holes: the cases a walk round an outline can get wrong.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import shapely

from mobility.coverage.band_faces import GRID_M, arrange
from mobility.coverage.ring_walk import next_clockwise, ring_order


def _identity_parts(count: int) -> sp.csr_matrix:
    return sp.identity(count, dtype=bool, format="csr")


def _shapes(rng: np.random.Generator, count: int, *, snapped: bool = True) -> np.ndarray:
    """Squares of 1-3 cells and octagons on a 10 x 10 grid (many shared corners and sides),
    or anywhere (``snapped=False``: crossings at every angle)."""
    shapes = []
    for _ in range(count):
        if snapped:
            x, y = rng.integers(0, 10, 2).astype(float)
            size = float(rng.integers(1, 4))
        else:
            x, y = rng.uniform(0, 10, 2)
            size = float(rng.uniform(0.5, 3))
        if rng.random() < 0.7:
            shapes.append(shapely.box(x, y, x + size, y + size))
        else:
            shapes.append(shapely.Point(x, y).buffer(size, quad_segs=2))
    return np.array(shapes, dtype=object)


def _assert_same(got: shapely.Geometry, expected: shapely.Geometry) -> None:
    assert got.is_valid, shapely.is_valid_reason(got)
    # the outlines are noded on a grid: each side may move by up to a grid step
    assert got.symmetric_difference(expected).area <= GRID_M * expected.length


@pytest.mark.parametrize("snapped", [True, False])
@pytest.mark.parametrize("seed", range(8))
def test_unions_of_random_subsets_match_geos(seed: int, snapped: bool) -> None:
    rng = np.random.default_rng(seed)
    polygons = _shapes(rng, 40, snapped=snapped)
    faces = arrange(polygons, _identity_parts(len(polygons)), np.arange(len(polygons)))
    subsets = [np.sort(rng.choice(40, int(rng.integers(1, 30)), replace=False)) for _ in range(60)]
    for chosen, got in zip(subsets, faces.unions(subsets), strict=True):
        _assert_same(got, shapely.union_all(polygons[chosen]))


def test_squares_touching_at_a_corner_stay_two_polygons() -> None:
    polygons = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2)], dtype=object)
    faces = arrange(polygons, _identity_parts(2), np.arange(2))
    [both] = faces.unions([np.array([0, 1])])
    assert both.geom_type == "MultiPolygon" and len(both.geoms) == 2
    _assert_same(both, shapely.union_all(polygons))


def test_a_ring_of_squares_has_a_hole_and_an_island_sits_in_it() -> None:
    ring = [shapely.box(x, y, x + 1, y + 1) for x in range(5) for y in range(5)]
    ring = [square for square in ring if not square.within(shapely.box(0.5, 0.5, 4.5, 4.5))]
    island = shapely.box(2, 2, 3, 3)
    polygons = np.array([*ring, island], dtype=object)
    faces = arrange(polygons, _identity_parts(len(polygons)), np.arange(len(polygons)))
    around, with_island = faces.unions([np.arange(len(ring)), np.arange(len(polygons))])
    assert around.geom_type == "Polygon" and len(around.interiors) == 1
    assert with_island.geom_type == "MultiPolygon"
    _assert_same(around, shapely.union_all(polygons[: len(ring)]))
    _assert_same(with_island, shapely.union_all(polygons))


def test_pieces_standing_for_several_drawn_ones() -> None:
    polygons = np.array([shapely.box(i, 0, i + 1, 1) for i in range(4)], dtype=object)
    parts = sp.csr_matrix(
        np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 1, 1, 1]], bool)
    )
    faces = arrange(polygons, parts, np.arange(4))
    assert faces.holds(np.array([4]))
    [whole, split] = faces.unions([np.array([4]), np.array([0, 3])])
    _assert_same(whole, shapely.box(0, 0, 4, 1))
    _assert_same(split, shapely.union_all(polygons[[0, 3]]))
    partial = arrange(polygons, parts, np.arange(3))
    assert not partial.holds(np.array([4])) and partial.holds(np.array([0, 2]))


def test_rings_are_walked_in_order_and_split_at_a_shared_vertex() -> None:
    """Two triangles meeting at a point: each ring turns clockwise-first at the shared vertex."""
    xy = np.array([[0, 0], [1, 0], [1, 1], [2, 1], [2, 2], [0.0, 1.0]])
    # triangle 0-1-2 and triangle 2-3-4, both anticlockwise, sharing vertex 2; plus 2-5-? no
    half_from = np.array([0, 1, 2, 2, 3, 4])
    half_to = np.array([1, 2, 0, 3, 4, 2])
    successor = next_clockwise(np.zeros(6, dtype=np.int64), half_from, half_to, xy)
    assert successor.tolist() == [1, 2, 0, 4, 5, 3]
    ring, order = ring_order(successor)
    assert ring.tolist() == [0, 0, 0, 3, 3, 3]
    assert order.tolist() == [0, 1, 2, 3, 4, 5]
