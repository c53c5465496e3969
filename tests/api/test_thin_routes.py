# SPDX-License-Identifier: MIT
"""The routers stay thin: short routes, no router importing another, no ``app.state`` read.

A route parses, calls one domain function and shapes the answer; anything longer belongs in
``mobility/`` or in a shared ``api/`` module. The rules are read from the source with ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2] / "api"
ROUTERS = sorted((API / "routers").glob("*.py"))
MAX_BODY_LINES = 15
STATE_READERS = {"deps.py", "main.py"}
"""The only modules of ``api/`` allowed to read ``app.state``."""
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "api_route"}


def is_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Tell whether a function is decorated as a route (``@router.get(...)`` and the like)."""
    for decorator in function.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in HTTP_METHODS:
            return True
    return False


def body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Return the lines the function's statements span, its docstring left out."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def long_routes(source: str, name: str) -> list[str]:
    """Return ``module:route (n lines)`` for each route whose body passes the limit."""
    return [
        f"{name}:{node.name} ({body_lines(node)} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and is_route(node)
        and body_lines(node) > MAX_BODY_LINES
    ]


def untyped_routes(source: str, name: str) -> list[str]:
    """Return ``module:route`` for each route without a return type, or returning ``Any``."""
    return [
        f"{name}:{node.name}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and is_route(node)
        and (node.returns is None or ast.unparse(node.returns) in {"Any", "typing.Any"})
    ]


def router_imports(source: str, name: str) -> list[str]:
    """Return ``module imports api.routers.x`` for each import of a router module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
            if node.module == "api.routers":
                modules = [f"api.routers.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        found += [f"{name} imports {m}" for m in modules if m.startswith("api.routers.")]
    return found


def state_reads(source: str, name: str) -> list[str]:
    """Return ``module:line`` for each ``….app.state`` (or ``app.state``) read."""
    return [
        f"{name}:{node.lineno}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr == "state"
        and (
            (isinstance(node.value, ast.Attribute) and node.value.attr == "app")
            or (isinstance(node.value, ast.Name) and node.value.id == "app")
        )
    ]


def test_the_routers_are_found() -> None:
    assert len(ROUTERS) >= 10
    routes = [
        node
        for path in ROUTERS
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and is_route(node)
    ]
    assert len(routes) >= 40


@pytest.mark.parametrize("path", ROUTERS, ids=lambda path: path.name)
def test_every_route_is_short(path: Path) -> None:
    found = long_routes(path.read_text(encoding="utf-8"), path.name)
    assert not found, f"routes over {MAX_BODY_LINES} lines (move the work down): {found}"


@pytest.mark.parametrize("path", ROUTERS, ids=lambda path: path.name)
def test_every_route_has_a_return_type(path: Path) -> None:
    found = untyped_routes(path.read_text(encoding="utf-8"), path.name)
    assert not found, f"routes returning Any (give a response model or a Response): {found}"


@pytest.mark.parametrize("path", ROUTERS, ids=lambda path: path.name)
def test_no_router_imports_another(path: Path) -> None:
    found = router_imports(path.read_text(encoding="utf-8"), path.name)
    assert not found, f"a router imports another (share through api/ or mobility/): {found}"


def test_only_deps_and_main_read_the_app_state() -> None:
    readers = [
        read
        for path in sorted(API.rglob("*.py"))
        if path.name not in STATE_READERS or path.parent != API
        for read in state_reads(path.read_text(encoding="utf-8"), str(path.relative_to(API)))
    ]
    assert not readers, f"app.state read outside api/deps.py and api/main.py: {readers}"


BAD_ROUTER = '''
from api.routers.analysis import QueryDep
from api import routers
from api.routers import web


@router.get("/long")
def long_route(request) -> Any:
    """Docstrings do not count."""
    cache = request.app.state.contexts
''' + "".join(f"    x{i} = {i}\n" for i in range(15))


def test_the_rules_name_what_breaks_them() -> None:
    assert long_routes(BAD_ROUTER, "bad.py") == ["bad.py:long_route (16 lines)"]
    assert untyped_routes(BAD_ROUTER, "bad.py") == ["bad.py:long_route"]
    assert router_imports(BAD_ROUTER, "bad.py") == [
        "bad.py imports api.routers.analysis",
        "bad.py imports api.routers.web",
    ]
    assert state_reads(BAD_ROUTER, "bad.py") == ["bad.py:10"]
