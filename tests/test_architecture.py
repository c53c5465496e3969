# SPDX-License-Identifier: MIT
"""Guards on the shape of the house: floors, a pure domain, a true OpenAPI document."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from api.openapi import current_openapi, render
from api.settings import Settings
from tests.support.paths import ROOT

WEB_PACKAGES = {"fastapi", "starlette", "uvicorn"}


def _imports(path: object) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_never_imports_the_web_framework_or_the_api() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & (WEB_PACKAGES | {"api"}))
        for path in (ROOT / "mobility").rglob("*.py")
        if _imports(path) & (WEB_PACKAGES | {"api"})
    }
    assert offenders == {}


def test_committed_openapi_matches_the_app() -> None:
    committed = (ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(current_openapi()), "run `make openapi` and commit the result"


def test_openapi_operation_ids_are_stable_and_unique() -> None:
    document = current_openapi()
    ids = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    ]
    assert len(ids) == len(set(ids))
    for expected in (
        "getChargingPoints",
        "getChargingPoint",
        "createChargingPoint",
        "replaceParking",
        "updateHub",
        "deleteHub",
        "getCommunes",
        "getCollections",
    ):
        assert expected in ids


def test_openapi_document_is_valid() -> None:
    from openapi_spec_validator import validate

    validate(json.loads(render(current_openapi())))


def test_settings_refuse_unsafe_combinations() -> None:
    with pytest.raises(ValueError, match="16 characters"):
        Settings(api_keys=["short"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="cannot be combined"):
        Settings(cors_origins=["*", "https://a.example"])
    with pytest.raises(ValueError, match="DATABASE_URL"):
        Settings(database_url="mysql://x")


def test_settings_read_comma_separated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBILITY_API_KEYS", "a" * 16 + ", " + "b" * 16)
    monkeypatch.setenv("MOBILITY_CORS_ORIGINS", "https://one.example,https://two.example")
    settings = Settings()
    assert settings.accepts_key("b" * 16) and not settings.accepts_key("c" * 16)
    assert settings.cors_origins == ["https://one.example", "https://two.example"]


# -- floors ------------------------------------------------------------------------------------

FLOORS: tuple[tuple[str, ...], ...] = (
    ("mobility.errors",),
    (
        "mobility.geo",
        "mobility.arrays",
        "mobility.datafiles",
        "mobility.geojson",
        "mobility.progress",
        "mobility.text",
    ),
    (
        "mobility.assets",
        "mobility.network",
        "mobility.demand",
        "mobility.boundary",
        "mobility.places",
    ),
    ("mobility.formats", "mobility.plans"),
    ("mobility.store",),
    (
        "mobility.features",
        "mobility.commune",
        "mobility.commune_list",
        "mobility.ocpi_locations",
        "mobility.settings",
        "mobility.keys",
        "mobility.refusals",
    ),
    ("mobility.loading", "mobility.feature_edits", "mobility.feature_pages"),
    ("mobility.manifest", "mobility.importing"),
    ("mobility.coverage",),
    ("mobility.siting", "mobility.scenarios"),
    ("mobility.intermodality", "mobility.regulation"),
    ("mobility.batch",),
    ("mobility.cli",),
    ("api",),
    ("scripts",),
)
"""The house from the ground up (docs/architecture.md draws the same table).

A module imports only from floors below its own, or from inside its own package or module; two
packages on one floor never import each other. A package is placed whole, so a new module inside
one is placed with it; a new top-level module or package must be added here and in the document.
"""

PROJECT_ROOTS = ("mobility", "api", "scripts")
FLOOR_OF = {unit: number for number, units in enumerate(FLOORS) for unit in units}


def unit_of(module: str) -> str | None:
    """Return the FLOORS entry a dotted module name falls under (the longest that matches)."""
    matches = [unit for unit in FLOOR_OF if module == unit or module.startswith(unit + ".")]
    return max(matches, key=len, default=None)


def module_name(path: Path) -> str:
    """Return the dotted name of a project file (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Return every module of mobility/, api/ and scripts/ by dotted name."""
    return {
        module_name(path): path
        for root in PROJECT_ROOTS
        for path in sorted((ROOT / root).rglob("*.py"))
    }


def imported_modules(module: str, source: str, *, is_package: bool, known: set[str]) -> list[str]:
    """Return every project module a source imports: at module level, in functions, when typing.

    ``from a import b`` counts as importing ``a.b`` when that is a module, else ``a``; relative
    imports are resolved against the importing module's package.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append(full if full in known else base)
    return [name for name in found if name.split(".")[0] in PROJECT_ROOTS]


def import_problems(module: str, label: str, imported: list[str]) -> list[str]:
    """Return, for one module, every import that breaks the floors, each named and explained."""
    unit = unit_of(module)
    if unit is None and module in PROJECT_ROOTS:
        return [
            f"{label}: the root package {module} imports no project module ({target}): "
            "every import of one of its modules runs it first"
            for target in imported
        ]
    if unit is None:
        return [
            f"{label}: {module} is on no floor: place it in FLOORS (tests/test_architecture.py) "
            "and in docs/architecture.md"
        ]
    problems = []
    for target in imported:
        target_unit = unit_of(target)
        if target_unit == unit or (target_unit is None and target in PROJECT_ROOTS):
            continue
        if target_unit is None:
            problems.append(
                f"{label}: {module} imports {target}, which is on no floor: place it in FLOORS "
                "(tests/test_architecture.py) and in docs/architecture.md"
            )
            continue
        mine, theirs = FLOOR_OF[unit], FLOOR_OF[target_unit]
        if theirs > mine:
            rule = "a floor imports only floors below it"
        elif theirs == mine:
            rule = "packages on one floor do not import each other"
        else:
            continue
        problems.append(
            f"{label}: {unit} (floor {mine}) may not import {target} (floor {theirs}): {rule}"
        )
    return problems


def floor_problems(modules: dict[str, Path]) -> list[str]:
    """Return every broken floor rule in the given modules."""
    known = set(modules)
    problems: list[str] = []
    for module, path in modules.items():
        imported = imported_modules(
            module,
            path.read_text(encoding="utf-8"),
            is_package=path.name == "__init__.py",
            known=known,
        )
        problems += import_problems(module, str(path.relative_to(ROOT)), imported)
    return problems


def test_every_import_goes_down_a_floor() -> None:
    problems = floor_problems(project_modules())
    assert not problems, "\n".join(problems)


def test_the_floors_check_names_the_file_the_import_and_the_rule() -> None:
    known = set(project_modules())
    source = (
        "from typing import TYPE_CHECKING\n"
        "from mobility.errors import NotFoundError\n"
        "from mobility.store.base import Store\n"
        "if TYPE_CHECKING:\n"
        "    from mobility.coverage.context import CommuneContext\n"
        "def read() -> None:\n"
        "    from mobility import scenarios\n"
        "    from ..plans import Scenario\n"
        "    from . import sql\n"
    )
    imported = imported_modules("mobility.store.extra", source, is_package=False, known=known)
    assert imported == [
        "mobility.errors",
        "mobility.store.base",
        "mobility.coverage.context",
        "mobility.scenarios",
        "mobility.plans",
        "mobility.store.sql",
    ]
    assert import_problems("mobility.store.extra", "mobility/store/extra.py", imported) == [
        "mobility/store/extra.py: mobility.store (floor 4) may not import "
        "mobility.coverage.context (floor 8): a floor imports only floors below it",
        "mobility/store/extra.py: mobility.store (floor 4) may not import "
        "mobility.scenarios (floor 9): a floor imports only floors below it",
    ]
    assert import_problems("mobility.siting.extra", "x.py", ["mobility.scenarios.view"]) == [
        "x.py: mobility.siting (floor 9) may not import mobility.scenarios.view (floor 9): "
        "packages on one floor do not import each other"
    ]
    assert import_problems("mobility.elsewhere", "mobility/elsewhere.py", []) == [
        "mobility/elsewhere.py: mobility.elsewhere is on no floor: place it in FLOORS "
        "(tests/test_architecture.py) and in docs/architecture.md"
    ]


def test_every_floor_holds_something_that_exists() -> None:
    modules = project_modules()
    empty = [unit for unit in FLOOR_OF if not any(unit_of(name) == unit for name in modules)]
    assert empty == []


def test_the_architecture_document_draws_the_same_floors() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawn: dict[int, tuple[str, ...]] = {}
    for match in re.finditer(r"^\| *(\d+) *\|([^|]*)\|", text, flags=re.MULTILINE):
        names = re.findall(r"`([^`]+)`", match.group(2))
        drawn[int(match.group(1))] = tuple(
            name.removesuffix("/").removesuffix(".py").replace("/", ".") for name in names
        )
    assert drawn == dict(enumerate(FLOORS))
