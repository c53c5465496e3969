# SPDX-License-Identifier: MIT
"""The asset stages: each asset file read, cut to the commune and its surroundings, coded.

Every point kept stands inside the boundary or within the margin around it, and carries its own
commune code: the code of the commune of the boundaries file it stands in, so a charging point of
the 9e kept in the 10e's surroundings stays a point of the 9e, and loading the 10e never moves it.
A point that stands in none of the file's communes takes the code its source gives (IRVE's
``code_insee_commune``), else none (:data:`~mobility.assets.UNKNOWN_COMMUNE`, served as null, as
the loader does), and the report counts those: a boundaries file that covers the surroundings
avoids them.

The IRVE file is read in columns and cut first (:func:`~mobility.formats.irve_national.select_irve`:
duplicates, swapped positions and codes repaired and reported), so only the rows within the
surroundings are judged: a bad row elsewhere in a national file never blocks the import. The other
readers cannot place a row they refuse, so each of their refusals counts. In ``all-or-nothing``
mode one refusal writes nothing; a file where no row is usable, and none stands elsewhere, is
refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mobility.assets import UNKNOWN_COMMUNE, Asset, Layer
from mobility.errors import FieldProblem, InvalidInputError
from mobility.formats import read_asset_file
from mobility.formats.irve_national import SKIP_OUTSIDE, select_irve
from mobility.formats.reader import AssetFormat
from mobility.formats.report import ParsedAsset, ReadReport, RejectedRow
from mobility.importing.area import CommuneArea
from mobility.importing.report import StageReport
from mobility.importing.request import AssetInput, AssetKind
from mobility.refusals import split_refusals

OUTSIDE = "outside the commune and its surroundings"
REFUSALS_LISTED = 20
"""Refused rows named in a stage's report (the count stays exact)."""
KIND_FORMATS: dict[AssetKind, AssetFormat | None] = {
    "irve": "irve",
    "gtfs": "gtfs",
    "gbfs": "gbfs",
    "hubs": None,
    "osm": "osm",
}
StageProgress = Callable[[int, int], None]


@dataclass
class PlacedAssets:
    """The assets of one file kept for the commune, with the refusals that count."""

    assets: list[Asset] = field(default_factory=list)
    in_commune: list[bool] = field(default_factory=list)
    refused: list[RejectedRow] = field(default_factory=list)


def place_file(
    source: AssetInput,
    area: CommuneArea,
    *,
    progress: StageProgress | None = None,
    already_read: ReadReport | None = None,
) -> tuple[PlacedAssets, StageReport]:
    """Read one asset file and keep its points within the surroundings, each with its code.

    ``already_read`` is the file's report when another stage read it (the OSM file's streets).
    """
    report = StageReport(stage=source.kind, unit="rows", source=source.file.describe())
    read, invalid_outside = (
        (already_read, 0) if already_read is not None else _read(source, area, progress, report)
    )
    usable_outside = read.skipped.get(SKIP_OUTSIDE, 0) - invalid_outside
    if read.rows_read and not read.assets and not usable_outside:
        raise InvalidInputError(
            f"{source.file.name} holds no usable row",
            problems=[
                FieldProblem(
                    source.kind,
                    f"none of the {read.rows_read} rows is usable; the first refusal: "
                    + (
                        f"line {read.rejected[0].line}: {read.rejected[0].field}: "
                        f"{read.rejected[0].reason}"
                        if read.rejected
                        else "every row was skipped"
                    ),
                )
            ],
        )
    report.read = read.rows_read
    report.unit = "rows" if source.kind == "irve" else "features"
    lons = np.asarray([asset.lon for asset in read.assets], dtype=float)
    lats = np.asarray([asset.lat for asset in read.assets], dtype=float)
    inside = area.place.inside_surroundings(lons, lats)
    kept = [asset for asset, keep in zip(read.assets, inside, strict=True) if keep]
    in_commune = area.place.inside_commune(lons[inside], lats[inside]).tolist()
    codes, guessed = _own_codes(kept, area)
    split = split_refusals(read.rejected, area.place)
    counted, elsewhere = split.counted, split.elsewhere
    placed = PlacedAssets(
        assets=[
            Asset(
                layer=asset.layer,
                id=asset.id,
                commune=code,
                lon=asset.lon,
                lat=asset.lat,
                attributes=asset.attributes,
                footprint=asset.footprint,
            )
            for asset, code in zip(kept, codes, strict=True)
        ],
        in_commune=[bool(flag) for flag in in_commune],
        refused=counted,
    )
    report.kept = len(kept)
    report.drop(OUTSIDE, int((~inside).sum()))
    report.drop("refused", split.counted_rows)
    report.drop(f"refused, {OUTSIDE} (counted only)", split.elsewhere_rows)
    for reason, count in read.skipped.items():
        report.drop(OUTSIDE if reason == SKIP_OUTSIDE else f"skipped: {reason}", count)
    grouped = read.rows_read - len(read.assets) - read.rejected_rows - sum(read.skipped.values())
    report.drop("grouped into one asset with another row", grouped)
    report.facts |= {
        "format": read.format,
        "in_commune": sum(in_commune),
        "in_surroundings": len(kept) - sum(in_commune),
        "duplicate_ids": len(read.duplicate_ids),
        "outside_every_boundary": guessed,
        "refused": [row.to_dict() for row in counted[:REFUSALS_LISTED]],
        "refused_outside": split.elsewhere_rows,
    }
    if guessed:
        report.notes.append(
            f"{guessed} point(s) stand in none of the boundaries file's communes: their code "
            "is the source's, else unknown"
        )
    for row in counted[:REFUSALS_LISTED]:
        report.notes.append(f"refused {refused_where(row)}: {row.field}: {row.reason}")
    if len(counted) > REFUSALS_LISTED:
        report.notes.append(f"… and {len(counted) - REFUSALS_LISTED} more (use --json)")
    if elsewhere:
        report.notes.append(
            f"{split.elsewhere_rows} invalid row(s) {OUTSIDE} set aside (counted only), "
            f"the first: {refused_where(elsewhere[0])}: {elsewhere[0].field}: "
            f"{elsewhere[0].reason}"
        )
    return placed, report


def refused_where(row: RejectedRow) -> str:
    """Name a refused row: its line, else (a PBF has no lines) its element, e.g. osm-node-12."""
    return f"line {row.line}" if row.line else (row.id or "a row without an id")


def _read(
    source: AssetInput, area: CommuneArea, progress: StageProgress | None, report: StageReport
) -> tuple[ReadReport, int]:
    """Read a file: the IRVE one cut to the surroundings as it is read, the others whole.

    Also return how many rows outside the surroundings were found invalid (IRVE only: the
    others are read whole, so their refusals are in the report).
    """
    if source.kind == "irve":
        read, cleaning = select_irve(
            source.file.plain(),
            outline=area.surroundings,
            commune_codes=area,
            progress=progress,
            source_name=source.file.name,
        )
        report.facts["cleaning"] = cleaning.to_dict()
        report.notes.append(cleaning.summary())
        return read, cleaning.invalid_outside
    read = read_asset_file(
        source.file.plain(),
        fmt=KIND_FORMATS[source.kind],
        layer=Layer.HUBS if source.kind == "hubs" else None,
        source_name=source.file.name,
        progress=progress,
    )
    return read, 0


def _own_codes(assets: list[ParsedAsset], area: CommuneArea) -> tuple[list[str], int]:
    """Return each asset's own commune code, and how many did not come from an outline."""
    found = area.codes_at([a.lon for a in assets], [a.lat for a in assets])
    codes = [
        code if code is not None else _given_code(asset)
        for asset, code in zip(assets, found, strict=True)
    ]
    return codes, sum(code is None for code in found)


def _given_code(asset: ParsedAsset) -> str:
    """Return the code the source gives a point (IRVE's), else the store's unknown code."""
    given = getattr(asset.attributes, "code_insee_commune", None)
    return str(given) if given else UNKNOWN_COMMUNE
