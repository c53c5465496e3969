# SPDX-License-Identifier: MIT
"""What the national IRVE file needs before its rows can be placed, done on whole columns.

The consolidated file gathers every operator's declarations as published, so it holds what a
single operator's file rarely does:

* positions written latitude first: a pair outside France that falls inside once swapped is
  swapped back (the row reader only reports it, here it is repaired and counted);
* a ``coordonneesXY`` cell the consolidation could not read, beside its own
  ``consolidated_longitude`` / ``consolidated_latitude``: those are used when the cell is not;
* the same point declared several times: the row with the latest ``date_maj`` is the point
  (the later row in the file on a tie), the older ones are superseded;
* rows so broken that no rule needs to run to see it (a required value missing, a power that is
  not a number of kW in (0, 1000], no usable position): counted by :func:`screen_rows` without
  checking each row in Python.

Every function takes and returns whole columns (pyarrow arrays, numpy arrays): no Python loop
over the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from mobility.assets import MAX_POWER_KW, NOT_CONCERNED
from mobility.formats.irve_schema import COORDINATES_COLUMN
from mobility.geo import FRANCE_BOUNDS

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

CONSOLIDATED_LON = "consolidated_longitude"
CONSOLIDATED_LAT = "consolidated_latitude"
CONSOLIDATION_COLUMNS = (
    "last_modified",
    "datagouv_dataset_id",
    "datagouv_resource_id",
    "datagouv_organization_or_owner",
    "created_at",
    CONSOLIDATED_LON,
    CONSOLIDATED_LAT,
    "consolidated_code_postal",
    "consolidated_commune",
    "consolidated_is_lon_lat_correct",
    "consolidated_is_code_insee_verified",
    "consolidated_is_code_insee_modified",
)
"""The columns data.gouv.fr's national consolidation appends to the schema's 40, in its order."""
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_PAIR = rf"^\[\s*(?P<lon>{_NUMBER})\s*,\s*(?P<lat>{_NUMBER})\s*\]$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class Positions:
    """Each row's position (NaN when it has none), and how it was obtained.

    ``swapped`` marks rows whose pair was written latitude first and has been swapped back;
    ``from_consolidated`` rows whose position comes from the consolidation's own columns.
    """

    lon: FloatArray
    lat: FloatArray
    swapped: BoolArray
    from_consolidated: BoolArray

    @property
    def located(self) -> BoolArray:
        """Return which rows have a usable position in France."""
        return ~np.isnan(self.lon)


def trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Return the column's text with surrounding white space removed."""
    return pc.utf8_trim_whitespace(column)


def in_france_xy(lon: FloatArray, lat: FloatArray) -> BoolArray:
    """Tell, point by point, whether a lon/lat pair lies in the Lambert-93 area."""
    west, south, east, north = FRANCE_BOUNDS
    with np.errstate(invalid="ignore"):
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    return np.asarray(inside, dtype=np.bool_)


def _numbers(column: pa.ChunkedArray) -> FloatArray:
    """Return the column as floats, NaN where a cell is not a plain decimal number."""
    text = trimmed(column)
    valid = pc.match_substring_regex(text, rf"^{_NUMBER}$")
    as_numbers = pc.cast(pc.if_else(valid, text, pa.scalar(None, pa.string())), pa.float64())
    return np.asarray(as_numbers.to_numpy(zero_copy_only=False), dtype=np.float64)


def _pair(column: pa.ChunkedArray) -> tuple[FloatArray, FloatArray]:
    """Return both numbers of ``"[lon, lat]"`` cells, NaN where a cell is not such a pair."""
    parts = pc.extract_regex(column, _PAIR)  # null where a cell does not match
    lon = pc.cast(pc.struct_field(parts, "lon"), pa.float64()).to_numpy(zero_copy_only=False)
    lat = pc.cast(pc.struct_field(parts, "lat"), pa.float64()).to_numpy(zero_copy_only=False)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def read_positions(columns: dict[str, pa.ChunkedArray]) -> Positions:
    """Return each row's position: ``coordonneesXY`` (swapped back if need be), else consolidated.

    A position outside France that is not a swapped one is no position (NaN): such a row cannot
    be placed in any commune.
    """
    lon, lat = _pair(trimmed(columns[COORDINATES_COLUMN]))
    direct = in_france_xy(lon, lat)
    swapped = ~direct & in_france_xy(lat, lon)
    lon, lat = np.where(swapped, lat, lon), np.where(swapped, lon, lat)
    usable = direct | swapped
    from_consolidated = np.zeros(len(lon), dtype=np.bool_)
    if CONSOLIDATED_LON in columns and CONSOLIDATED_LAT in columns:
        other_lon = _numbers(columns[CONSOLIDATED_LON])
        other_lat = _numbers(columns[CONSOLIDATED_LAT])
        from_consolidated = ~usable & in_france_xy(other_lon, other_lat)
        lon = np.where(from_consolidated, other_lon, lon)
        lat = np.where(from_consolidated, other_lat, lat)
        usable |= from_consolidated
    lon = np.where(usable, lon, np.nan)
    lat = np.where(usable, lat, np.nan)
    return Positions(lon=lon, lat=lat, swapped=swapped, from_consolidated=from_consolidated)


def point_keys(columns: dict[str, pa.ChunkedArray]) -> pa.ChunkedArray:
    """Return each row's point id as the project names points (``mobility.assets``).

    The roaming id, else (``Non concerné`` or empty) ``local-`` and the local id; a row with
    neither gets a key of its own (``#`` and its row number), so that it is never merged.
    """
    roaming = trimmed(columns["id_pdc_itinerance"])
    rows = len(roaming)
    if "id_pdc_local" in columns:
        local = trimmed(columns["id_pdc_local"])
    else:
        local = pa.array([""] * rows, pa.string())
    numbered = pc.binary_join_element_wise(
        "#", pc.cast(pa.array(np.arange(rows, dtype=np.int64)), pa.string()), ""
    )
    local_key = pc.if_else(
        pc.equal(local, ""), numbered, pc.binary_join_element_wise("local-", local, "")
    )
    not_roaming = pc.or_(pc.equal(roaming, ""), pc.equal(roaming, NOT_CONCERNED))
    return pc.if_else(not_roaming, local_key, roaming)


def latest_rows(keys: pa.ChunkedArray, dates: pa.ChunkedArray) -> IntArray:
    """Return, for each row, the row that stands for its point: the latest ``date_maj``.

    Rows of one key are ordered by ``date_maj`` (a cell that is not a ``YYYY-MM-DD`` date counts
    as the oldest), then by their place in the file; the last one wins. A row that wins points
    to itself.
    """
    rows = len(keys)
    if rows == 0:
        return np.zeros(0, dtype=np.int64)
    day = trimmed(dates)
    day = pc.if_else(pc.match_substring_regex(day, _DATE), day, "")
    table = pa.table({"key": keys, "day": day, "row": pa.array(np.arange(rows, dtype=np.int64))})
    order = np.asarray(
        pc.sort_indices(
            table, sort_keys=[("key", "ascending"), ("day", "ascending"), ("row", "ascending")]
        ).to_numpy(),
        dtype=np.int64,
    )
    sorted_keys = pc.take(keys, pa.array(order))
    last = np.ones(rows, dtype=np.bool_)
    if rows > 1:
        changes = pc.not_equal(sorted_keys.slice(0, rows - 1), sorted_keys.slice(1))
        last[:-1] = np.asarray(changes.to_numpy(zero_copy_only=False), dtype=np.bool_)
    group_last = np.flatnonzero(last)
    winner_position = group_last[np.searchsorted(group_last, np.arange(rows))]
    winner = np.empty(rows, dtype=np.int64)
    winner[order] = order[winner_position]
    return winner


def screen_rows(
    columns: dict[str, pa.ChunkedArray], required: list[str], positions: Positions
) -> BoolArray:
    """Tell which rows fail a check that can run on whole columns.

    A required value missing, a ``puissance_nominale`` that is not a number of kW in
    (0, 1000], or no usable position. Rows that pass may still fail the full per-row rules;
    this is only what can be told of a row the import does not keep, without checking it.
    """
    failed = ~positions.located
    for name in required:
        if name in columns and name != COORDINATES_COLUMN:
            empty = pc.equal(trimmed(columns[name]), "")
            failed |= np.asarray(empty.to_numpy(zero_copy_only=False), dtype=np.bool_)
    power = _numbers(columns["puissance_nominale"])
    with np.errstate(invalid="ignore"):
        failed |= ~((power > 0) & (power <= MAX_POWER_KW))
    return failed
