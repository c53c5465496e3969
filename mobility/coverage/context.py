# SPDX-License-Identifier: MIT
"""Build once, query many: a commune's graph, engines and snapped demand, cached per commune.

Rebuilding the street graph for every request would cost a second each time; a cached context
answers a coverage query in milliseconds. The cache key is the commune's source files (their
SHA-256, recorded when the commune was stored): replacing the streets or the population makes a
new context. Asset edits need no invalidation: the engine caches searches per asset set.

What a context builds from the sources is also kept with the store (:mod:`.prepared`): a
worker that has not seen the commune reads it back in one go instead of building it, and the
first worker to build it writes it for the others. A context from :class:`ContextCache` reads
or builds it only when an analysis first needs the engines or the demand: what an analysis
checks before (a reach against the record's margin) answers a refused request at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from mobility.commune import CommuneModel, Mode
from mobility.coverage.band_cache import keep_bands
from mobility.coverage.demand_columns import DemandColumns, PreparedDemand
from mobility.coverage.prepared import build_key, keep_prepared, read_prepared
from mobility.coverage.prepared import fingerprint as fingerprint  # re-exported
from mobility.coverage.prepared_bands import prepare_modes_bands
from mobility.coverage.prepared_codec import PreparedCommune, PreparedMode
from mobility.demand import DemandMethod, DemandPoints
from mobility.errors import InvalidInputError, NotFoundError
from mobility.network.bounded_cache import BoundedCache
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import DEFAULT_MAX_SNAP_M, SnappedPoints
from mobility.network.views import ComponentReport
from mobility.places import Place
from mobility.store.base import CommuneRecord, Store

MODES: tuple[Mode, ...] = ("walk", "drive")

KEPT_ANSWERS = 16
"""Derived answers kept per commune (least recently used dropped first), see :meth:`kept`."""

T = TypeVar("T")


@dataclass(frozen=True)
class PreparedSource:
    """The store a context reads its prepared commune from (and keeps the one it builds in)."""

    store: Store
    key: str


class CommuneContext:
    """A commune ready for analyses: engines per mode and demand points snapped per mode.

    Given a ``prepared`` commune (read back from the store), engines, reports and demand come
    from its arrays and the street graph is never parsed for them. Given a ``source`` instead,
    the prepared commune is read from the store when first needed (or, when none is kept under
    the key, built from the sources then and written for the other workers).
    """

    def __init__(
        self,
        model: CommuneModel,
        *,
        max_snap_m: float = DEFAULT_MAX_SNAP_M,
        prepared: PreparedCommune | None = None,
        source: PreparedSource | None = None,
    ) -> None:
        self.model = model
        self.max_snap_m = max_snap_m
        self._prepared = prepared
        self._source = source if prepared is None else None
        self._loading = threading.RLock()  # taken before _lock, never inside it
        self._building = False
        self._lock = threading.Lock()
        self._engines: dict[Mode, DistanceEngine] = {}
        self._demand: dict[Mode, SnappedPoints] = {}
        self._answers: BoundedCache[str, Any] = BoundedCache(KEPT_ANSWERS)

    def kept(self, key: str, make: Callable[[], T]) -> T:
        """Return what ``make`` gives, kept under ``key`` for the next requests.

        For derived answers that cost far more than their inputs (the gaps' union of discs):
        ``key`` must be a digest of every input ``make`` reads beyond this context's own
        sources, so a key seen again is the same answer, whatever wrote in between.
        """
        value: T = self._answers.get_or_make(key, make)
        return value

    @property
    def prepared(self) -> PreparedCommune | None:
        """Return the prepared commune the context reads, or None when built from the sources.

        A context given a ``source`` reads it from the store here, the first time (see
        :meth:`_load`).
        """
        self._load()
        return self._prepared

    def _load(self) -> None:
        """Read the prepared commune kept under the key, or build it now and keep it.

        One thread loads; the others wait for it. While it builds from the sources, its own
        calls (the engines, the demand) find nothing prepared and build, as a fresh context.
        A failure leaves the context to load again at the next call.
        """
        if self._source is None:
            return
        with self._loading:
            source = self._source
            if source is None or self._building:
                return
            code = self.record.code
            self._prepared = read_prepared(source.store, code, source.key)
            if self._prepared is None:
                self._building = True
                try:
                    # the bands are left to the import: a minute on Paris
                    keep_prepared(source.store, code, self.prepare(source.key, bands=False))
                finally:
                    self._building = False
            self._source = None  # loaded: the store is not held any longer

    @property
    def record(self) -> CommuneRecord:
        """Return the stored commune."""
        return self.model.record

    @cached_property
    def place(self) -> Place:
        """Return the commune's outline and surroundings, the one rule of what stands inside."""
        return Place.of(self.record)

    @property
    def demand_columns(self) -> DemandColumns:
        """Return the demand points' columns and zone grouping, made once (read-only).

        A prepared commune holds them already: its demand's GeoDataFrame is not made for them.
        """
        self._load()  # before the cached value's lock: a load may build, and read the demand
        return self._demand_columns

    @property
    def demand(self) -> DemandPoints | None:
        """Return the demand points, or None when the commune has no population layer."""
        self._load()
        return self._demand_points

    @property
    def demand_method(self) -> DemandMethod | None:
        """Return how the demand points were spread, or None without a population layer.

        From a prepared commune, without making the demand's GeoDataFrame.
        """
        self._load()
        if self._prepared is not None:
            demand = self._prepared.demand
            return None if demand is None else demand.method
        points = self._demand_points
        return None if points is None else points.method

    @cached_property
    def _demand_columns(self) -> DemandColumns:
        prepared = self._prepared
        if prepared is not None:
            return DemandColumns.of(None) if prepared.demand is None else prepared.demand.columns
        return DemandColumns.of(self._demand_points)

    @cached_property
    def _demand_points(self) -> DemandPoints | None:
        prepared = self._prepared
        if prepared is not None:
            return None if prepared.demand is None else prepared.demand.points()
        return self.model.demand

    def report(self, mode: Mode) -> ComponentReport:
        """Return what the mode's street view kept and dropped."""
        self._load()
        if self._prepared is not None and mode in self._prepared.reports:
            return self._prepared.reports[mode]
        return self.model.mode_view(mode)[1]

    def engine(self, mode: Mode) -> DistanceEngine:
        """Return the mode's distance engine, built on first use."""
        self._load()
        with self._lock:
            if mode not in self._engines:
                kept = self._prepared_mode(mode)
                if kept is not None:
                    engine = DistanceEngine.from_table(
                        kept.edges, mode=mode, max_snap_m=self.max_snap_m
                    )
                    if kept.bands is not None:
                        keep_bands(engine, kept.bands.pieces, kept.bands.tiles)
                else:
                    view, _ = self.model.mode_view(mode)
                    engine = DistanceEngine.build(view, mode=mode, max_snap_m=self.max_snap_m)
                self._engines[mode] = engine
            return self._engines[mode]

    def snapped_demand(self, mode: Mode) -> SnappedPoints:
        """Return the demand points snapped onto the mode's streets (empty without demand)."""
        engine = self.engine(mode)
        kept = self._prepared_mode(mode)
        demand = None if kept is not None else self.demand
        with self._lock:
            if mode not in self._demand:
                if kept is not None:
                    self._demand[mode] = kept.demand
                elif demand is None or demand.points.empty:
                    self._demand[mode] = SnappedPoints.empty()
                else:
                    points = demand.points.geometry
                    self._demand[mode] = engine.snap(points.x.to_numpy(), points.y.to_numpy())
            return self._demand[mode]

    def _prepared_mode(self, mode: Mode) -> PreparedMode | None:
        return None if self._prepared is None else self._prepared.modes.get(mode)

    def prepare(self, key: str, *, bands: bool = True) -> PreparedCommune:
        """Build everything the analyses need from the sources, for every mode, and return it.

        A mode without streets has its report and no engine, as :meth:`engine` then refuses it.
        With ``bands``, the service areas' street bands are cut and arranged too (a minute on
        Paris), and this context's engines draw from them as a reader of the payload will.
        """
        engines: dict[Mode, DistanceEngine] = {}
        for mode in MODES:
            try:
                engines[mode] = self.engine(mode)
            except InvalidInputError:
                continue
        kept = prepare_modes_bands([e.edges for e in engines.values()]) if bands else []
        modes: dict[Mode, PreparedMode] = {}
        for at, (mode, engine) in enumerate(engines.items()):
            made = kept[at] if bands else None
            if made is not None:
                keep_bands(engine, made.pieces, made.tiles)
            modes[mode] = PreparedMode(
                edges=engine.edges, demand=self.snapped_demand(mode), bands=made
            )
        demand = self.demand
        return PreparedCommune(
            build_key=key,
            demand=None if demand is None else PreparedDemand.of(demand),
            reports={mode: self.report(mode) for mode in MODES},
            modes=modes,
        )


class ContextCache:
    """Keeps the contexts of the most recently used communes (thread-safe).

    With ``keep`` (the default) a context is read from the commune prepared in the store when
    one is kept under the current key, else built and its preparation written for other workers.
    """

    def __init__(
        self, *, capacity: int = 8, max_snap_m: float = DEFAULT_MAX_SNAP_M, keep: bool = True
    ) -> None:
        self.capacity = capacity
        self.max_snap_m = max_snap_m
        self.keep = keep
        self._contexts: OrderedDict[str, CommuneContext] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def get(self, store: Store, code: str) -> CommuneContext:
        """Return the context of a stored commune, building it when its sources changed."""
        record = store.get_commune(code)
        key = build_key(record, max_snap_m=self.max_snap_m)
        context = self._cached(key, record)
        if context is not None:
            return context
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one context per commune and key; it reads or builds on first use
            context = self._cached(key, record)
            if context is None:
                context = self._make(store, record, key)
                with self._lock:
                    self._contexts[key] = context
                    while len(self._contexts) > self.capacity:
                        self._contexts.popitem(last=False)
        with self._lock:
            self._building.pop(key, None)
        return context

    def _cached(self, key: str, record: CommuneRecord) -> CommuneContext | None:
        with self._lock:
            context = self._contexts.get(key)
            if context is not None:
                self._contexts.move_to_end(key)
                context.model.record = record
            return context

    def _make(self, store: Store, record: CommuneRecord, key: str) -> CommuneContext:
        """Return a context that reads the prepared commune, or builds and keeps it, when needed."""
        source = PreparedSource(store, key) if self.keep else None
        model = stored_model(store, record)
        return CommuneContext(model, max_snap_m=self.max_snap_m, source=source)


def stored_model(store: Store, record: CommuneRecord) -> CommuneModel:
    """Return the commune as its stored files make it (nothing is parsed until asked)."""
    code = record.code
    streets = store.get_commune_file(code, "streets")
    if streets is None:
        raise NotFoundError(f"commune {code} has no street graph stored")
    return CommuneModel(
        record,
        streets,
        store.get_commune_file(code, "population"),
        store.get_commune_file(code, "buildings"),
    )


def prepare_commune(store: Store, code: str, *, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> bool:
    """Build a stored commune's engines and snapped demand now and keep them with the store.

    Run after an import, so that the first request of every worker reads them. Returns whether
    a payload was written (False: one built under the same key, with its street bands, was
    already kept; one a request kept without its bands is built again with them).
    """
    record = store.get_commune(code)
    key = build_key(record, max_snap_m=max_snap_m)
    kept = read_prepared(store, code, key)
    if kept is not None and all(mode.bands is not None for mode in kept.modes.values()):
        return False
    context = CommuneContext(stored_model(store, record), max_snap_m=max_snap_m)
    return keep_prepared(store, code, context.prepare(key))
