# SPDX-License-Identifier: MIT
"""INSEE's IRIS population table (``base-ic-evol-struct-pop``), read as INSEE publishes it.

The census table is a ``;``-separated CSV, one row per IRIS: ``IRIS`` (9 characters, leading
zeros significant: ``010040101``), ``COM`` (the commune or arrondissement), then one column per
count, named ``P21_POP`` (everyone, 2021), ``P21_POP1529`` (aged 15 to 29), ``P21_POP80P`` (80 or
more), ``C21_POP15P`` (the complementary count of those aged 15 or more)... The column's name
states the year and the age group, so the answer can name both without the planner typing them.
The file comes in UTF-8 or in Latin-1 (INSEE's older downloads and spreadsheets re-saved on
Windows): both are read.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mobility.errors import FieldProblem, InvalidInputError

IRIS_CODE_LENGTH = 9
COUNT_COLUMN = re.compile(r"^(?P<kind>[PC])(?P<yy>\d{2})_POP(?P<group>[0-9A-Z_]*)$")
"""A census count column: ``P21_POP``, ``P21_POP1529``, ``C21_POP15P``, ``P21_POPH``."""
_RANGE = re.compile(r"^(\d{2})(\d{2})$")
_OPEN = re.compile(r"^(\d{2})P$")
_SEXES = {"H": "men", "F": "women"}


@dataclass(frozen=True)
class CountColumn:
    """What a census column counts: its name, year and age group, and a sentence of both."""

    name: str
    year: int
    age_group: str
    description: str


def describe_column(name: str) -> CountColumn | None:
    """Read the year and the age group from a census column's name; None when not one.

    ``P21_POP`` → 2021, all ages; ``P21_POP1529`` → aged 15 to 29; ``P21_POP80P`` → aged 80 or
    more; ``P21_POPH`` → men. A ``C`` column is the complementary count (a quarter sample).
    """
    match = COUNT_COLUMN.match(name)
    if match is None:
        return None
    year = 2000 + int(match["yy"])
    group = match["group"]
    if group == "":
        age_group = "all ages"
    elif (closed := _RANGE.match(group)) is not None:
        age_group = f"aged {int(closed[1])} to {int(closed[2])}"
    elif (open_ended := _OPEN.match(group)) is not None:
        age_group = f"aged {int(open_ended[1])} or more"
    else:
        age_group = _SEXES.get(group, group)
    count = "residents" if match["kind"] == "P" else "residents (complementary count)"
    description = f"{count}, {age_group} (INSEE census {year}, column {name})"
    return CountColumn(name=name, year=year, age_group=age_group, description=description)


@dataclass(frozen=True)
class IrisRows:
    """The table's rows: IRIS code, commune code and the chosen count, one row per IRIS."""

    codes: list[str]
    communes: list[str]
    values: np.ndarray
    column: CountColumn
    encoding: str

    def commune_total(self, code: str) -> float:
        """Return INSEE's own total for a commune: the count summed over its rows."""
        mask = np.array([commune == code for commune in self.communes], dtype=bool)
        return float(self.values[mask].sum())


def looks_like_iris_table(data: bytes) -> bool:
    """Tell whether the bytes begin as INSEE's IRIS table: a ``;`` header with ``IRIS``."""
    head = data[:4096].split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").strip()
    fields = [field.strip(b'"').upper() for field in head.split(b";")]
    return b"IRIS" in fields and any(COUNT_COLUMN.match(f.decode("latin-1")) for f in fields)


def read_iris_table(data: bytes, *, column: str | None = None) -> IrisRows:
    """Read the table and the count ``column`` (the ``P??_POP`` total when None).

    IRIS codes are kept as text; a code that lost its leading zero (a spreadsheet took it for a
    number) is padded back to 9 characters. A value is a number, with ``.`` or ``,`` as the
    decimal separator; an empty one counts nobody.

    Raises
    ------
    InvalidInputError
        The file is not the IRIS table (no ``IRIS`` column), the column is absent or not a
        census count, or a value is not a number; the problems name ``population_field``.
    """
    text, encoding = _decode(data)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInputError(
            "the INSEE table cannot be read",
            problems=[FieldProblem("population", f"not a ';'-separated table: {exc}")],
        ) from exc
    frame.columns = [str(name).strip() for name in frame.columns]
    if "IRIS" not in frame.columns:
        raise InvalidInputError(
            "the INSEE table has no IRIS column",
            problems=[FieldProblem("population", "an INSEE IRIS table has an IRIS column")],
        )
    chosen = column or _total_column(frame)
    described = describe_column(chosen)
    counts = ", ".join(c for c in frame.columns if COUNT_COLUMN.match(c))
    if chosen not in frame.columns or described is None:
        raise InvalidInputError(
            f"the INSEE table has no count column '{chosen}'",
            problems=[
                FieldProblem(
                    "population_field",
                    f"'{chosen}' is not a count column of the table; counts present: "
                    f"{counts or 'none'}",
                )
            ],
        )
    values = _numbers(frame[chosen], chosen)
    codes = [iris_code(code) for code in frame["IRIS"]]
    communes = (
        [str(c).strip() for c in frame["COM"]] if "COM" in frame.columns else [c[:5] for c in codes]
    )
    return IrisRows(codes, communes, values, described, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    """Return the text and its encoding: UTF-8 when it decodes, else Latin-1 (never fails)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _total_column(frame: pd.DataFrame) -> str:
    """Return the table's ``P??_POP`` column (the latest year when several), or ``P??_POP``."""
    totals = sorted(c for c in frame.columns if re.fullmatch(r"P\d{2}_POP", c))
    return totals[-1] if totals else "P??_POP"


def iris_code(value: object) -> str:
    """Return an IRIS code as text, padded back to 9 characters when a zero was lost."""
    code = str(value).strip()
    return code.zfill(IRIS_CODE_LENGTH) if code.isdigit() else code


def _numbers(column: pd.Series, name: str) -> np.ndarray:
    text = column.str.strip().str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text.where(text != "", "0"), errors="coerce")
    bad = numbers.isna() | (numbers < 0)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise InvalidInputError(
            f"the INSEE table's column {name} holds values that are not counts",
            problems=[
                FieldProblem("population_field", f"lines {rows} of {name} are not numbers ≥ 0")
            ],
        )
    return np.asarray(numbers.to_numpy(dtype=np.float64), dtype=np.float64)
