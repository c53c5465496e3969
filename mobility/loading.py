# SPDX-License-Identifier: MIT
"""Putting the assets a file holds into a commune: place, check, write in one transaction.

A reader (``mobility.formats``) says which rows are valid assets; this module decides which of
them belong to the commune (the point must lie within its boundary: rows outside are set aside and
counted, not refused) and writes them. In ``all-or-nothing`` mode one refused row stops the whole
file: the store is left exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from mobility.assets import Asset, Layer
from mobility.features import CommuneLocator
from mobility.formats import read_asset_file
from mobility.formats.reader import AssetFormat
from mobility.formats.report import ReadReport
from mobility.store.base import CommuneRecord, Store

LoadMode = Literal["all-or-nothing", "valid-rows"]
LOAD_MODES: tuple[LoadMode, ...] = ("all-or-nothing", "valid-rows")
LoadPhase = Literal["read", "place", "write"]
LoadProgress = Callable[[LoadPhase, int, int], None]
"""``progress(phase, done, total)``: reading (bytes or steps), placing (assets), writing."""
PLACE_PROGRESS_EVERY = 5_000


@dataclass
class LoadReport:
    """What a load did: per-layer writes, refusals (with line and field), rows set aside."""

    commune: str
    mode: LoadMode
    read: ReadReport
    written: dict[str, int] = field(default_factory=dict)
    outside_commune: int = 0
    other_layers: dict[str, int] = field(default_factory=dict)
    refused: bool = False

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
            "other_layers": dict(self.other_layers),
            **self.read.to_dict(),
        }

    def summary(self) -> str:
        """Return one sentence for a terminal."""
        if self.refused:
            return (
                f"nothing written: {self.read.rejected_rows} row(s) refused in all-or-nothing "
                "mode (use valid-rows to write the valid ones)"
            )
        parts = [f"{count} {layer}" for layer, count in sorted(self.written.items())]
        written = ", ".join(parts) if parts else "nothing"
        return (
            f"wrote {written} into {self.commune}; {self.outside_commune} outside the commune "
            f"set aside; {self.read.rejected_rows} row(s) refused"
        )


def place_assets(
    read: ReadReport,
    *,
    commune: str,
    locator: CommuneLocator,
    layers: Collection[Layer] | None = None,
    progress: LoadProgress | None = None,
) -> tuple[list[Asset], int, dict[str, int]]:
    """Return the assets inside the commune, the count set aside outside, and other-layer counts."""
    assets: list[Asset] = []
    outside = 0
    other: Counter[str] = Counter()
    total = len(read.assets)
    for done, parsed in enumerate(read.assets, 1):
        if progress is not None and (done % PLACE_PROGRESS_EVERY == 0 or done == total):
            progress("place", done, total)
        if layers is not None and parsed.layer not in layers:
            other[parsed.layer.value] += 1
            continue
        if not locator.contains(commune, parsed.lon, parsed.lat):
            outside += 1
            continue
        assets.append(
            Asset(
                layer=parsed.layer,
                id=parsed.id,
                commune=commune,
                lon=parsed.lon,
                lat=parsed.lat,
                attributes=parsed.attributes,
                footprint=parsed.footprint,
            )
        )
    return assets, outside, dict(other)


def prepare_load(
    record: CommuneRecord,
    data: bytes,
    *,
    fmt: AssetFormat | None = None,
    layers: Collection[Layer] | None = None,
    source_name: str = "",
    mode: LoadMode = "all-or-nothing",
    progress: LoadProgress | None = None,
) -> tuple[list[Asset], LoadReport]:
    """Read a file and place its assets into a commune, writing nothing.

    The report's ``written`` counts what a write would store; ``refused`` is set when the mode
    forbids writing. Callers that load several files check them all before writing any.
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
    assets, outside, other = place_assets(
        read,
        commune=record.code,
        locator=CommuneLocator([record]),
        layers=layers,
        progress=progress,
    )
    report = LoadReport(
        commune=record.code, mode=mode, read=read, outside_commune=outside, other_layers=other
    )
    if read.rejected and mode == "all-or-nothing":
        report.refused = True
        return [], report
    report.written = dict(Counter(asset.layer.value for asset in assets))
    return assets, report


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

    ``progress`` (optional) is told how far the read, the placing and the write are.
    """
    assets, report = prepare_load(
        store.get_commune(commune),
        data,
        fmt=fmt,
        layers=layers,
        source_name=source_name,
        mode=mode,
        progress=progress,
    )
    if report.refused:
        return report
    if progress is not None:
        progress("write", 0, len(assets))
    store.add_assets(assets, upsert=True)
    if progress is not None:
        progress("write", len(assets), len(assets))
    return report
