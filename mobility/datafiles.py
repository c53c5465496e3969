# SPDX-License-Identifier: MIT
"""Where the reference files shipped under ``data/`` (the national schemas) are found.

In a checkout they sit beside the package; an installed package (a wheel, a container image) has
no ``data/`` next to it, so the settings' ``data_dir`` (``MOBILITY_DATA_DIR``) names the directory,
and the working directory's ``data/`` is tried last.

The schemas are reference data of the whole process, read deep inside the file readers that both
entry points call; so the entry point hands the directory over here once, with
:func:`use_data_dir`, instead of every reader's signature carrying it.
"""

from __future__ import annotations

from pathlib import Path

_data_dir: Path | None = None


def use_data_dir(directory: Path | None) -> None:
    """Name the directory to look in after the checkout's ``data/`` (``None``: none).

    Called by the entry points with their settings' ``data_dir``, before any schema is read
    (the readers keep a schema once read).
    """
    global _data_dir  # noqa: PLW0603 (set once per process by the entry point)
    _data_dir = directory


def data_file(*parts: str) -> Path:
    """Return the path of a shipped reference file, the first place that has it.

    The checkout's own ``data/`` when it holds the file, else the directory given to
    :func:`use_data_dir`, else ``./data``; when none has it the checkout's path is returned so
    that the error names it.
    """
    checkout = Path(__file__).resolve().parents[1] / "data"
    candidates = [checkout]
    if _data_dir is not None:
        candidates.append(_data_dir)
    candidates.append(Path.cwd() / "data")
    for directory in candidates:
        path = directory.joinpath(*parts)
        if path.is_file():
            return path
    return checkout.joinpath(*parts)
