# SPDX-License-Identifier: MIT
"""INSEE's Filosofi 200 m grid: population and living standards per square, rebuilt from ids.

Each row of the grid is a 200 m square of the European grid (ETRS89-LAEA, EPSG:3035) named by
its INSPIRE id, ``CRS3035RES200mN2029800E4252400``: a side of 200 m whose south-west corner
lies at northing 2,029,800 and easting 4,252,400. The square is rebuilt from that id whatever
the file's format (CSV, GeoPackage, Parquet), so a CSV without geometry and a GeoPackage drawn in
another CRS give the same squares. A row carries ``ind`` (individuals, fractional: INSEE
spreads households over the squares), ``men`` (households), ``men_pauv`` (households below the
poverty line), ``ind_snv`` (the sum of the individuals' standards of living, euros a year) and
``i_est_200`` (1 when INSEE imputed the square's figures from a larger square, to keep fewer
than 11 households secret). Column names are read in any case (``Ind``, ``I_est_200``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from mobility.demand._checks import project
from mobility.errors import FieldProblem, InvalidInputError, UnsupportedFormatError
from mobility.geo import WIRE_CRS
from mobility.geo.vector_files import open_vector_file, sniff_format

GRID_CRS = "EPSG:3035"
ID_FIELD = "idcar_200m"
POPULATION_FIELD = "ind"
IMPUTED_FIELD = "imputed"
POVERTY_FIELDS = {"poor_households": "men_pauv", "living_standard_sum": "ind_snv"}
"""What the demand carries beside the inhabitants, and the grid's column for it."""
_NUMBERS = ("ind", "men", "men_pauv", "ind_snv")
_IMPUTED = ("i_est_200", "i_est_cr")
_READ = frozenset({ID_FIELD, *_NUMBERS, *_IMPUTED})
_ID = re.compile(r"^CRS3035RES(?P<res>\d+)mN(?P<n>\d+)E(?P<e>\d+)$")
_PARQUET_MAGIC = b"PAR1"
_YEAR = re.compile(r"(?<!\d)(20[0-9]{2})(?!\d)")


@dataclass(frozen=True)
class GridSquares:
    """The squares that touch an outline, in EPSG:4326, and what the grid gives.

    ``squares`` has ``idcar_200m``, ``ind``, ``imputed`` (bool), the poverty columns the grid
    has (``men_pauv``, ``ind_snv``, ``men``) and the square as geometry.
    """

    squares: gpd.GeoDataFrame
    squares_read: int
    poverty_fields: dict[str, str]

    @property
    def imputed(self) -> int:
        """Return how many of the squares INSEE imputed."""
        return int(self.squares[IMPUTED_FIELD].sum())


def looks_like_grid(data: bytes) -> bool:
    """Tell whether the bytes hold the grid: a Parquet file, or a table naming ``idcar_200m``."""
    if data.startswith(_PARQUET_MAGIC):
        return True
    head = data[:4096].split(b"\n", 1)[0].lower()
    if ID_FIELD.encode() in head:
        return True
    return sniff_format(data) == "gpkg" and ID_FIELD.encode() in data[:1_000_000].lower()


def year_in_name(filename: str) -> int | None:
    """Return the year a grid's file name states (``Filosofi2019_carreaux_200m``), or None."""
    found = _YEAR.findall(filename)
    return int(found[-1]) if found else None


def read_grid(data: bytes, outline: BaseGeometry) -> GridSquares:
    """Read the squares of the grid that touch ``outline`` (lon/lat), rebuilt from their ids.

    Only the squares within the outline's bounds are built, so a national file costs one read.

    Raises
    ------
    InvalidInputError
        No ``idcar_200m`` or ``ind`` column, or an id that is not an INSPIRE 200 m id.
    UnsupportedFormatError
        The bytes are no CSV, GeoPackage or Parquet file.
    """
    table = _table(data)
    table.columns = [str(name).lower() for name in table.columns]
    absent = [name for name in (ID_FIELD, POPULATION_FIELD) if name not in table.columns]
    if absent:
        raise InvalidInputError(
            "the grid lacks " + " and ".join(absent),
            problems=[
                FieldProblem("population", f"the Filosofi grid has no column '{name}'")
                for name in absent
            ],
        )
    ids = table[ID_FIELD].astype(str).str.strip()
    parts = ids.str.extract(_ID)
    wrong = parts["n"].isna()
    if wrong.any():
        shown = ", ".join(ids[wrong].head(3))
        raise InvalidInputError(
            "the grid holds ids that are not INSPIRE grid ids",
            problems=[
                FieldProblem(
                    f"population.{ID_FIELD}",
                    f"{int(wrong.sum()):,} ids such as {shown} are not CRS3035RES200mN…E…",
                )
            ],
        )
    side = parts["res"].astype(np.float64).to_numpy()
    north = parts["n"].astype(np.float64).to_numpy()
    east = parts["e"].astype(np.float64).to_numpy()
    to_grid = Transformer.from_crs(WIRE_CRS, GRID_CRS, always_xy=True)
    west, south, east_max, north_max = _bounds(outline, to_grid)
    near = (
        (east + side >= west) & (east <= east_max) & (north + side >= south) & (north <= north_max)
    )
    rows = table.loc[near].reset_index(drop=True)
    boxes = shapely.box(east[near], north[near], east[near] + side[near], north[near] + side[near])
    squares = project(
        np.asarray(boxes, dtype=object), Transformer.from_crs(GRID_CRS, WIRE_CRS, always_xy=True)
    )
    frame = pd.DataFrame({ID_FIELD: ids[near].to_numpy()})
    for name in _NUMBERS:
        if name in rows.columns:
            frame[name] = _counts(rows[name], name)
    imputed = next((name for name in _IMPUTED if name in rows.columns), None)
    frame[IMPUTED_FIELD] = (
        _counts(rows[imputed], imputed) > 0 if imputed is not None else np.zeros(len(rows), bool)
    )
    touching = shapely.intersects(squares, outline)
    grid = gpd.GeoDataFrame(
        frame.loc[touching].reset_index(drop=True),
        geometry=list(squares[touching]),
        crs=WIRE_CRS,
    )
    fields = {key: column for key, column in POVERTY_FIELDS.items() if column in table.columns}
    return GridSquares(squares=grid, squares_read=len(table), poverty_fields=fields)


def _table(data: bytes) -> pd.DataFrame:
    """Return the grid's rows, whatever the container, with only the columns read here.

    The national grid holds some two million squares and thirty columns: reading only the id,
    the counts and the imputation flag keeps a national CSV or Parquet file to a few columns in
    memory.
    """
    if data.startswith(_PARQUET_MAGIC):
        try:
            names = pq.ParquetFile(io.BytesIO(data)).schema_arrow.names
            return pd.read_parquet(io.BytesIO(data), columns=[n for n in names if _needed(n)])
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise UnsupportedFormatError(f"the grid's Parquet file is broken: {exc}") from exc
    if sniff_format(data) is not None:
        with open_vector_file(data, what="grid") as opened:
            frame = opened.read(opened.only_layer())
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    head = data[:4096].split(b"\n", 1)[0]
    separator = ";" if head.count(b";") > head.count(b",") else ","
    try:
        return pd.read_csv(
            io.BytesIO(data),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            usecols=_needed,
            encoding="utf-8-sig",
            encoding_errors="replace",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UnsupportedFormatError(f"the grid is no CSV, GeoPackage or Parquet: {exc}") from exc


def _needed(name: object) -> bool:
    """Tell whether a column of the grid is one read here (in any case)."""
    return str(name).strip().lower() in _READ


def _counts(column: pd.Series, name: str) -> NDArray[np.float64]:
    text = column.astype(str).str.strip().str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text.where(~text.isin(["", "nan", "None"]), "0"), errors="coerce")
    if numbers.isna().any() or (numbers < 0).any():
        raise InvalidInputError(
            f"the grid's column {name} holds values that are not counts",
            problems=[FieldProblem(f"population.{name}", "every value must be a number ≥ 0")],
        )
    return np.asarray(numbers.to_numpy(dtype=np.float64), dtype=np.float64)


def _bounds(outline: BaseGeometry, to_grid: Transformer) -> tuple[float, float, float, float]:
    """Return the outline's bounds in the grid's CRS, from every vertex of the outline."""
    xy = shapely.get_coordinates(outline)
    x, y = to_grid.transform(xy[:, 0], xy[:, 1])
    return float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y))
