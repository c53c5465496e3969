# SPDX-License-Identifier: MIT
"""Analyses over a whole territory in one batch, one task per commune on a Dask cluster.

A batch runs the same domain entry points the API calls (so a commune's figures are the ones
``GET /communes/{code}/coverage`` or ``POST /communes/{code}/siting`` answers), writes one
GeoParquet row per commune and per zone (or suggested site), and keeps a ledger next to its
output so that a run stopped half-way resumes where it was.
"""

from mobility.batch.coverage import CoverageParameters
from mobility.batch.run import BatchReport, run_batch
from mobility.batch.selection import select_communes
from mobility.batch.siting import SitingParameters

__all__ = ["BatchReport", "CoverageParameters", "SitingParameters", "run_batch", "select_communes"]
