# SPDX-License-Identifier: MIT
"""Putting the assets a file holds into a commune: place, check, write in one transaction.

A reader (``mobility.formats``) says which rows are valid assets; this module decides which of
them the commune sees (inside its boundary, or inside its surroundings when it has a margin, by
:mod:`mobility.places`' rule: rows further out are set aside and counted, not refused) and writes
them. Each asset keeps its own commune code: the one its source gives (IRVE
``code_insee_commune``), else the smallest loaded commune whose boundary holds it, else none
(an empty code, served as null) for a margin asset that stands in no loaded commune; never the
commune it was loaded into when it stands outside it. Loading a file into one commune therefore
never moves nor hides an asset another commune sees, and the report says which assets already
stored the write would change. In ``all-or-nothing`` mode one refused row stops the whole file:
the store is left exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from mobility.assets import UNKNOWN_COMMUNE, Asset, ChargingPointBase, Layer
from mobility.features import CommuneLocator
from mobility.formats import read_asset_file
from mobility.formats.reader import AssetFormat
from mobility.formats.report import ParsedAsset, ReadReport
from mobility.places import Place
from mobility.refusals import split_refusals
from mobility.store.base import CommuneRecord, Store

LoadMode = Literal["all-or-nothing", "valid-rows"]
LOAD_MODES: tuple[LoadMode, ...] = ("all-or-nothing", "valid-rows")
LoadPhase = Literal["read", "place", "write"]
LoadProgress = Callable[[LoadPhase, int, int], None]
"""``progress(phase, done, total)``: reading (bytes or steps), placing (assets), writing."""
PLACE_PROGRESS_EVERY = 5_000
CHANGED_IDS_LISTED = 50
"""Ids of changed stored assets a report lists (the count covers them all)."""


@dataclass
class LoadReport:
    """What a load did: per-layer writes, refusals (with line and field), rows set aside.

    ``outside_commune`` counts the valid rows outside the commune and its surroundings, and
    ``rejected_outside`` the refused rows standing there (counted, never a reason to refuse);
    ``in_commune`` and ``in_surroundings`` split what is kept between the boundary and the
    margin. ``changed_existing`` counts the kept assets already stored whose attributes,
    position or commune code the write changes (the first ids listed in
    ``changed_existing_ids``); ``unchanged_existing`` those stored exactly as read.
    """

    commune: str
    mode: LoadMode
    read: ReadReport
    written: dict[str, int] = field(default_factory=dict)
    outside_commune: int = 0
    rejected_outside: int = 0
    other_layers: dict[str, int] = field(default_factory=dict)
    refused: bool = False
    in_commune: int = 0
    in_surroundings: int = 0
    changed_existing: int = 0
    changed_existing_ids: list[str] = field(default_factory=list)
    unchanged_existing: int = 0

    @property
    def rejected_here(self) -> int:
        """Return how many refused rows stand in the commune or its surroundings (or anywhere)."""
        return self.read.rejected_rows - self.rejected_outside

    @property
    def written_total(self) -> int:
        """Return how many assets were written in all."""
        return sum(self.written.values())

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready values (the CLI prints it, the API returns it)."""
        return {
            "commune": self.commune,
            "mode": self.mode,
            "status": "refused" if self.refused else "written",
            "written": dict(self.written),
            "written_total": self.written_total,
            "outside_commune": self.outside_commune,
            "rejected_outside": self.rejected_outside,
            "in_commune": self.in_commune,
            "in_surroundings": self.in_surroundings,
            "changed_existing": self.changed_existing,
            "changed_existing_ids": list(self.changed_existing_ids),
            "unchanged_existing": self.unchanged_existing,
            "other_layers": dict(self.other_layers),
            **self.read.to_dict(),
        }

    def summary(self) -> str:
        """Return one sentence for a terminal."""
        if self.refused:
            return (
                f"nothing written: {self.rejected_here} row(s) refused in all-or-nothing "
                "mode (use valid-rows to write the valid ones)"
            )
        parts = [f"{count} {layer}" for layer, count in sorted(self.written.items())]
        written = ", ".join(parts) if parts else "nothing"
        margin = f" ({self.in_surroundings} in its surroundings)" if self.in_surroundings else ""
        changed = (
            f"; {self.changed_existing} already stored changed" if self.changed_existing else ""
        )
        elsewhere = (
            f" ({self.rejected_outside} more outside it, counted only)"
            if self.rejected_outside
            else ""
        )
        return (
            f"wrote {written} into {self.commune}{margin}; {self.outside_commune} outside the "
            f"commune set aside; {self.rejected_here} row(s) refused{elsewhere}{changed}"
        )


@dataclass(frozen=True)
class Placement:
    """The assets of a file a commune sees, and what was left out."""

    assets: list[Asset]
    in_commune: int
    outside: int
    other_layers: dict[str, int]

    @property
    def in_surroundings(self) -> int:
        """Return how many kept assets stand in the margin only."""
        return len(self.assets) - self.in_commune


def place_assets(
    read: ReadReport,
    *,
    record: CommuneRecord,
    locator: CommuneLocator,
    layers: Collection[Layer] | None = None,
    progress: LoadProgress | None = None,
) -> Placement:
    """Return the read assets the commune sees, each with its own commune code.

    ``locator`` knows the loaded communes (the commune loaded into among them), which name the
    code of an asset its source gives none for.
    """
    wanted = [p for p in read.assets if layers is None or p.layer in layers]
    other = Counter(
        p.layer.value for p in read.assets if layers is not None and p.layer not in layers
    )
    place = Place.of(record)
    assets: list[Asset] = []
    in_commune = 0
    total = len(wanted)
    for start in range(0, total, PLACE_PROGRESS_EVERY):
        chunk = wanted[start : start + PLACE_PROGRESS_EVERY]
        lons = np.fromiter((p.lon for p in chunk), dtype=float, count=len(chunk))
        lats = np.fromiter((p.lat for p in chunk), dtype=float, count=len(chunk))
        seen = place.inside_surroundings(lons, lats)
        inside = place.inside_commune(lons, lats)
        kept = np.flatnonzero(seen)
        located = locator.locate_many(lons[kept], lats[kept])
        for index, code in zip(kept, located, strict=True):
            parsed = chunk[int(index)]
            assets.append(_asset(parsed, _own_code(parsed, code)))
        in_commune += int(inside.sum())
        if progress is not None:
            progress("place", start + len(chunk), total)
    return Placement(
        assets=assets,
        in_commune=in_commune,
        outside=total - len(assets),
        other_layers=dict(other),
    )


def _own_code(parsed: ParsedAsset, located: str | None) -> str:
    """Return the code of where an asset stands: its source's, else the loaded commune's."""
    attributes = parsed.attributes
    if isinstance(attributes, ChargingPointBase) and attributes.code_insee_commune:
        return attributes.code_insee_commune
    return located if located is not None else UNKNOWN_COMMUNE


def _asset(parsed: ParsedAsset, commune: str) -> Asset:
    return Asset(
        layer=parsed.layer,
        id=parsed.id,
        commune=commune,
        lon=parsed.lon,
        lat=parsed.lat,
        attributes=parsed.attributes,
        footprint=parsed.footprint,
    )


def note_existing(store: Store, assets: Sequence[Asset], report: LoadReport) -> None:
    """Count in the report the assets already stored that the write would change, or not."""
    changed: list[str] = []
    unchanged = 0
    for layer in sorted({asset.layer for asset in assets}, key=lambda layer: layer.value):
        batch = [asset for asset in assets if asset.layer == layer]
        stored = store.existing_assets(layer, [asset.id for asset in batch])
        for asset in batch:
            before = stored.get(asset.id)
            if before is None:
                continue
            if before.same_content(asset):
                unchanged += 1
            else:
                changed.append(asset.id)
    report.changed_existing = len(changed)
    report.changed_existing_ids = sorted(changed)[:CHANGED_IDS_LISTED]
    report.unchanged_existing = unchanged


def prepare_load(
    record: CommuneRecord,
    data: bytes,
    *,
    fmt: AssetFormat | None = None,
    layers: Collection[Layer] | None = None,
    source_name: str = "",
    mode: LoadMode = "all-or-nothing",
    progress: LoadProgress | None = None,
    loaded: Sequence[CommuneRecord] = (),
) -> tuple[list[Asset], LoadReport]:
    """Read a file and place its assets into a commune, writing nothing.

    The report's ``written`` counts what a write would store; ``refused`` is set when the mode
    forbids writing. Callers that load several files check them all before writing any.
    ``loaded`` are the other communes stored, whose boundaries name the code of an asset its
    source gives none for (the commune loaded into always counts, as ``record`` describes it).
    """
    layer_hint = next(iter(layers)) if layers is not None and len(layers) == 1 else None

    def reading(done: int, total: int) -> None:
        if progress is not None:
            progress("read", done, total)

    read = read_asset_file(
        data,
        fmt=fmt,
        layer=layer_hint,
        source_name=source_name,
        progress=reading if progress is not None else None,
    )
    others = [other for other in loaded if other.code != record.code]
    placement = place_assets(
        read,
        record=record,
        locator=CommuneLocator([record, *others]),
        layers=layers,
        progress=progress,
    )
    refusals = split_refusals(read.rejected, Place.of(record))
    report = LoadReport(
        commune=record.code,
        mode=mode,
        read=read,
        outside_commune=placement.outside,
        rejected_outside=refusals.elsewhere_rows,
        other_layers=placement.other_layers,
        in_commune=placement.in_commune,
        in_surroundings=placement.in_surroundings,
    )
    if refusals.counted and mode == "all-or-nothing":
        report.refused = True
        return [], report
    report.written = dict(Counter(asset.layer.value for asset in placement.assets))
    return placement.assets, report


def load_asset_file(
    store: Store,
    commune: str,
    data: bytes,
    *,
    fmt: AssetFormat | None = None,
    layers: Collection[Layer] | None = None,
    source_name: str = "",
    mode: LoadMode = "all-or-nothing",
    progress: LoadProgress | None = None,
) -> LoadReport:
    """Read a file and upsert its assets into a commune, as one transaction.

    ``progress`` (optional) is told how far the read, the placing and the write are. The report
    says which assets already stored the write changes.
    """
    assets, report = prepare_load(
        store.get_commune(commune),
        data,
        fmt=fmt,
        layers=layers,
        source_name=source_name,
        mode=mode,
        progress=progress,
        loaded=store.list_communes(),
    )
    if report.refused:
        return report
    note_existing(store, assets, report)
    if progress is not None:
        progress("write", 0, len(assets))
    store.add_assets(assets, upsert=True)
    if progress is not None:
        progress("write", len(assets), len(assets))
    return report
