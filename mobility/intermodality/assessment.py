# SPDX-License-Identifier: MIT
"""Per hub, along the streets: the nearest asset of every mode, what is present, what is missing.

Distances come from the commune's :class:`~mobility.network.engine.DistanceEngine`: one bounded
multi-source search per mode (from every asset giving that mode), read at every hub, with the
coverage rule for snapping (off-street legs plus the distance along the streets). A hub's own
modes are present at 0 m. What one addition would bring is read from the engine's coverage matrix
(:func:`~mobility.siting.matrix.coverage_matrix`) between hubs, so a hub "gains" a mode from a new
asset at another hub exactly when the same distance rule puts it within reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from mobility.assets import Asset, Hub
from mobility.intermodality.modes import (
    ADDABLE_MODES,
    EXPECTED_MODES,
    MAX_WITHIN_M,
    MODE_LABELS,
    MODES,
    PRESENT_WHEN,
    AddableMode,
    ExpectedMode,
    IntermodalMode,
    Reach,
    asset_modes,
    hub_label,
)
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import SnappedPoints
from mobility.siting.matrix import coverage_matrix

FloatArray = npt.NDArray[np.float64]

NEAREST_HORIZON_M = MAX_WITHIN_M
"""Nearest distances are searched this far along the streets; farther ones are reported as none."""


@dataclass(frozen=True)
class MissingMode:
    """An expected mode a hub lacks, with the sentence that says so."""

    mode: ExpectedMode
    within_m: float
    nearest_m: float
    message: str


@dataclass(frozen=True)
class HubAssessment:
    """What meets at one hub along the streets, and its completeness."""

    hub: Asset
    nearest_m: dict[IntermodalMode, float]
    present: tuple[IntermodalMode, ...]
    expected_present: tuple[ExpectedMode, ...]
    missing: tuple[MissingMode, ...]
    off_network: bool

    @property
    def attributes(self) -> Hub:
        """Return the hub's attributes."""
        assert isinstance(self.hub.attributes, Hub)  # noqa: S101 (built from hubs only)
        return self.hub.attributes

    @property
    def completeness(self) -> float:
        """Return the share of the expected modes present (see :func:`score_formula`)."""
        return len(self.expected_present) / len(EXPECTED_MODES)

    def lacks(self, mode: ExpectedMode) -> bool:
        """Tell whether an expected mode is missing at this hub."""
        return mode not in self.expected_present


@dataclass(frozen=True)
class Addition:
    """One asset added at a hub: the mode it brings and the hubs that would gain it."""

    assessment: HubAssessment
    mode: AddableMode
    gaining: tuple[str, ...]
    options: dict[AddableMode, int]

    @property
    def hubs_gaining(self) -> int:
        """Return how many hubs (this one included) would gain the mode."""
        return len(self.gaining)


@dataclass(frozen=True)
class Assessment:
    """Every hub assessed, and for each hub lacking a mode what adding it there would bring."""

    hubs: list[HubAssessment]
    gains: dict[AddableMode, list[tuple[str, ...]]]
    assets_used: int
    assets_off_network: int


def snap_assets(engine: DistanceEngine, assets: Sequence[Asset]) -> SnappedPoints:
    """Snap assets onto the engine's streets (EPSG:4326 lon/lat in, one entry per asset)."""
    lon = np.array([asset.lon for asset in assets], dtype=np.float64)
    lat = np.array([asset.lat for asset in assets], dtype=np.float64)
    return engine.snap(lon, lat)


def nearest_distances(
    engine: DistanceEngine,
    hubs: SnappedPoints,
    assets: SnappedPoints,
    modes: Sequence[frozenset[IntermodalMode]],
    *,
    horizon_m: float = NEAREST_HORIZON_M,
) -> dict[IntermodalMode, FloatArray]:
    """Return, per mode, each hub's street distance to the nearest asset giving it (or inf).

    One engine search per mode present in the data, bounded by ``horizon_m``.
    """
    result: dict[IntermodalMode, FloatArray] = {}
    for mode in MODES:
        mask = np.array([mode in given for given in modes], dtype=bool)
        if hubs.count == 0 or not mask.any():
            result[mode] = np.full(hubs.count, np.inf)
            continue
        result[mode] = engine.distances(
            hubs, assets.take(mask), cutoff_m=horizon_m, weight="length"
        )
    return result


def assess_hubs(
    engine: DistanceEngine,
    hubs: Sequence[Asset],
    others: Sequence[Asset],
    reach: Reach,
    *,
    assessed: Sequence[int] | None = None,
) -> Assessment:
    """Assess every hub against the hubs, parking and charging points of the commune.

    Parameters
    ----------
    engine
        The walking engine of the commune.
    hubs
        The hubs layer (every hub is assessed and also gives its modes to the others).
    others
        Parking and charging points (assets of any other layer give no mode and are ignored).
    reach
        The reach per expected mode, metres along the streets.
    assessed
        Positions in ``hubs`` of the hubs to assess (e.g. the rail stations only); every hub
        still gives its modes to the others. All hubs when None.
    """
    assets = [*hubs, *others]
    modes = [asset_modes(asset) for asset in assets]
    snapped = snap_assets(engine, assets)
    subjects = list(range(len(hubs))) if assessed is None else list(assessed)
    hub_points = snapped.take(np.asarray(subjects, dtype=np.int64))
    nearest = nearest_distances(engine, hub_points, snapped, modes)
    assessments = []
    for row, index in enumerate(subjects):
        own = modes[index]
        distances = {mode: 0.0 if mode in own else float(nearest[mode][row]) for mode in MODES}
        assessments.append(_assess(hubs[index], distances, reach, bool(hub_points.too_far[row])))
    gains = _gains(engine, hub_points, assessments, reach)
    used = [i for i, given in enumerate(modes) if given]
    too_far = int(snapped.too_far[used].sum()) if used else 0
    return Assessment(assessments, gains, len(used) - too_far, too_far)


def _assess(
    hub: Asset, distances: dict[IntermodalMode, float], reach: Reach, off_network: bool
) -> HubAssessment:
    present = tuple(mode for mode in MODES if distances[mode] <= reach.of(mode))
    expected = tuple(
        mode for mode in EXPECTED_MODES if any(m in present for m in PRESENT_WHEN[mode])
    )
    assert isinstance(hub.attributes, Hub)  # noqa: S101 (the hubs layer holds hubs)
    label = hub_label(hub.attributes)
    missing = tuple(
        MissingMode(
            mode=mode,
            within_m=reach.within_m[mode],
            nearest_m=min(distances[m] for m in PRESENT_WHEN[mode]),
            message=f"{label} without {MODE_LABELS[mode]} within {reach.within_m[mode]:g} m",
        )
        for mode in EXPECTED_MODES
        if mode not in expected
    )
    return HubAssessment(hub, distances, present, expected, missing, off_network)


def _gains(
    engine: DistanceEngine,
    hubs: SnappedPoints,
    assessments: list[HubAssessment],
    reach: Reach,
) -> dict[AddableMode, list[tuple[str, ...]]]:
    """Return, per addable mode and hub, the ids of the hubs an asset added there would serve.

    Only hubs lacking the mode gain it; the hub itself always does (the asset stands at it);
    a hub that already has the mode gains nothing from it (empty tuple).
    """
    count = len(assessments)
    ids = [a.hub.id for a in assessments]
    matrices: dict[float, sp.csr_matrix] = {}
    result: dict[AddableMode, list[tuple[str, ...]]] = {}
    for mode in ADDABLE_MODES:
        lacking = np.array([a.lacks(mode) for a in assessments], dtype=bool)
        cutoff = reach.within_m[mode]
        if cutoff not in matrices and lacking.any():
            matrix = coverage_matrix(engine, hubs, hubs, cutoff=cutoff)
            matrices[cutoff] = (matrix + sp.identity(count, dtype=np.uint8, format="csr")).tocsr()
        rows: list[tuple[str, ...]] = []
        for index in range(count):
            if not lacking[index]:
                rows.append(())
                continue
            matrix = matrices[cutoff]
            reached = matrix.indices[matrix.indptr[index] : matrix.indptr[index + 1]]
            served = np.sort(reached[lacking[reached]])
            rows.append(tuple(ids[j] for j in served.tolist()))
        result[mode] = rows
    return result


def rank_additions(assessment: Assessment, *, mode: AddableMode | None = None) -> list[Addition]:
    """Rank the hubs by what one addition there would bring.

    Each hub lacking an addable mode appears once, with its best mode (the most hubs gaining;
    ties in :data:`ADDABLE_MODES` order), or with ``mode`` when given (then only hubs lacking
    it). Order: most hubs gaining first, then the least complete hub, then name and id.
    """
    result = []
    for index, hub in enumerate(assessment.hubs):
        options = {m: len(assessment.gains[m][index]) for m in ADDABLE_MODES if hub.lacks(m)}
        if mode is not None:
            options = {mode: options[mode]} if mode in options else {}
        if not options:
            continue
        best = max(options, key=lambda m: (options[m], -ADDABLE_MODES.index(m)))
        result.append(Addition(hub, best, assessment.gains[best][index], options))
    result.sort(
        key=lambda a: (
            -a.hubs_gaining,
            a.assessment.completeness,
            a.assessment.attributes.name,
            a.assessment.hub.id,
        )
    )
    return result


def rank_hubs(assessments: list[HubAssessment]) -> list[HubAssessment]:
    """Return the hubs least complete first (the gaps first), then by name and id."""
    return sorted(assessments, key=lambda a: (a.completeness, a.attributes.name, a.hub.id))
