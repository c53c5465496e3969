# SPDX-License-Identifier: MIT
"""The national schemas are found from a checkout, and from an install through the settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mobility import datafiles
from mobility.settings import MobilitySettings


@pytest.fixture(autouse=True)
def _no_data_dir() -> Iterator[None]:
    datafiles.use_data_dir(None)
    yield
    datafiles.use_data_dir(None)


def test_the_checkout_holds_the_schemas() -> None:
    path = datafiles.data_file("schema-sdirve", "schema.json")
    assert path.is_file() and path.parent.parent.name == "data"


def test_an_install_finds_them_through_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "file.json").write_text("{}")
    monkeypatch.setenv("MOBILITY_DATA_DIR", str(tmp_path))
    datafiles.use_data_dir(MobilitySettings().data_dir)
    assert datafiles.data_file("extra", "file.json") == tmp_path / "extra" / "file.json"
    datafiles.use_data_dir(None)
    monkeypatch.chdir(tmp_path.parent)
    (tmp_path.parent / "data").mkdir(exist_ok=True)
    (tmp_path.parent / "data" / "only-here.json").write_text("{}")
    assert datafiles.data_file("only-here.json") == tmp_path.parent / "data" / "only-here.json"
