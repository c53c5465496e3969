# SPDX-License-Identifier: MIT
"""One source of configuration: the ``mobility`` command and the API read the same settings."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.main import create_app
from api.settings import Settings
from mobility.cli import main
from mobility.datafiles import data_file, use_data_dir
from mobility.settings import MobilitySettings
from tests.conftest import make_settings
from tests.support.paths import ROOT

SETTINGS_MODULES = {ROOT / "mobility" / "settings.py", ROOT / "api" / "settings.py"}


@pytest.fixture(autouse=True)
def _no_data_dir() -> Iterator[None]:
    """Every test starts and ends with no data directory handed over."""
    use_data_dir(None)
    yield
    use_data_dir(None)


def _listed_codes(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    capsys.readouterr()
    assert main([*args, "--json", "commune", "list"]) == 0
    return [row["code"] for row in json.loads(capsys.readouterr().out)]


def test_the_command_opens_the_store_the_environment_names(
    sample_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOBILITY_DATABASE_URL", sample_url)
    assert _listed_codes(capsys) == ["75110"]


def test_the_command_line_option_wins_over_the_environment(
    sample_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    monkeypatch.setenv("MOBILITY_DATABASE_URL", sample_url)
    assert _listed_codes(capsys, "--database-url", empty) == []
    monkeypatch.setenv("MOBILITY_DATABASE_URL", empty)
    assert _listed_codes(capsys, "--database-url", sample_url) == ["75110"]


def test_the_command_refuses_bad_settings_before_opening_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOBILITY_DATABASE_URL", "mysql://x")
    assert main(["commune", "list"]) == 2
    assert "database_url: Value error, MOBILITY_DATABASE_URL must start" in capsys.readouterr().err
    monkeypatch.delenv("MOBILITY_DATABASE_URL")
    monkeypatch.setenv("MOBILITY_DATA_DIR", str(tmp_path / "absent"))
    store = tmp_path / "store.sqlite"
    assert main(["--database-url", f"sqlite:///{store}", "commune", "list"]) == 2
    assert "data_dir: Value error, MOBILITY_DATA_DIR names no directory" in capsys.readouterr().err
    assert not store.exists()


def _extra_file(directory: Path) -> Path:
    (directory / "extra").mkdir()
    path = directory / "extra" / "file.json"
    path.write_text("{}")
    return path


def test_the_command_hands_over_the_data_dir(
    sample_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    extra = _extra_file(tmp_path)
    monkeypatch.setenv("MOBILITY_DATA_DIR", str(tmp_path))
    assert _listed_codes(capsys, "--database-url", sample_url) == ["75110"]
    assert data_file("extra", "file.json") == extra


def test_the_app_hands_over_the_data_dir(sample_url: str, tmp_path: Path) -> None:
    extra = _extra_file(tmp_path)
    with TestClient(create_app(make_settings(sample_url, data_dir=tmp_path))) as client:
        assert client.get("/conformance").status_code == 200
    assert data_file("extra", "file.json") == extra


def test_the_api_settings_extend_the_domain_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOBILITY_DATABASE_URL", "postgresql://planner@db.example/mobility")
    monkeypatch.setenv("MOBILITY_DATA_DIR", str(tmp_path))
    domain, web = MobilitySettings(), Settings()
    assert isinstance(web, MobilitySettings)
    assert domain.database_url == web.database_url == "postgresql://planner@db.example/mobility"
    assert domain.data_dir == web.data_dir == tmp_path
    monkeypatch.setenv("MOBILITY_DATA_DIR", "")
    assert MobilitySettings().data_dir is None


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"database_url": "mysql://x"}, "must start with sqlite: or postgresql:"),
        ({"data_dir": "/nonexistent/mobility-data"}, "names no directory"),
        ({"public_url": "planner.example.fr"}, "should match pattern"),
    ],
)
def test_unsafe_settings_are_refused(values: dict[str, str], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        Settings(**values)  # type: ignore[arg-type]
    if "public_url" not in values:
        with pytest.raises(ValidationError, match=reason):
            MobilitySettings(**values)  # type: ignore[arg-type]


def _environment_reads(path: Path) -> list[int]:
    """Return the lines of a module that read the process environment directly."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "environb", "getenv"}:
            lines.append(node.lineno)
        elif isinstance(node, ast.Name) and node.id in {"environ", "environb", "getenv"}:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if {alias.name for alias in node.names} & {"environ", "environb", "getenv"}:
                lines.append(node.lineno)
    return sorted(lines)


def test_only_the_settings_modules_read_the_environment() -> None:
    modules = sorted((ROOT / "mobility").rglob("*.py")) + sorted((ROOT / "api").rglob("*.py"))
    readers = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        if path not in SETTINGS_MODULES
        for line in _environment_reads(path)
    }
    assert readers == set()


def test_the_environment_check_sees_every_spelling(tmp_path: Path) -> None:
    module = tmp_path / "reader.py"
    module.write_text(
        "import os\nfrom os import getenv\n"
        "a = os.environ['A']\nb = os.getenv('B')\nc = getenv('C')\n",
        encoding="utf-8",
    )
    assert _environment_reads(module) == [2, 3, 4, 5]
