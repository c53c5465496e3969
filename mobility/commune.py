# SPDX-License-Identifier: MIT
"""A commune assembled from standard files: boundary, streets, population, buildings.

``build_commune`` checks every input before anything is stored and produces the facts a planner
needs to trust the result: how much of the street graph each mode keeps, how the population was
spread, what is missing. ``CommuneModel`` is the same commune rebuilt from the store for analyses:
graph, mode views and demand are built once and kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import geopandas as gpd
import networkx as nx
from shapely.geometry import shape

from mobility.boundary import read_boundary
from mobility.demand import DemandPoints, clip_zones, read_zones, spread_population
from mobility.errors import FieldProblem, InvalidInputError
from mobility.network import ComponentReport, build_mode_view, load_streets, undirected_edges_frame
from mobility.places import INSEE_CODE_PATTERN as INSEE_CODE_PATTERN  # re-exported
from mobility.places import margin_problems
from mobility.store.base import CommuneFile, CommuneRecord, FileRole

Mode = Literal["walk", "drive"]
DEFAULT_SPACING_M = 50.0
SourceRole = FileRole | Literal["boundary"]
# Census years a population count may state (French censuses began in 1801).
MIN_YEAR, MAX_YEAR = 1801, 2100


@dataclass(frozen=True)
class SourceFile:
    """A file given to build a commune, with what the user says of its origin."""

    role: SourceRole
    filename: str
    content: bytes
    attribution: str | None = None
    licence: str | None = None

    def describe(self) -> dict[str, Any]:
        """Return the provenance facts stated in every analysis answer."""
        return {
            "role": self.role,
            "filename": self.filename,
            "bytes": len(self.content),
            "sha256": hashlib.sha256(self.content).hexdigest(),
            "attribution": self.attribution,
            "licence": self.licence,
        }


@dataclass(frozen=True)
class CommuneInputs:
    """Everything needed to build a commune; population, buildings and the margin are optional.

    ``margin_m`` (0 to 10,000 metres) gives the commune surroundings: the assets standing within
    that distance of its boundary count in its analyses. None keeps the commune to its boundary.
    """

    code: str
    name: str
    boundary: SourceFile
    streets: SourceFile
    population: SourceFile | None = None
    population_field: str | None = None
    zone_id_field: str | None = None
    population_description: str | None = None
    population_year: int | None = None
    population_facts: dict[str, Any] = field(default_factory=dict)
    """What an INSEE source tells beside the count, kept with the population file: its
    ``age_group``, the ``commune_total`` in the source and its ``commune_total_rule``, and the
    ``carried`` counts (``{"poor_households": "men_pauv"}``) the demand points carry."""
    buildings: SourceFile | None = None
    spacing_m: float = DEFAULT_SPACING_M
    extra_sources: list[dict[str, Any]] = field(default_factory=list)
    margin_m: float | None = None


def build_commune(inputs: CommuneInputs) -> tuple[CommuneRecord, list[CommuneFile]]:
    """Check and assemble a commune; raise InvalidInputError listing every problem found."""
    import re

    problems: list[FieldProblem] = []
    if not re.match(INSEE_CODE_PATTERN, inputs.code):
        problems.append(FieldProblem("code", "must be a 5-character INSEE code such as 75110"))
    if not inputs.name.strip():
        problems.append(FieldProblem("name", "must not be empty"))
    if inputs.population is not None and not inputs.population_field:
        problems.append(
            FieldProblem("population_field", "name the field that holds the population count")
        )
    problems.extend(margin_problems(inputs.margin_m))
    problems.extend(_population_naming_problems(inputs))
    if problems:
        raise InvalidInputError("the commune cannot be built", problems=problems)

    boundary = read_boundary(inputs.boundary.content, code=inputs.code)
    graph = load_streets(inputs.streets.content, fmt=_streets_format(inputs.streets.filename))
    notes: list[str] = []
    reports = {}
    for mode in ("walk", "drive"):
        _, report = build_mode_view(graph, mode)
        reports[mode] = report.to_dict() | {"summary": report.summary()}
        if report.nodes_kept == 0:
            notes.append(
                f"the street graph has no {mode} network: {mode} analyses are not possible"
            )
    if not graph.graph.get("has_classes", False):
        notes.append(
            "the street source has no OSM highway classes or one-way tags: the same two-way "
            "graph serves walking and driving"
        )
    info: dict[str, Any] = {
        "streets": {
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "format": graph.graph.get("source_format"),
            "has_classes": bool(graph.graph.get("has_classes", False)),
            "modes": reports,
            **({"line_file": graph.graph["line_file"]} if "line_file" in graph.graph else {}),
        },
        "sources": [
            source.describe()
            for source in (inputs.boundary, inputs.streets, inputs.population, inputs.buildings)
            if source is not None
        ]
        + inputs.extra_sources,
    }
    files = [CommuneFile("streets", inputs.streets.filename, inputs.streets.content)]
    if inputs.population is not None and inputs.population_field:
        population = CommuneFile(
            "population",
            inputs.population.filename,
            inputs.population.content,
            metadata={
                "population_field": inputs.population_field,
                "zone_id_field": inputs.zone_id_field,
                "spacing_m": inputs.spacing_m,
                "population_description": _stripped(inputs.population_description),
                "population_year": inputs.population_year,
                **inputs.population_facts,
            },
        )
        buildings = (
            CommuneFile("buildings", inputs.buildings.filename, inputs.buildings.content)
            if inputs.buildings is not None
            else None
        )
        demand = spread_commune_population(population, boundary, graph, buildings)
        info["demand"] = demand.method.to_dict()
        files.append(population)
        if buildings is not None:
            files.append(buildings)
    else:
        notes.append(
            "no population layer: coverage can be measured in distance but not in inhabitants"
        )
    if inputs.margin_m is not None:
        info["surroundings"] = {"margin_m": float(inputs.margin_m)}
    info["notes"] = notes
    record = CommuneRecord(
        code=inputs.code,
        name=inputs.name.strip(),
        boundary=boundary,
        info=info,
        margin_m=None if inputs.margin_m is None else float(inputs.margin_m),
    )
    return record, files


def describe_population(record: CommuneRecord) -> dict[str, Any] | None:
    """Name the population a commune's answers count: field, what it counts, year, file.

    Read from the demand method stored with the commune, so an analysis that never spreads the
    population (intermodality) still names it; a commune stored before the description existed
    states its field and file, and null for what nobody said. None without a population layer.
    """
    demand = record.info.get("demand")
    if not isinstance(demand, dict):
        return None
    named = demand.get("population")
    if isinstance(named, dict):
        return {"age_group": None} | dict(named)
    return {
        "field": demand.get("population_field"),
        "description": None,
        "age_group": None,
        "year": None,
        "source": demand.get("population_source"),
    }


def _population_naming_problems(inputs: CommuneInputs) -> list[FieldProblem]:
    """Check what the loader says the population counts: text, and a census year."""
    problems = []
    description = inputs.population_description
    if description is not None and not description.strip():
        problems.append(
            FieldProblem("population_description", "must say what the field counts, or be left out")
        )
    year = inputs.population_year
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR
    ):
        problems.append(
            FieldProblem("population_year", f"must be a year from {MIN_YEAR} to {MAX_YEAR}")
        )
    if inputs.population is None and (description is not None or year is not None):
        problems.append(
            FieldProblem("population", "a population description or year needs a population file")
        )
    return problems


def _stripped(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def _streets_format(filename: str) -> Literal["graphml", "osm"] | None:
    name = filename.lower().removesuffix(".gz")
    if name.endswith((".graphml", ".gml", ".xml.graphml")):
        return "graphml"
    if name.endswith((".osm", ".osm.xml")):
        return "osm"
    return None


def read_commune_zones(
    content: bytes,
    boundary: dict[str, Any],
    *,
    population_field: str,
    zone_id_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Read population zones and keep them to the commune, as the demand points are made.

    A regional file (every IRIS of a département) therefore works as the population layer of
    any of its communes: zones are cut at the boundary and a straddling zone keeps the share of
    its population its area inside stands for (:func:`mobility.demand.clip_zones`).
    """
    zones = read_zones(content, population_field=population_field, zone_id_field=zone_id_field)
    kept, _ = clip_zones(
        zones, shape(boundary), population_field=population_field, zone_id_field=zone_id_field
    )
    return kept


def spread_commune_population(
    population: CommuneFile,
    boundary: dict[str, Any],
    graph: nx.MultiDiGraph,
    buildings: CommuneFile | None = None,
) -> DemandPoints:
    """Spread a commune's population file onto demand points inside it, as its metadata says.

    Zones are kept to the boundary first, so homes lie only inside the commune even where the
    streets reach into its surroundings.
    """
    meta = population.metadata
    population_field = str(meta["population_field"])
    zone_id_field = meta.get("zone_id_field")
    year = meta.get("population_year")
    return spread_population(
        read_zones(
            population.content, population_field=population_field, zone_id_field=zone_id_field
        ),
        population_field=population_field,
        zone_id_field=zone_id_field,
        streets=undirected_edges_frame(graph),
        buildings=_read_buildings(buildings.content) if buildings is not None else None,
        spacing_m=float(meta.get("spacing_m", DEFAULT_SPACING_M)),
        population_source=population.filename,
        population_description=meta.get("population_description"),
        population_year=None if year is None else int(year),
        outline=shape(boundary),
        age_group=meta.get("age_group"),
        commune_total=meta.get("commune_total"),
        commune_total_rule=meta.get("commune_total_rule"),
        carried=meta.get("carried"),
    )


def _read_buildings(content: bytes) -> gpd.GeoDataFrame:
    from io import BytesIO

    import pyogrio

    frame = pyogrio.read_dataframe(BytesIO(content))
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    polygons = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    return polygons.to_crs("EPSG:4326")


class CommuneModel:
    """A stored commune rebuilt for analysis; the graph, views and demand are built once."""

    def __init__(
        self,
        record: CommuneRecord,
        streets: CommuneFile,
        population: CommuneFile | None = None,
        buildings: CommuneFile | None = None,
    ) -> None:
        self.record = record
        self._streets = streets
        self._population = population
        self._buildings = buildings

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """Return the whole street graph (normalised, both modes)."""
        return load_streets(self._streets.content, fmt=_streets_format(self._streets.filename))

    def mode_view(self, mode: Mode) -> tuple[nx.MultiDiGraph, ComponentReport]:
        """Return the graph a mode travels on, largest component only, with its report."""
        return self._views[mode]

    @cached_property
    def _views(self) -> dict[Mode, tuple[nx.MultiDiGraph, ComponentReport]]:
        return {mode: build_mode_view(self.graph, mode) for mode in ("walk", "drive")}

    @cached_property
    def demand(self) -> DemandPoints | None:
        """Return the population spread onto demand points, or None without a population layer."""
        if self._population is None:
            return None
        return spread_commune_population(
            self._population,
            self.record.boundary,
            self.graph,
            self._buildings,
        )
