# SPDX-License-Identifier: MIT
"""The assets an analysis reads: a commune's layer as stored, or as a scenario changes it.

An analysis reads the layer of the commune *and its surroundings* (the assets within its margin,
see :mod:`mobility.coverage.surroundings`): a charger across the line serves the homes near it.
What is the commune's own (its SDIRVE and AFIR counts, its exports) reads the commune only.

An analysis needs two things of a scenario: its changes applied to a layer, and a description
for the answer's method. :class:`ScenarioChanges` names just those, so the analyses take any
scenario (the stored one is :class:`mobility.scenarios.Scenario`) without depending on how
scenarios are stored. The caller reads the scenario once per request and passes it down.

The assets a filter keeps from the stored layer are found on the layer's columns
(:meth:`AssetFilter.mask`) and kept with the layer's view until the next write: a warm request
makes no Python object per asset. A scenario changes the layer, so it goes the general way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, overload

import numpy as np
import numpy.typing as npt

from mobility.assets import Asset, Layer
from mobility.coverage.filters import AssetFilter
from mobility.store.base import Store

FloatArray = npt.NDArray[np.float64]


class ScenarioChanges(Protocol):
    """What an analysis asks of a scenario."""

    def apply(self, layer: Layer, base: Iterable[Asset]) -> list[Asset]:
        """Return the layer's assets with the scenario's changes made."""
        ...

    def describe(self) -> dict[str, Any]:
        """Return the scenario as the answer's method names it."""
        ...


class KeptAssets(Sequence[Asset]):
    """Assets a filter kept, with their positions as arrays; the objects made when first asked.

    A sequence of :class:`Asset` like the list it stands for; what needs only positions and the
    count (snapping, the surroundings, the method) reads :attr:`lon` and :attr:`lat`.
    """

    def __init__(
        self, lon: FloatArray, lat: FloatArray, load: Callable[[], Sequence[Asset]]
    ) -> None:
        self.lon = lon
        self.lat = lat
        self._load = load
        self._assets: Sequence[Asset] | None = None

    def _loaded(self) -> Sequence[Asset]:
        if self._assets is None:
            self._assets = self._load()
        return self._assets

    def __len__(self) -> int:
        """Return the number of assets kept."""
        return len(self.lon)

    @overload
    def __getitem__(self, index: int) -> Asset: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Asset]: ...

    def __getitem__(self, index: int | slice) -> Asset | Sequence[Asset]:
        """Return an asset (or a slice of them), made from the store on first use."""
        return self._loaded()[index]

    def __iter__(self) -> Iterator[Asset]:
        """Yield the assets in id order."""
        return iter(self._loaded())


def asset_coordinates(assets: Sequence[Asset]) -> tuple[FloatArray, FloatArray]:
    """Return the assets' lon and lat as arrays (those kept with them when they have some)."""
    if isinstance(assets, KeptAssets):
        return assets.lon, assets.lat
    lon = np.array([asset.lon for asset in assets], dtype=np.float64)
    lat = np.array([asset.lat for asset in assets], dtype=np.float64)
    return lon, lat


def read_layer(
    store: Store, code: str, layer: Layer, scenario: ScenarioChanges | None = None
) -> list[Asset]:
    """Return every asset of the commune's layer and its surroundings (id order), as changed.

    The stored layer is read once per commune revision (:meth:`Store.asset_view`).
    """
    assets = list(store.asset_view(code, layer).assets)
    return scenario.apply(layer, assets) if scenario is not None else assets


def read_kept(
    store: Store, code: str, asset_filter: AssetFilter, scenario: ScenarioChanges | None = None
) -> Sequence[Asset]:
    """Return the assets of the filter's layer that it keeps (id order), as the scenario has them.

    The stored layer answers from its view's columns, kept per filter until the next write;
    a scenario's layer is filtered asset by asset (:meth:`AssetFilter.apply`), the same answer.
    """
    if scenario is not None:
        return asset_filter.apply(read_layer(store, code, asset_filter.layer, scenario))
    view = store.asset_view(code, asset_filter.layer)

    def select() -> KeptAssets:
        rows = np.flatnonzero(asset_filter.mask(view.columns))
        lon, lat = view.lon[rows], view.lat[rows]
        lon.flags.writeable = False
        lat.flags.writeable = False
        return KeptAssets(lon, lat, lambda: tuple(view.assets[row] for row in rows.tolist()))

    return view.kept(("kept", asset_filter), select)


def describe_scenario(scenario: ScenarioChanges | None) -> dict[str, Any]:
    """Return the method entry naming the scenario analysed (nothing for the base data)."""
    return {"scenario": scenario.describe()} if scenario is not None else {}
