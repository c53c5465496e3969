# SPDX-License-Identifier: MIT
"""The modes that can meet at an intermodal hub, and which asset makes which mode present.

Two vocabularies, kept apart on purpose:

* the **modes** reported for every hub, each with its nearest distance: the transit modes of the
  hubs layer (rail, RER, metro, tram, bus), bike share, bike parking, secure bike parking,
  charging, car share and car parking;
* the **expected modes** a complete hub offers, on which the completeness score is counted:
  public transport (any transit mode), bike share, bike parking, charging, car share and car
  parking. The reach is set per expected mode.

Which asset gives which mode:

* hubs give the modes listed in their ``modes`` (a Vélib' station gives ``bike_share``);
* parking of kind ``bicycle`` gives ``bike_parking``; it is *secure* bike parking only when the
  data says both that it is sheltered (``covered`` true) and that access is controlled
  (``access`` ``customers`` or ``private``): lockers, Véligo shelters. An unknown ``covered`` or
  ``access`` is not secure. Secure bike parking is reported, never expected;
* parking of kind ``car`` gives ``car_parking`` (motorcycle parking gives no mode here);
* every charging point gives ``charging``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from mobility.assets import HUB_MODES, Asset, ChargingPointBase, Hub, HubMode, Parking
from mobility.errors import FieldProblem, InvalidInputError

IntermodalMode = Literal[
    "rail",
    "rer",
    "metro",
    "tram",
    "bus",
    "bike_share",
    "bike_parking",
    "secure_bike_parking",
    "charging",
    "car_share",
    "car_parking",
]
MODES: tuple[IntermodalMode, ...] = get_args(IntermodalMode)

ExpectedMode = Literal[
    "public_transport", "bike_share", "bike_parking", "charging", "car_share", "car_parking"
]
EXPECTED_MODES: tuple[ExpectedMode, ...] = get_args(ExpectedMode)

AddableMode = Literal["bike_share", "bike_parking", "charging", "car_share", "car_parking"]
ADDABLE_MODES: tuple[AddableMode, ...] = get_args(AddableMode)
"""The expected modes a siting decision can add at a hub (public transport cannot be)."""

TRANSIT_MODES: tuple[IntermodalMode, ...] = ("rail", "rer", "metro", "tram", "bus")

PRESENT_WHEN: dict[ExpectedMode, tuple[IntermodalMode, ...]] = {
    "public_transport": TRANSIT_MODES,
    "bike_share": ("bike_share",),
    "bike_parking": ("bike_parking",),
    "charging": ("charging",),
    "car_share": ("car_share",),
    "car_parking": ("car_parking",),
}
"""An expected mode is present when one of these modes is within its reach."""

REACH_OF: dict[IntermodalMode, ExpectedMode] = {
    **dict.fromkeys(TRANSIT_MODES, "public_transport"),
    "bike_share": "bike_share",
    "bike_parking": "bike_parking",
    "secure_bike_parking": "bike_parking",
    "charging": "charging",
    "car_share": "car_share",
    "car_parking": "car_parking",
}
"""The reach that applies to each reported mode (the one of its expected mode)."""

MODE_LABELS: dict[IntermodalMode | ExpectedMode, str] = {
    "rail": "train",
    "rer": "RER",
    "metro": "metro",
    "tram": "tram",
    "bus": "bus",
    "bike_share": "bike share",
    "bike_parking": "bike parking",
    "secure_bike_parking": "secure bike parking",
    "charging": "charging",
    "car_share": "car share",
    "car_parking": "car parking",
    "public_transport": "public transport",
}

HUB_LABELS: dict[HubMode, str] = {
    "rail": "train station",
    "rer": "RER station",
    "metro": "metro station",
    "tram": "tram stop",
    "bus": "bus stop",
    "bike_share": "bike share station",
    "car_share": "car share station",
}

NAMING_ORDER: tuple[HubMode, ...] = HUB_MODES
"""Heavier modes first: a station with a metro and a bike-share dock is named a metro station."""

DEFAULT_WITHIN_M = 300.0
MIN_WITHIN_M = 10.0
MAX_WITHIN_M = 5000.0

SCORE_FORMULA = (
    "completeness = expected modes present within their reach / {count} expected modes "
    "({modes}); public transport is present when any of rail, RER, metro, tram or bus is; "
    "the hub's own modes are present at 0 m"
)

SECURE_RULE = (
    "bicycle parking is 'secure' only when the data records it as covered (covered = true) with "
    "controlled access (access = customers or private); any other bicycle parking, or one with "
    "these fields unknown, counts as 'bike parking' only"
)


def main_mode(hub: Hub) -> HubMode:
    """Return the mode that names the hub: the first of its modes in :data:`NAMING_ORDER`."""
    return min(hub.modes, key=NAMING_ORDER.index)


def hub_label(hub: Hub) -> str:
    """Return what the hub is, by its main mode (e.g. ``"RER station"``)."""
    return HUB_LABELS[main_mode(hub)]


def is_secure_bike_parking(parking: Parking) -> bool:
    """Tell whether a bicycle parking is secure by the rule of :data:`SECURE_RULE`."""
    return (
        parking.kind == "bicycle"
        and parking.covered is True
        and parking.access in ("customers", "private")
    )


def asset_modes(asset: Asset) -> frozenset[IntermodalMode]:
    """Return the modes an asset makes present where it stands."""
    attributes = asset.attributes
    if isinstance(attributes, Hub):
        return frozenset(attributes.modes)
    if isinstance(attributes, ChargingPointBase):
        return frozenset({"charging"})
    if isinstance(attributes, Parking):
        if attributes.kind == "car":
            return frozenset({"car_parking"})
        if attributes.kind == "bicycle":
            if is_secure_bike_parking(attributes):
                return frozenset({"bike_parking", "secure_bike_parking"})
            return frozenset({"bike_parking"})
    return frozenset()


@dataclass(frozen=True)
class Reach:
    """How far along the streets a mode counts as meeting at a hub, per expected mode (metres)."""

    within_m: dict[ExpectedMode, float]
    set_by: dict[str, float] = field(default_factory=dict, compare=False)
    """The request fields that set the reaches in use (``within_m``, ``<mode>_within_m``)."""

    @classmethod
    def build(
        cls,
        within_m: float = DEFAULT_WITHIN_M,
        overrides: dict[ExpectedMode, float | None] | None = None,
    ) -> Reach:
        """Apply ``within_m`` to every expected mode, then the per-mode overrides given.

        Raises
        ------
        InvalidInputError
            Naming every value outside [10, 5000] m (``within_m`` or ``<mode>_within_m``) or an
            unknown mode.
        """
        problems: list[FieldProblem] = []
        values: dict[ExpectedMode, float] = {}
        given: dict[str, float | None] = {"within_m": within_m}
        for mode, value in (overrides or {}).items():
            if mode not in EXPECTED_MODES:
                problems.append(FieldProblem(f"{mode}_within_m", "unknown mode"))
                continue
            given[f"{mode}_within_m"] = value
        for name, value in given.items():
            if value is not None and not MIN_WITHIN_M <= value <= MAX_WITHIN_M:
                problems.append(
                    FieldProblem(name, f"must be between {MIN_WITHIN_M:g} and {MAX_WITHIN_M:g} m")
                )
        if problems:
            raise InvalidInputError("a reach is out of range", problems=problems)
        set_by: dict[str, float] = {}
        for mode in EXPECTED_MODES:
            override = (overrides or {}).get(mode)
            values[mode] = float(within_m if override is None else override)
            set_by["within_m" if override is None else f"{mode}_within_m"] = values[mode]
        return cls(values, set_by)

    def fields(self) -> dict[str, float]:
        """Return each reach in use by the request field that set it (per mode when unknown)."""
        return self.set_by or {f"{mode}_within_m": value for mode, value in self.within_m.items()}

    def of(self, mode: IntermodalMode) -> float:
        """Return the reach that applies to a reported mode."""
        return self.within_m[REACH_OF[mode]]

    def to_dict(self) -> dict[str, float]:
        """Return the reach per expected mode, for JSON bodies."""
        return {mode: self.within_m[mode] for mode in EXPECTED_MODES}


def score_formula() -> str:
    """Return the completeness formula, stated with the expected set."""
    return SCORE_FORMULA.format(
        count=len(EXPECTED_MODES), modes=", ".join(MODE_LABELS[m] for m in EXPECTED_MODES)
    )
