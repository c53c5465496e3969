# SPDX-License-Identifier: MIT
"""What a commune supplies for its regulatory diagnostics, validated.

Usage figures, forecast fleet, objectives and the registered fleet are facts only the commune
(or its operators and the vehicle register) knows; nothing here is ever filled in by the
planner. Every figure carries its ``source`` and a date (a period, a horizon, an ``as_of``), and
answers repeat them.

Rules that depend on today's date (a diagnostic or a fleet count cannot lie in the future, the
objectives date is at most 3 years after the diagnostic when the latter defaults to today) are
checked when the inputs are supplied; inputs read back from the store are validated with
``STORED`` as context, which skips them so that stored inputs never become unreadable with time.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mobility.errors import FieldProblem, InvalidInputError
from mobility.regulation.power_classes import POWER_CLASSES
from mobility.text import Line

IRIS_CODE_PATTERN = r"^([013-9]\d|2[AB1-9])\d{7}$"
OBJECTIVES_MAX_YEARS = 3
STORED: dict[str, Any] = {"stored": True}
"""Validation context for inputs read back from the store (skips the checks against today)."""

Source = Annotated[
    Line,
    StringConstraints(strip_whitespace=True, min_length=1),
    Field(description="Where the figure comes from (operator, study, register), for the record."),
]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
VehicleCount = Annotated[int, Field(ge=0, le=100_000_000, description="Number of cars.")]
IrisCode = Annotated[
    str,
    StringConstraints(pattern=IRIS_CODE_PATTERN),
    Field(description="INSEE IRIS code (9 characters), e.g. 751103708."),
]


class InputModel(BaseModel):
    """Common configuration: unknown fields refused, strings trimmed, no NaN or infinity."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False, strict=True
    )


def _date_text(value: object) -> object:
    """Let a date through as ISO text (or a date) only: lax pydantic reads ``1000`` as a date."""
    if isinstance(value, date | str):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[date, Field(strict=False), BeforeValidator(_date_text)]
"""A date sent as ``YYYY-MM-DD`` (JSON has no date type, so the text is parsed, and only text)."""
Url = Annotated[HttpUrl, Field(strict=False)]


def _today(info: ValidationInfo) -> date | None:
    """Return the date 'today' checks use, or None when they are skipped (stored inputs)."""
    context = info.context if isinstance(info.context, dict) else {}
    if context.get("stored"):
        return None
    today = context.get("today")
    return today if isinstance(today, date) else date.today()


def add_years(day: date, years: int) -> date:
    """Return the same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class UsagePeriod(InputModel):
    """The period the usage figures were measured over (the schema asks for 22 months)."""

    start: IsoDate
    end: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> UsagePeriod:
        if self.end <= self.start:
            raise ValueError("the period must end after it starts")
        return self


class Usage(InputModel):
    """Usage of the existing public points, as the operators report it."""

    nb_moyen_recharges: float = Field(
        ge=0, le=10_000_000, description="Average number of charging sessions per day."
    )
    duree_moyenne_recharges: float = Field(
        ge=0, le=100_000, description="Average duration of a successful session, in minutes."
    )
    taux_disponibilite_moyen: float = Field(
        ge=0, le=100, description="Average availability of the points, in percent (0 to 100)."
    )
    period: UsagePeriod
    source: Source


class ForecastFleet(InputModel):
    """The forecast fleet of private cars at the objectives' horizon."""

    bev: VehicleCount = Field(description="Battery-electric private cars at the horizon.")
    phev: VehicleCount = Field(description="Plug-in hybrid private cars at the horizon.")
    horizon: IsoDate = Field(description="The date the forecast is for.")
    source: Source


class ClassCounts(InputModel):
    """A number of charging points in each SDIRVE power class."""

    intervalle_1: Count = Field(description="Points of unit power <= 7.4 kVA.")
    intervalle_2: Count = Field(description="Points of unit power > 7.4 and <= 22 kVA.")
    intervalle_3: Count = Field(description="Points of unit power > 22 and < 150 kVA.")
    intervalle_4: Count = Field(description="Points of unit power >= 150 kVA.")

    def count(self, suffix: str) -> int:
        """Return the count of the class whose field suffix is given (``intervalle_2``)."""
        value: int = getattr(self, suffix)
        return value


class ObjectivesByUse(InputModel):
    """The objectives split by main use (optional in the SDIRVE schema)."""

    residentiel: ClassCounts | None = None
    professionnel: ClassCounts | None = None
    occasionnel_transit: ClassCounts | None = None


class Objectives(ClassCounts):
    """Total public points targeted at the horizon, per class, and optionally stations and uses."""

    total_stations: Count | None = Field(
        default=None, description="Total stations targeted (else counted from a scenario)."
    )
    by_use: ObjectivesByUse | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _uses_within_totals(self) -> Objectives:
        if self.by_use is None:
            return self
        for power_class in POWER_CLASSES:
            suffix = power_class.suffix
            split = sum(
                part.count(suffix)
                for part in (
                    self.by_use.residentiel,
                    self.by_use.professionnel,
                    self.by_use.occasionnel_transit,
                )
                if part is not None
            )
            if split > self.count(suffix):
                raise ValueError(
                    f"by_use: the uses of {suffix} add up to {split}, more than the "
                    f"{self.count(suffix)} points targeted"
                )
        return self


class IrisFigures(InputModel):
    """The supplied figures of one IRIS (the same shape as the commune's)."""

    usage: Usage | None = None
    forecast_fleet: ForecastFleet | None = None
    objectives: Objectives | None = None


class SdirveInputs(InputModel):
    """What a commune supplies for its SDIRVE diagnostic; every part is optional."""

    date_realisation_diagnostic: IsoDate | None = Field(
        default=None, description="Date of the diagnostic (default: the date of the answer)."
    )
    date_adoption_sdirve: IsoDate | None = Field(
        default=None, description="Date the SDIRVE was adopted."
    )
    date_objectifs: IsoDate | None = Field(
        default=None,
        description="Date the objectives are to be met: at most 3 years after the diagnostic.",
    )
    url_sdirve: Url | None = Field(default=None, description="Where the SDIRVE is published.")
    usage: Usage | None = None
    forecast_fleet: ForecastFleet | None = None
    objectives: Objectives | None = None
    iris: dict[IrisCode, IrisFigures] = Field(
        default_factory=dict, description="Figures per IRIS, keyed by IRIS code."
    )

    @field_validator("date_realisation_diagnostic")
    @classmethod
    def _diagnostic_not_in_future(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = _today(info)
        if value is not None and today is not None and value > today:
            raise ValueError(f"the diagnostic cannot be dated after today ({today.isoformat()})")
        return value

    @field_validator("date_objectifs")
    @classmethod
    def _objectives_within_three_years(
        cls, value: date | None, info: ValidationInfo
    ) -> date | None:
        if value is None:
            return None
        if "date_realisation_diagnostic" not in info.data:
            return value  # the diagnostic date itself was refused
        diagnostic = info.data["date_realisation_diagnostic"] or _today(info)
        if diagnostic is None:
            return value  # stored, dated by the answer: the answer checks it again
        if value < diagnostic:
            raise ValueError(f"must not be before the diagnostic ({diagnostic.isoformat()})")
        latest = add_years(diagnostic, OBJECTIVES_MAX_YEARS)
        if value > latest:
            raise ValueError(
                f"must be at most {OBJECTIVES_MAX_YEARS} years after the diagnostic "
                f"({diagnostic.isoformat()}), so on or before {latest.isoformat()}"
            )
        return value

    def diagnostic_date(self, today: date) -> date:
        """Return the diagnostic date: the one supplied, else ``today``."""
        return self.date_realisation_diagnostic or today


class Fleet(InputModel):
    """The registered fleet of private cars of the commune, from the vehicle register."""

    bev: VehicleCount = Field(description="Registered battery-electric private cars.")
    phev: VehicleCount = Field(description="Registered plug-in hybrid private cars.")
    as_of: IsoDate = Field(description="Date of the count.")
    source: Source

    @field_validator("as_of")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        today = _today(info)
        if today is not None and value > today:
            raise ValueError(f"the count cannot be dated after today ({today.isoformat()})")
        return value


ModelT = TypeVar("ModelT", "SdirveInputs", "Fleet")


def check_iris_codes(inputs: SdirveInputs, iris_codes: set[str], *, commune: str) -> None:
    """Refuse per-IRIS figures keyed by a code that is not an IRIS of the commune.

    Raises
    ------
    InvalidInputError
        Naming each unknown code as ``iris.<code>``.
    """
    problems = [
        FieldProblem(
            f"iris.{code}",
            f"{code} is not an IRIS of commune {commune}"
            + ("" if iris_codes else " (the commune has no IRIS zones with codes)"),
        )
        for code in inputs.iris
        if code not in iris_codes
    ]
    if problems:
        raise InvalidInputError("unknown IRIS codes in the per-IRIS figures", problems=problems)


def parse_inputs(model: type[ModelT], value: dict[str, Any], *, stored: bool = False) -> ModelT:
    """Validate raw inputs, raising InvalidInputError that names every field at fault."""
    try:
        return model.model_validate(value, context=STORED if stored else None)
    except ValidationError as error:
        problems = [
            FieldProblem(".".join(str(part) for part in item["loc"]) or "body", item["msg"])
            for item in error.errors()
        ]
        raise InvalidInputError(f"invalid {model.__name__} inputs", problems=problems) from None
