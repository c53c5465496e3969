# SPDX-License-Identifier: MIT
"""A commune and its surroundings imported in one go from region-wide files.

One module per stage: :mod:`~mobility.importing.area` (boundaries, outline, surroundings, the
commune code of any point), :mod:`~mobility.importing.streets` (the street lines cut to the
surroundings), :mod:`~mobility.importing.population` (the zones inside the commune),
:mod:`~mobility.importing.assets` (each asset file cut and coded), then
:mod:`~mobility.importing.run` builds the commune and writes it with its assets, and
:mod:`~mobility.importing.report` says what each stage read, kept and dropped.
:mod:`~mobility.importing.options` is the ``mobility commune import`` command's parser.
"""

from mobility.importing.report import ImportReport, StageReport
from mobility.importing.request import (
    DEFAULT_MARGIN_M,
    AssetInput,
    ImportRequest,
    InputFile,
    check_request,
)
from mobility.importing.run import ImportProgress, import_commune

__all__ = [
    "DEFAULT_MARGIN_M",
    "AssetInput",
    "ImportProgress",
    "ImportReport",
    "ImportRequest",
    "InputFile",
    "StageReport",
    "check_request",
    "import_commune",
]
