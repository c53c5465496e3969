# SPDX-License-Identifier: MIT
"""The national schemas are found from a checkout, and from an install through the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobility import datafiles


def test_the_checkout_holds_the_schemas() -> None:
    path = datafiles.data_file("schema-sdirve", "schema.json")
    assert path.is_file() and path.parent.parent.name == "data"


def test_an_install_finds_them_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "file.json").write_text("{}")
    monkeypatch.setenv(datafiles.DATA_DIR_ENV, str(tmp_path))
    assert datafiles.data_file("extra", "file.json") == tmp_path / "extra" / "file.json"
    monkeypatch.delenv(datafiles.DATA_DIR_ENV)
    monkeypatch.chdir(tmp_path.parent)
    (tmp_path.parent / "data").mkdir(exist_ok=True)
    (tmp_path.parent / "data" / "only-here.json").write_text("{}")
    assert datafiles.data_file("only-here.json") == tmp_path.parent / "data" / "only-here.json"
