# SPDX-License-Identifier: MIT
"""A commune's layer read once per revision: the assets it sees, kept as a columnar view.

Every analysis of a big city reads thousands of assets; reading and validating them from the
database on every request costs more than the analysis. The assets a commune sees change only
by a write, and every write bumps the revision of each commune that sees the asset (a
neighbour's charger in the margin included, see :func:`mobility.store.sql_places.bump_revisions`).
So a view is kept per (commune, layer, surroundings) with the revision it was read at (and the
commune's creation time), and read again when the stored one differs. A view is kept only when
the revision read before and after the assets is the same: a write landing in between never
leaves a view labelled with a revision it does not hold. Each worker process keeps its own
views; the revision, read from the database on every request, tells one worker another's write.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from mobility.assets import Asset, Layer
from mobility.store import schema
from mobility.store.base import ASSET_PAGE_SIZE, AssetQuery
from mobility.store.sql_engine import SqlConnections

FloatArray = npt.NDArray[np.float64]
Stamp = tuple[int, str]
"""A commune's revision and creation time: a commune deleted and made again starts anew."""

CACHED_VIEWS = 64
"""Views kept per store (commune x layer x surroundings), least recently used dropped first."""


@dataclass(frozen=True, eq=False)
class AssetView:
    """The assets a commune sees in one layer, at one revision, with their columns.

    ``assets`` are in id order (as :meth:`SqlStore.iter_assets` yields them); ``ids``, ``lon``
    and ``lat`` are the same rows as arrays, for the vectorised work (snapping).
    """

    commune: str
    layer: Layer
    surroundings: bool
    stamp: Stamp | None
    assets: tuple[Asset, ...]
    ids: tuple[str, ...]
    lon: FloatArray
    lat: FloatArray

    @classmethod
    def of(
        cls,
        commune: str,
        layer: Layer,
        surroundings: bool,
        stamp: Stamp | None,
        assets: Sequence[Asset],
    ) -> AssetView:
        """Return the view of ``assets``, its coordinate columns read once."""
        lon = np.array([asset.lon for asset in assets], dtype=np.float64)
        lat = np.array([asset.lat for asset in assets], dtype=np.float64)
        lon.flags.writeable = False
        lat.flags.writeable = False
        return cls(
            commune=commune,
            layer=layer,
            surroundings=surroundings,
            stamp=stamp,
            assets=tuple(assets),
            ids=tuple(asset.id for asset in assets),
            lon=lon,
            lat=lat,
        )


ViewKey = tuple[str, str, bool]


class LayerViews(SqlConnections):
    """The store's views per revision; SqlStore reads the assets."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._views: OrderedDict[ViewKey, AssetView] = OrderedDict()
        self._views_lock = threading.Lock()

    def iter_assets(
        self, query: AssetQuery, *, page_size: int = ASSET_PAGE_SIZE
    ) -> Iterator[Asset]:
        """Yield the assets matching the query (SqlStore reads them)."""
        raise NotImplementedError

    def _commune_stamp(self, code: str) -> Stamp | None:
        """Return the commune's revision and creation time, or None when it is not stored."""
        table = schema.communes
        with self._transaction() as conn:
            row = conn.execute(
                select(table.c.revision, table.c.created_at).where(table.c.code == code)
            ).first()
        return None if row is None else (int(row.revision), str(row.created_at))

    def asset_view(self, code: str, layer: Layer, *, surroundings: bool = True) -> AssetView:
        """Return the assets the commune sees in the layer, read again only after a write."""
        key: ViewKey = (code, layer.value, surroundings)
        before = self._commune_stamp(code)
        with self._views_lock:
            kept = self._views.get(key)
            if kept is not None and before is not None and kept.stamp == before:
                self._views.move_to_end(key)
                return kept
        query = AssetQuery(layer=layer, commune=code, surroundings=surroundings)
        view = AssetView.of(code, layer, surroundings, before, list(self.iter_assets(query)))
        if before is not None and self._commune_stamp(code) == before:
            with self._views_lock:
                self._views[key] = view
                self._views.move_to_end(key)
                while len(self._views) > CACHED_VIEWS:
                    self._views.popitem(last=False)
        return view
