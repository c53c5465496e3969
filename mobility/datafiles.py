# SPDX-License-Identifier: MIT
"""Where the reference files shipped under ``data/`` (the national schemas) are found.

In a checkout they sit beside the package; an installed package (a wheel, a container image) has
no ``data/`` next to it, so ``MOBILITY_DATA_DIR`` can name the directory, and the working
directory's ``data/`` is tried last.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "MOBILITY_DATA_DIR"


def data_file(*parts: str) -> Path:
    """Return the path of a shipped reference file, the first place that has it.

    The checkout's own ``data/`` when it holds the file, else ``$MOBILITY_DATA_DIR``, else
    ``./data``; when none has it the checkout's path is returned so that the error names it.
    """
    checkout = Path(__file__).resolve().parents[1] / "data"
    candidates = [checkout]
    if os.environ.get(DATA_DIR_ENV):
        candidates.append(Path(os.environ[DATA_DIR_ENV]))
    candidates.append(Path.cwd() / "data")
    for directory in candidates:
        path = directory.joinpath(*parts)
        if path.is_file():
            return path
    return checkout.joinpath(*parts)
