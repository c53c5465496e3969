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

A view holds columns: positions and the attributes a filter reads (:class:`LayerColumns`), made
from the stored JSON. The validated :class:`Asset` objects cost most of a first read (their
validators run on every string) and a coverage never needs them, so they are made on first
use: the stored properties were validated when written, and are again when made into assets.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, and_, bindparam, select

from mobility.assets import Asset, Layer
from mobility.network.bounded_cache import BoundedCache
from mobility.store import schema
from mobility.store.base import ASSET_PAGE_SIZE, AssetQuery
from mobility.store.layer_columns import LayerColumns
from mobility.store.rows import asset_from_row
from mobility.store.sql_engine import DEFAULT_POOL_SIZE, SqlConnections

FloatArray = npt.NDArray[np.float64]
Stamp = tuple[int, str]
"""A commune's revision and creation time: a commune deleted and made again starts anew."""
T = TypeVar("T")

CACHED_VIEWS = 64
"""Views kept per store (commune x layer x surroundings), least recently used dropped first."""
KEPT_PER_VIEW = 16
"""Answers derived from one view (one per filter asked, see :meth:`AssetView.kept`)."""

COMMUNE_STAMP = select(schema.communes.c.revision, schema.communes.c.created_at).where(
    schema.communes.c.code == bindparam("code")
)
"""The read every analysis starts with (is the view still the commune's?): run on the driver."""


def _view_rows(*, surroundings: bool) -> Select[Any]:
    """Return the read of a commune's layer as a view needs it (id order, one statement)."""
    table, places = schema.assets, schema.asset_places
    membership = [places.c.commune == bindparam("commune"), places.c.layer == bindparam("layer")]
    if not surroundings:
        membership.append(places.c.in_commune.is_(True))
    columns = [c for c in table.c if c.name not in ("power_kw", "kind", "modes")]
    return (
        select(*columns)
        .where(
            table.c.layer == bindparam("layer"),
            table.c.id.in_(select(places.c.id).where(and_(*membership))),
        )
        .order_by(table.c.id)
    )


VIEW_ROWS = {True: _view_rows(surroundings=True), False: _view_rows(surroundings=False)}
"""The layer of a commune and its surroundings, or of the commune alone."""


def read_only(values: Sequence[float]) -> FloatArray:
    """Return the values as a float array no caller can change (views are shared)."""
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class AssetView:
    """The assets a commune sees in one layer, at one revision, as columns.

    Rows are in id order (as :meth:`SqlStore.iter_assets` yields them); ``ids``, ``lon``, ``lat``
    and ``columns`` are the same rows as arrays, for the vectorised work (filters, snapping).
    :attr:`assets` are made from ``rows`` on first use, or given.
    """

    commune: str
    layer: Layer
    surroundings: bool
    stamp: Stamp | None
    ids: tuple[str, ...]
    lon: FloatArray
    lat: FloatArray
    columns: LayerColumns
    rows: tuple[Mapping[str, Any], ...] = ()
    """The stored rows the assets are made from (empty when the assets were given)."""
    given: tuple[Asset, ...] | None = None
    _kept: BoundedCache[Hashable, Any] = field(
        default_factory=lambda: BoundedCache(KEPT_PER_VIEW), repr=False
    )

    @classmethod
    def of(
        cls,
        commune: str,
        layer: Layer,
        surroundings: bool,
        stamp: Stamp | None,
        assets: Sequence[Asset],
    ) -> AssetView:
        """Return the view of validated ``assets``, its columns read from their attributes."""
        return cls(
            commune=commune,
            layer=layer,
            surroundings=surroundings,
            stamp=stamp,
            ids=tuple(asset.id for asset in assets),
            lon=read_only([asset.lon for asset in assets]),
            lat=read_only([asset.lat for asset in assets]),
            columns=LayerColumns.of_attributes(layer, [asset.attributes for asset in assets]),
            given=tuple(assets),
        )

    @classmethod
    def of_rows(
        cls,
        commune: str,
        layer: Layer,
        surroundings: bool,
        stamp: Stamp | None,
        rows: Sequence[Mapping[str, Any]],
    ) -> AssetView:
        """Return the view of stored rows; nothing validated until :attr:`assets` is asked."""
        properties = [json.loads(row["properties"]) for row in rows]
        return cls(
            commune=commune,
            layer=layer,
            surroundings=surroundings,
            stamp=stamp,
            ids=tuple(row["id"] for row in rows),
            lon=read_only([row["lon"] for row in rows]),
            lat=read_only([row["lat"] for row in rows]),
            columns=LayerColumns.of_properties(layer, properties),
            rows=tuple(rows),
        )

    def __len__(self) -> int:
        """Return the number of assets."""
        return len(self.ids)

    @cached_property
    def assets(self) -> tuple[Asset, ...]:
        """Return the validated assets, made from the stored rows on first use."""
        if self.given is not None:
            return self.given
        return tuple(asset_from_row(row) for row in self.rows)

    def kept(self, key: Hashable, make: Callable[[], T]) -> T:
        """Return what ``make`` gives from this view, kept under ``key`` while the view lives.

        For what a request derives from the layer alone (the assets a filter keeps): the view
        is replaced by the first write the commune sees, and what it kept goes with it.
        """
        value: T = self._kept.get_or_make(key, make)
        return value


ViewKey = tuple[str, str, bool]


class LayerViews(SqlConnections):
    """The store's views per revision; SqlStore reads the assets."""

    def __init__(self, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        super().__init__(url, pool_size=pool_size)
        self._views: OrderedDict[ViewKey, AssetView] = OrderedDict()
        self._views_lock = threading.Lock()

    def iter_assets(
        self, query: AssetQuery, *, page_size: int = ASSET_PAGE_SIZE
    ) -> Iterator[Asset]:
        """Yield the assets matching the query (SqlStore reads them)."""
        raise NotImplementedError

    def _commune_stamp(self, code: str) -> Stamp | None:
        """Return the commune's revision and creation time, or None when it is not stored."""
        rows = self._driver_rows(COMMUNE_STAMP, {"code": code})
        if not rows:
            return None
        return int(rows[0]["revision"]), str(rows[0]["created_at"])

    def asset_view(self, code: str, layer: Layer, *, surroundings: bool = True) -> AssetView:
        """Return the assets the commune sees in the layer, read again only after a write."""
        key: ViewKey = (code, layer.value, surroundings)
        before = self._commune_stamp(code)
        with self._views_lock:
            kept = self._views.get(key)
            if kept is not None and before is not None and kept.stamp == before:
                self._views.move_to_end(key)
                return kept
        rows = self._driver_rows(VIEW_ROWS[surroundings], {"commune": code, "layer": layer.value})
        view = AssetView.of_rows(code, layer, surroundings, before, rows)
        if before is not None and self._commune_stamp(code) == before:
            with self._views_lock:
                self._views[key] = view
                self._views.move_to_end(key)
                while len(self._views) > CACHED_VIEWS:
                    self._views.popitem(last=False)
        return view
