# SPDX-License-Identifier: MIT
"""A commune described by a small JSON manifest: its files, their fields and their provenance.

The shipped commune is loaded this way, and any commune can be: the manifest names the boundary,
streets, population (with its field and, optionally, what it counts and its year) and asset
files, each with attribution and licence, relative to the manifest's folder. Loading is the
same code path as the ``commune add`` and ``assets load`` commands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mobility.assets import Asset, Layer
from mobility.commune import CommuneInputs, SourceFile, SourceRole, build_commune
from mobility.errors import FieldProblem, InvalidInputError
from mobility.loading import LoadReport, note_existing, prepare_load
from mobility.store.base import Store


@dataclass(frozen=True)
class AssetSource:
    """An asset file of a manifest."""

    path: Path
    fmt: Literal["irve", "geojson"] | None
    layers: tuple[Layer, ...] | None
    attribution: str | None
    licence: str | None


def _source(base: Path, entry: Any, role: SourceRole) -> SourceFile:
    if not isinstance(entry, dict) or "file" not in entry:
        raise InvalidInputError(
            "the manifest is incomplete", problems=[FieldProblem(role, "needs a 'file' entry")]
        )
    path = base / entry["file"]
    if not path.is_file():
        raise InvalidInputError(
            "a file named by the manifest is missing",
            problems=[FieldProblem(f"{role}.file", f"{path} does not exist")],
        )
    return SourceFile(
        role=role,
        filename=path.name,
        content=path.read_bytes(),
        attribution=entry.get("attribution"),
        licence=entry.get("licence"),
    )


def read_manifest(path: Path) -> tuple[CommuneInputs, list[AssetSource]]:
    """Read a manifest into the inputs of ``build_commune`` and the asset files to load."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"cannot read the manifest {path}: {exc}") from exc
    base = path.parent
    population = manifest.get("population")
    buildings = manifest.get("buildings")
    assets = [
        AssetSource(
            path=base / entry["file"],
            fmt=entry.get("format"),
            layers=tuple(Layer(layer) for layer in entry["layers"])
            if entry.get("layers")
            else None,
            attribution=entry.get("attribution"),
            licence=entry.get("licence"),
        )
        for entry in manifest.get("assets", [])
    ]
    inputs = CommuneInputs(
        code=str(manifest.get("code", "")),
        name=str(manifest.get("name", "")),
        boundary=_source(base, manifest.get("boundary"), "boundary"),
        streets=_source(base, manifest.get("streets"), "streets"),
        population=_source(base, population, "population") if population else None,
        population_field=population.get("field") if population else None,
        zone_id_field=population.get("zone_id_field") if population else None,
        population_description=population.get("description") if population else None,
        population_year=population.get("year") if population else None,
        buildings=_source(base, buildings, "buildings") if buildings else None,
        margin_m=manifest.get("margin_m"),
        extra_sources=[
            {
                "role": "assets",
                "filename": asset.path.name,
                "layers": [layer.value for layer in asset.layers or ()],
                "attribution": asset.attribution,
                "licence": asset.licence,
            }
            for asset in assets
        ],
    )
    return inputs, assets


def load_manifest(
    store: Store, path: Path, *, replace: bool = False
) -> tuple[str, list[LoadReport]]:
    """Build the commune a manifest describes, then store it with its assets.

    Every file is read and checked before anything is written, so a refused asset file leaves
    the store as it was.
    """
    inputs, sources = read_manifest(path)
    record, files = build_commune(inputs)
    loaded = store.list_communes()
    reports: list[LoadReport] = []
    assets: list[Asset] = []
    for source in sources:
        placed, report = prepare_load(
            record,
            source.path.read_bytes(),
            fmt=source.fmt,
            layers=source.layers,
            source_name=source.path.name,
            loaded=loaded,
        )
        if report.refused:
            raise InvalidInputError(
                f"{source.path.name}: {report.summary()}",
                problems=[
                    FieldProblem(f"{source.path.name}:{row.line}:{row.field}", row.reason)
                    for row in report.read.rejected[:50]
                ],
            )
        note_existing(store, placed, report)
        reports.append(report)
        assets.extend(placed)
    store.save_commune(record, files, replace=replace)
    store.add_assets(assets, upsert=True)
    return record.code, reports
