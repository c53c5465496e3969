# SPDX-License-Identifier: MIT
"""``import_commune``: a commune and its surroundings from region-wide files, in one go.

The stages run in order (boundaries, streets, population, each asset file), each reading,
cutting and reporting; the commune is then built from what was kept (the street graph and the
demand model exactly as the stored commune will rebuild them). Nothing is written before every
stage has passed: a refused file, a bad row inside the surroundings in ``all-or-nothing`` mode,
or any error leaves the store as it was. The commune record, its files and its assets are then
written in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mobility.assets import Asset
from mobility.commune import CommuneInputs, SourceFile, build_commune
from mobility.errors import ConflictError
from mobility.importing.area import CommuneArea, read_area
from mobility.importing.assets import REFUSALS_LISTED, PlacedAssets, place_file, refused_where
from mobility.importing.charger_matches import SAME_PLACE_M, drop_known_chargers
from mobility.importing.existing import compare_existing
from mobility.importing.osm import OsmRead, read_osm
from mobility.importing.population_sources import SelectedPopulation, select_population
from mobility.importing.report import ImportReport, StageReport
from mobility.importing.request import AssetInput, ImportRequest, InputFile, check_request
from mobility.importing.streets import ClippedStreets, clip_streets
from mobility.store.base import CommuneFile, CommuneRecord, Store

ImportProgress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: one phase per stage, as the command's progress bar takes."""


def import_commune(
    store: Store,
    request: ImportRequest,
    *,
    progress: ImportProgress | None = None,
    attributions: dict[str, str] | None = None,
) -> ImportReport:
    """Import a commune with its surroundings from region-wide files; return the report.

    ``attributions`` maps a role (``streets``, ``population``, ``irve``...) to the credit its
    data needs. The report's status is ``refused`` (and nothing is written) when a row inside
    the surroundings is refused in ``all-or-nothing`` mode.

    Raises
    ------
    InvalidInputError
        A bad request or an unusable file (naming the field or file and the reason).
    ConflictError
        The commune is already loaded and ``replace`` was not asked for.
    """
    check_request(request)
    if not request.replace and store.has_commune(request.code):
        raise ConflictError(
            f"commune {request.code} is already loaded: add --replace to import it again"
        )
    step = progress or _silent
    roles_credit = attributions or {}
    step("boundaries", 0, 1)
    area, boundaries_report = read_area(
        request.boundaries, code=request.code, margin_m=request.margin_m, name=request.name
    )
    step("boundaries", 1, 1)
    report = ImportReport(code=area.code, name=area.name, margin_m=request.margin_m)
    report.stages.append(boundaries_report)
    step("streets", 0, 1)
    osm = read_osm(request.osm, area) if request.osm is not None else None
    streets, streets_report = _streets(request, area, osm)
    report.stages.append(streets_report)
    step("streets", 1, 1)
    population: SourceFile | None = None
    selected: SelectedPopulation | None = None
    if request.population is not None:
        step("population", 0, 1)
        selected = select_population(request, area)
        report.stages.append(selected.report)
        population = SourceFile(
            "population", selected.stored_as, selected.content, roles_credit.get("population")
        )
        step("population", 1, 1)
    placed: list[tuple[StageReport, PlacedAssets]] = []
    if osm is not None and request.osm is not None:
        osm_placed, osm_stage = place_file(
            AssetInput("osm", request.osm), area, already_read=osm.assets
        )
        report.stages.append(osm_stage)
        placed.append((osm_stage, osm_placed))
    for source in request.assets:

        def reading(done: int, total: int, kind: str = source.kind) -> None:
            step(f"read {kind}", done, total)

        step(source.kind, 0, 1)
        files_assets, stage = place_file(source, area, progress=reading)
        step(source.kind, 1, 1)
        report.stages.append(stage)
        placed.append((stage, files_assets))
    _irve_wins(placed)
    assets, in_commune = _merge(placed, report)
    step("build", 0, 1)
    record, files = build_commune(
        CommuneInputs(
            code=area.code,
            name=area.name,
            boundary=SourceFile("boundary", f"boundary_{area.code}.geojson", _boundary(area)),
            streets=SourceFile(
                "streets", streets.filename, streets.content, roles_credit.get("streets")
            ),
            population=population,
            population_field=None if selected is None else selected.population_field,
            zone_id_field=None if selected is None else selected.zone_id_field,
            population_description=None if selected is None else selected.description,
            population_year=None if selected is None else selected.year,
            population_facts={} if selected is None else selected.facts,
            margin_m=request.margin_m,
        )
    )
    step("build", 1, 1)
    _describe_graph(streets_report, record.info.get("streets", {}))
    record = _with_sources(record, request, files, roles_credit)
    for asset, inside in zip(assets, in_commune, strict=True):
        counts = report.layers.setdefault(
            asset.layer.value, {"in_commune": 0, "in_surroundings": 0}
        )
        counts["in_commune" if inside else "in_surroundings"] += 1
    report.existing = compare_existing(store, assets)
    refused = [row for _, placed_file in placed for row in placed_file.refused]
    if refused and request.mode == "all-or-nothing":
        report.status = "refused"
        first = refused[0]
        report.refusal = (
            f"{len(refused)} refusal(s) within the commune and its surroundings in "
            "all-or-nothing mode (use --mode valid-rows to write the valid rows); the first: "
            f"{refused_where(first)}: {first.field}: {first.reason}"
        )
        return report
    step("write", 0, len(assets))
    store.save_commune(record, files, replace=request.replace, assets=assets)
    step("write", len(assets), len(assets))
    return report


def _streets(
    request: ImportRequest, area: CommuneArea, osm: OsmRead | None
) -> tuple[ClippedStreets, StageReport]:
    """Return the commune's streets: the street file when given, else the OSM file's."""
    if request.streets is not None:
        return clip_streets(request.streets, area, layer=request.streets_layer)
    assert osm is not None  # noqa: S101 (check_request asks for one of the two)
    return osm.streets, osm.streets_report


def _describe_graph(report: StageReport, streets: dict[str, Any]) -> None:
    """Add to the streets stage what the street reader made of the kept lines (graph, modes)."""
    report.facts["graph"] = {key: value for key, value in streets.items() if key != "modes"}
    lines = streets.get("line_file")
    if isinstance(lines, dict):
        levels = (
            "crossings at different levels kept apart"
            if lines.get("level_info")
            else "no level field: every crossing is a junction"
        )
        noding = f"{lines.get('crossings_split', 0):,} crossings split, {levels}"
        if lines.get("junctions") == "line ends":
            noding = f"{lines.get('field_rules')} sections joined at their ends only"
        report.notes.append(
            f"{lines.get('lines_read', 0):,} lines noded into {lines.get('pieces', 0):,} pieces "
            f"({noding})"
        )
    for mode, view in streets.get("modes", {}).items():
        report.notes.append(f"{mode}: {view.get('summary', '')}")


def _silent(stage: str, done: int, total: int) -> None:
    """Report nothing (no progress asked for)."""


def _merge(
    placed: list[tuple[StageReport, PlacedAssets]], report: ImportReport
) -> tuple[list[Asset], list[bool]]:
    """Return the assets of every file, one per layer and id (a later file wins), with flags."""
    chosen: dict[tuple[str, str], tuple[Asset, bool]] = {}
    for stage, files_assets in placed:
        again = 0
        for asset, inside in zip(files_assets.assets, files_assets.in_commune, strict=True):
            key = (asset.layer.value, asset.id)
            again += key in chosen
            chosen[key] = (asset, inside)
        if again:
            stage.notes.append(f"{again} asset(s) also in an earlier file: this file's kept")
            stage.facts["replacing_an_earlier_file"] = again
    return [asset for asset, _ in chosen.values()], [flag for _, flag in chosen.values()]


def _irve_wins(placed: list[tuple[StageReport, PlacedAssets]]) -> None:
    """Drop the OSM stations an IRVE point stands near; the OSM stage reports each match."""
    irve = [asset for stage, files in placed if stage.stage == "irve" for asset in files.assets]
    for index, (stage, files) in enumerate(placed):
        if stage.stage != "osm":
            continue
        remaining, matches = drop_known_chargers(files, irve)
        placed[index] = (stage, remaining)
        reason = f"same place as an IRVE point (within {SAME_PLACE_M:.0f} m): the IRVE record kept"
        stage.kept -= len(matches)
        stage.drop(reason, len(matches))
        stage.facts["irve_matches"] = [match.to_dict() for match in matches]
        for match in matches[:REFUSALS_LISTED]:
            stage.notes.append(
                f"{match.osm_id} is IRVE {match.irve_id} ({match.distance_m:.1f} m): not imported"
            )
        if len(matches) > REFUSALS_LISTED:
            stage.notes.append(f"… and {len(matches) - REFUSALS_LISTED} more (use --json)")


def _boundary(area: CommuneArea) -> bytes:
    """Return the commune's outline alone as a GeoJSON Feature (what the commune is built on)."""
    return json.dumps({"type": "Feature", "properties": {}, "geometry": area.boundary}).encode()


def _with_sources(
    record: CommuneRecord,
    request: ImportRequest,
    files: list[CommuneFile],
    roles_credit: dict[str, str],
) -> CommuneRecord:
    """Name the original files in the commune's sources, each with what was stored of it."""
    stored: dict[str, CommuneFile] = {file.role: file for file in files}
    originals: list[tuple[str, InputFile | None]] = [
        ("boundary", request.boundaries),
        ("streets", request.streets or request.osm),
        ("population", request.population),
        ("population", request.zones),
    ]
    sources: list[dict[str, Any]] = []
    for role, original in originals:
        if original is None:
            continue
        entry: dict[str, Any] = {"role": role, **original.describe()}
        entry["attribution"] = roles_credit.get(role)
        entry["licence"] = None
        kept = stored.get(role)
        if kept is not None and original is not request.zones:
            entry["stored_as"] = InputFile(kept.filename, kept.content).describe()
        sources.append(entry)
    osm_assets = [AssetInput("osm", request.osm)] if request.osm is not None else []
    for source in [*osm_assets, *request.assets]:
        sources.append(
            {
                "role": "assets",
                "kind": source.kind,
                **source.file.describe(),
                "attribution": roles_credit.get(source.kind),
                "licence": None,
            }
        )
    info = {**record.info, "sources": sources}
    return replace(record, info=info)
