# SPDX-License-Identifier: MIT
"""The three asset layers as typed, validated domain objects.

A charging point follows the national IRVE statique schema (v2.3, French field names kept so that
the file and the API speak the same language). Parking and intermodal hubs have no national schema,
so their fields are the ones a planner needs: what can park, how many, who may use it, which modes
meet. Geometry is not part of the attributes: every asset is a point (lon/lat, EPSG:4326) held
beside them, so one rule places and checks every layer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from mobility.text import Line, Note, check_line

MAX_POWER_KW = 1000.0
"""Above this a ``puissance_nominale`` is taken for a unit error (watts typed as kilowatts)."""

ITINERANCE_ID_PATTERN = r"^[A-Z]{2}[A-Z0-9]{4,33}$"
NOT_CONCERNED = "Non concerné"


class Layer(StrEnum):
    """The asset layers, named as their OGC API collection ids."""

    CHARGING_POINTS = "charging-points"
    PARKING = "parking"
    HUBS = "hubs"


Text = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1)]
"""A required one-line value (a name, an address): not blank, bounded, no hidden characters."""
PowerKw = Annotated[
    float,
    Field(gt=0, le=MAX_POWER_KW, description="Nominal power of the charging point, in kW."),
]
Count = Annotated[int, Field(ge=0, le=100_000)]
ItineranceId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=rf"{ITINERANCE_ID_PATTERN}|^{NOT_CONCERNED}$"),
    Field(description="National roaming id (AFIREV), e.g. FRV75EPX10134, or 'Non concerné'."),
]

InseeCode = Annotated[
    str,
    StringConstraints(pattern=r"^([013-9]\d|2[AB1-9])\d{3}$"),
    Field(description="INSEE commune code (code officiel géographique), e.g. 75110."),
]

HOURS_MAX_CHARS = 1000
"""Opening hours spell out periods per weekday: real IRVE values pass 200 characters."""
OpeningHours = Annotated[
    str,
    StringConstraints(
        max_length=HOURS_MAX_CHARS, pattern=r"(.*?)((\d{1,2}:\d{2})-(\d{1,2}:\d{2})|24/7)"
    ),
    AfterValidator(check_line),
]
Implantation = Literal[
    "Voirie",
    "Parking public",
    "Parking privé à usage public",
    "Parking privé réservé à la clientèle",
    "Station dédiée à la recharge rapide",
]
AccessCondition = Literal["Accès libre", "Accès réservé"]
PmrAccessibility = Literal[
    "Réservé PMR", "Accessible mais non réservé PMR", "Non accessible", "Accessibilité inconnue"
]
GridConnection = Literal["Direct", "Indirect"]


class AssetModel(BaseModel):
    """Common configuration: unknown attributes are refused, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class ChargingPointBase(AssetModel):
    """The IRVE statique v2.3 attributes of any charging point, built or planned.

    A point a scenario proposes may not yet have an operator, a roaming id or a brand, so the
    fields such a point leaves unknown are optional here; :class:`ChargingPoint` makes them
    required again for a complete record. Only the power is always required: it is what coverage
    filters, the SDIRVE power classes and the AFIR power target need. Code that accepts either
    kind takes this class and meets every field that may be unknown as ``None``.

    ``coordonneesXY`` is not an attribute here: the feature geometry is the one source of truth
    for the location and the IRVE export writes it back as ``[lon, lat]``.
    """

    nom_amenageur: Line | None = None
    siren_amenageur: Annotated[str, StringConstraints(pattern=r"^\d{9}$")] | None = None
    contact_amenageur: Line | None = None
    nom_operateur: Line | None = None
    contact_operateur: Text | None = None
    telephone_operateur: Line | None = None
    nom_enseigne: Text | None = None
    id_station_itinerance: ItineranceId | None = None
    id_station_local: Line | None = None
    nom_station: Text | None = None
    implantation_station: Implantation | None = None
    adresse_station: Text | None = None
    code_insee_commune: (
        Annotated[str, StringConstraints(pattern=r"^([013-9]\d|2[AB1-9])\d{3}$")] | None
    ) = None
    nbre_pdc: Count = 1
    id_pdc_itinerance: ItineranceId | None = None
    id_pdc_local: Line | None = None
    puissance_nominale: PowerKw
    prise_type_ef: bool | None = None
    prise_type_2: bool | None = None
    prise_type_combo_ccs: bool | None = None
    prise_type_chademo: bool | None = None
    prise_type_autre: bool | None = None
    gratuit: bool | None = None
    paiement_acte: bool | None = None
    paiement_cb: bool | None = None
    paiement_autre: bool | None = None
    tarification: Note | None = None
    condition_acces: AccessCondition | None = None
    reservation: bool | None = None
    horaires: OpeningHours | None = None
    accessibilite_pmr: PmrAccessibility = "Accessibilité inconnue"
    restriction_gabarit: Text | None = None
    station_deux_roues: bool | None = None
    raccordement: GridConnection | None = None
    num_pdl: Line | None = None
    date_mise_en_service: date | None = None
    observations: Note | None = None
    date_maj: date | None = None
    cable_t2_attache: bool | None = None

    @model_validator(mode="after")
    def _require_an_id(self) -> Self:
        if self.id_pdc_itinerance == NOT_CONCERNED and not self.id_pdc_local:
            raise ValueError("id_pdc_local is required when id_pdc_itinerance is 'Non concerné'")
        return self

    @property
    def feature_id(self) -> str:
        """Return the stable id: the roaming id, else the local id, else (planned) ``""``.

        A complete record always has one of the two ids (a roaming id, or 'Non concerné' and a
        local id); a planned point may have neither yet.
        """
        if self.id_pdc_itinerance and self.id_pdc_itinerance != NOT_CONCERNED:
            return self.id_pdc_itinerance
        return f"local-{self.id_pdc_local}" if self.id_pdc_local else ""

    @property
    def connector_types(self) -> list[str]:
        """Return the connector standards known present on the point, in IRVE order."""
        flags = {
            "EF": self.prise_type_ef,
            "T2": self.prise_type_2,
            "CCS": self.prise_type_combo_ccs,
            "CHAdeMO": self.prise_type_chademo,
            "other": self.prise_type_autre,
        }
        return [name for name, present in flags.items() if present is True]


class ChargingPoint(ChargingPointBase):
    """One built charging point (point de charge): a complete IRVE statique v2.3 record.

    The fields below are the ones the national schema requires; every other field is inherited
    as it is from :class:`ChargingPointBase`.
    """

    contact_operateur: Text
    nom_enseigne: Text
    id_station_itinerance: ItineranceId
    nom_station: Text
    implantation_station: Implantation
    adresse_station: Text
    nbre_pdc: Count
    id_pdc_itinerance: ItineranceId
    prise_type_ef: bool
    prise_type_2: bool
    prise_type_combo_ccs: bool
    prise_type_chademo: bool
    prise_type_autre: bool
    paiement_acte: bool
    condition_acces: AccessCondition
    reservation: bool
    horaires: OpeningHours
    accessibilite_pmr: PmrAccessibility
    restriction_gabarit: Text
    station_deux_roues: bool
    date_maj: date


class PlannedChargingPoint(ChargingPointBase):
    """A charging point a scenario proposes, before it has an operator, a roaming id or a brand.

    Its fields are those of :class:`ChargingPointBase`: the power required, one charge point by
    default, every other field unknown until the point is built. It is not a
    :class:`ChargingPoint`, so nothing that needs a complete record (the IRVE and OCPI exports)
    takes it by mistake; promoting a scenario into the base data asks for a complete record.
    """


ParkingKind = Literal["car", "bicycle", "motorcycle"]
ParkingAccess = Literal["public", "customers", "private"]
ParkingPlacement = Literal["underground", "surface", "street", "multi_storey", "rooftop"]


class Parking(AssetModel):
    """A parking facility: a car park, a street parking area, a bicycle or motorcycle stand."""

    kind: ParkingKind
    name: Line | None = None
    capacity: Count | None = Field(default=None, description="Number of spaces, when known.")
    ev_ready_spaces: Count | None = Field(
        default=None, description="Spaces equipped or pre-equipped for charging."
    )
    pmr_spaces: Count | None = Field(default=None, description="Spaces reserved for PMR.")
    access: ParkingAccess | None = None
    fee: bool | None = None
    placement: ParkingPlacement | None = None
    covered: bool | None = None
    operator: Line | None = None
    source: Line | None = Field(default=None, description="Where the record comes from.")
    source_id: Line | None = None

    @model_validator(mode="after")
    def _spaces_within_capacity(self) -> Parking:
        for name in ("ev_ready_spaces", "pmr_spaces"):
            spaces = getattr(self, name)
            if spaces is not None and self.capacity is not None and spaces > self.capacity:
                raise ValueError(f"{name} ({spaces}) exceeds capacity ({self.capacity})")
        return self


HubMode = Literal["rail", "rer", "metro", "tram", "bus", "bike_share", "car_share"]
HUB_MODES: tuple[HubMode, ...] = ("rail", "rer", "metro", "tram", "bus", "bike_share", "car_share")


class Hub(AssetModel):
    """An intermodal hub: a station or stop area where one or more modes can be boarded."""

    name: Text
    modes: list[HubMode] = Field(min_length=1, description="Modes served at the hub.")
    lines: list[Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(
        default_factory=list, description="Lines or routes serving the hub (e.g. M5, RER B)."
    )
    capacity: Count | None = Field(
        default=None, description="Docks or vehicles, when known (e.g. Vélib' docks)."
    )
    operator: Line | None = None
    source: Line | None = None
    source_id: Line | None = None

    @field_validator("modes", "lines")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


AssetAttributes = ChargingPoint | PlannedChargingPoint | Parking | Hub

LAYER_MODELS: dict[Layer, type[AssetAttributes]] = {
    Layer.CHARGING_POINTS: ChargingPoint,
    Layer.PARKING: Parking,
    Layer.HUBS: Hub,
}

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:*\-]{0,127}$")


def is_valid_feature_id(feature_id: str) -> bool:
    """Tell whether an id can be used in a URL path segment unescaped (letters, digits, ._:*-)."""
    return bool(_SAFE_ID.match(feature_id))


def filter_columns(layer: Layer, attributes: AssetAttributes) -> dict[str, Any]:
    """Return the indexed columns a store keeps beside the attributes for fast filtering."""
    columns: dict[str, Any] = {"power_kw": None, "kind": None, "modes": None}
    if isinstance(attributes, ChargingPointBase):
        columns["power_kw"] = attributes.puissance_nominale
    elif isinstance(attributes, Parking):
        columns["kind"] = attributes.kind
    elif isinstance(attributes, Hub):
        columns["modes"] = "|" + "|".join(attributes.modes) + "|"
    return columns


UNKNOWN_COMMUNE = ""
"""The commune code of an asset whose commune is unknown: its source gives none and it stands in
the surroundings of a loaded commune but inside no loaded commune (served as null)."""


@dataclass(frozen=True)
class Asset:
    """An asset of one layer placed at a point.

    ``commune`` is the INSEE code of the commune it stands in, its own (which may name a commune
    that is not loaded, or be :data:`UNKNOWN_COMMUNE`); which communes see it is decided by its
    position, not by this code.

    ``footprint`` keeps the outline (GeoJSON geometry, lon/lat) when the source mapped the asset
    as an area, such as a car park drawn as a polygon; the point is then its centroid.
    """

    layer: Layer
    id: str
    commune: str
    lon: float
    lat: float
    attributes: AssetAttributes
    footprint: dict[str, Any] | None = None
    updated_at: datetime | None = None
    revision: int = 0
    """The stored record's revision (its ETag): every write gives it a new one."""

    def properties(self) -> dict[str, Any]:
        """Return the attributes as JSON-ready values, every field present (null when unknown)."""
        return self.attributes.model_dump(mode="json")

    def same_content(self, other: Asset) -> bool:
        """Tell whether storing ``other`` in place of this asset would change nothing a user sees.

        The time stamp and the revision are the store's bookkeeping, not content: an import
        that writes the same point again reports it unchanged.
        """
        return (
            self.commune == other.commune
            and (self.lon, self.lat) == (other.lon, other.lat)
            and self.footprint == other.footprint
            and self.properties() == other.properties()
        )


def natural_id_problem(asset_id: str, attributes: AssetAttributes) -> tuple[str, str] | None:
    """Return ``(field, reason)`` when a charging point's id is not the id the point carries.

    A charging point is known nationally by its ``id_pdc_itinerance`` (else, outside roaming, by
    its ``id_pdc_local``), and that is its asset id. An asset id that differs would let one point
    be stored twice under two ids, and the IRVE export and the OCPI feed would publish it twice.
    A planned point that carries neither id yet has nothing to agree with; other layers neither.
    """
    if not isinstance(attributes, ChargingPointBase):
        return None
    natural = attributes.feature_id
    if not natural or natural == asset_id:
        return None
    roaming = attributes.id_pdc_itinerance not in (None, NOT_CONCERNED)
    field = "id_pdc_itinerance" if roaming else "id_pdc_local"
    expected = "its id_pdc_itinerance" if roaming else "'local-' followed by its id_pdc_local"
    return (
        field,
        f"the point's id must be {expected} ({natural!r}), not {asset_id!r}: one point "
        "under two ids would be stored, exported and published twice",
    )


def parse_attributes(layer: Layer, properties: dict[str, Any]) -> AssetAttributes:
    """Validate raw attributes for a layer (raises pydantic's ValidationError on bad input)."""
    return LAYER_MODELS[layer].model_validate(properties)


def parse_json_attributes(layer: Layer, properties: dict[str, Any]) -> AssetAttributes:
    """Validate attributes a client sent as JSON, with JSON's own types.

    A file's columns are text and are read leniently (``"12"`` is a count there); a JSON body has
    numbers and booleans of its own, so ``0`` is no boolean and ``"12"`` no count: a client that
    sends them has the types wrong and is told so rather than silently converted.
    """
    return LAYER_MODELS[layer].model_validate_json(json.dumps(properties), strict=True)


def parse_planned_attributes(layer: Layer, properties: dict[str, Any]) -> AssetAttributes:
    """Validate the attributes of an asset a plan proposes.

    A complete record is kept as it is; a charging point without its operator fields becomes a
    ``PlannedChargingPoint``. Parking and hubs have no such fields, so they are parsed as usual.
    """
    if layer is Layer.CHARGING_POINTS:
        try:
            return ChargingPoint.model_validate(properties)
        except ValueError:
            return PlannedChargingPoint.model_validate(properties)
    return parse_attributes(layer, properties)
