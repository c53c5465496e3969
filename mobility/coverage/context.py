# SPDX-License-Identifier: MIT
"""Build once, query many: a commune's graph, engines and snapped demand, cached per commune.

Rebuilding the street graph for every request would cost a second each time; a cached context
answers a coverage query in milliseconds. The cache key is the commune's source files (their
SHA-256, recorded when the commune was stored): replacing the streets or the population makes a
new context. Asset edits need no invalidation: the engine caches searches per asset set.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from functools import cached_property

from mobility.commune import CommuneModel, Mode
from mobility.demand import DemandPoints
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import DEFAULT_MAX_SNAP_M, SnappedPoints
from mobility.network.views import ComponentReport
from mobility.places import Place
from mobility.store.base import CommuneRecord, Store

MODES: tuple[Mode, ...] = ("walk", "drive")


class CommuneContext:
    """A commune ready for analyses: engines per mode and demand points snapped per mode."""

    def __init__(self, model: CommuneModel, *, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> None:
        self.model = model
        self.max_snap_m = max_snap_m
        self._lock = threading.Lock()
        self._engines: dict[Mode, DistanceEngine] = {}
        self._demand: dict[Mode, SnappedPoints] = {}

    @property
    def record(self) -> CommuneRecord:
        """Return the stored commune."""
        return self.model.record

    @cached_property
    def place(self) -> Place:
        """Return the commune's outline and surroundings, the one rule of what stands inside."""
        return Place.of(self.record)

    @cached_property
    def demand(self) -> DemandPoints | None:
        """Return the demand points, or None when the commune has no population layer."""
        return self.model.demand

    def report(self, mode: Mode) -> ComponentReport:
        """Return what the mode's street view kept and dropped."""
        return self.model.mode_view(mode)[1]

    def engine(self, mode: Mode) -> DistanceEngine:
        """Return the mode's distance engine, built on first use."""
        with self._lock:
            if mode not in self._engines:
                view, _ = self.model.mode_view(mode)
                self._engines[mode] = DistanceEngine.build(
                    view, mode=mode, max_snap_m=self.max_snap_m
                )
            return self._engines[mode]

    def snapped_demand(self, mode: Mode) -> SnappedPoints:
        """Return the demand points snapped onto the mode's streets (empty without demand)."""
        engine = self.engine(mode)
        with self._lock:
            if mode not in self._demand:
                demand = self.demand
                if demand is None or demand.points.empty:
                    self._demand[mode] = SnappedPoints.empty()
                else:
                    points = demand.points.geometry
                    self._demand[mode] = engine.snap(points.x.to_numpy(), points.y.to_numpy())
            return self._demand[mode]


def fingerprint(record: CommuneRecord) -> str:
    """Return a key that changes when a commune's source files change."""
    sources = record.info.get("sources", [])
    digest = json.dumps(
        [(s.get("role"), s.get("sha256")) for s in sources if isinstance(s, dict)]
        + [record.info.get("demand", {}).get("spacing_m"), record.margin_m],
        sort_keys=True,
    )
    return hashlib.sha256(f"{record.code}:{digest}".encode()).hexdigest()


class ContextCache:
    """Keeps the contexts of the most recently used communes (thread-safe)."""

    def __init__(self, *, capacity: int = 8, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> None:
        self.capacity = capacity
        self.max_snap_m = max_snap_m
        self._contexts: OrderedDict[str, CommuneContext] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, code: str) -> CommuneContext:
        """Return the context of a stored commune, building it when its sources changed."""
        record = store.get_commune(code)
        key = fingerprint(record)
        with self._lock:
            context = self._contexts.get(key)
            if context is not None:
                self._contexts.move_to_end(key)
                context.model.record = record
                return context
        streets = store.get_commune_file(code, "streets")
        if streets is None:
            from mobility.errors import NotFoundError

            raise NotFoundError(f"commune {code} has no street graph stored")
        model = CommuneModel(
            record,
            streets,
            store.get_commune_file(code, "population"),
            store.get_commune_file(code, "buildings"),
        )
        context = CommuneContext(model, max_snap_m=self.max_snap_m)
        with self._lock:
            self._contexts[key] = context
            while len(self._contexts) > self.capacity:
                self._contexts.popitem(last=False)
        return context
