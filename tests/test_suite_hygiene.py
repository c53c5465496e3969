# SPDX-License-Identifier: MIT
"""The test sources themselves: no test that passes whatever the code under test does.

Three shapes are refused, each named by file and line: a ``return`` directly inside a
``@given`` test (hypothesis counts the example as passed; ``assume`` rejects it instead), a
status check whose tuple accepts a success and a failure alike (``status_code in (204, 404)``),
and a clock read reaching an ``assert`` (directly, or through a name assigned from it): timings
belong in the benchmark scripts, where a slow machine cannot turn them red or a fast one green.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
CLOCKS = frozenset({"perf_counter", "perf_counter_ns", "time", "time_ns", "monotonic"})
"""Functions of the ``time`` module whose values are wall-clock readings."""


def iter_test_sources() -> Iterator[Path]:
    return iter(sorted(TESTS_DIR.rglob("*.py")))


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function's body, without descending into nested functions or classes."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))


def is_given(decorator: ast.expr) -> bool:
    """``@given(...)`` or ``@hypothesis.given(...)``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Name):
        return target.id == "given"
    return isinstance(target, ast.Attribute) and target.attr == "given"


def find_returns_in_given(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(map(is_given, node.decorator_list)):
            for inner in own_nodes(node):
                if isinstance(inner, ast.Return):
                    yield inner.lineno, f"return inside @given test {node.name} (use assume)"


def status_classes(values: ast.expr) -> set[int]:
    """The hundreds (2 for 2xx, 4 for 4xx...) of the integer literals of a tuple, list or set."""
    if not isinstance(values, ast.Tuple | ast.List | ast.Set):
        return set()
    return {
        element.value // 100
        for element in values.elts
        if isinstance(element, ast.Constant) and type(element.value) is int
    }


def mentions_status_code(node: ast.expr) -> bool:
    return any(
        (isinstance(part, ast.Attribute) and part.attr == "status_code")
        or (isinstance(part, ast.Name) and part.id == "status_code")
        for part in ast.walk(node)
    )


def find_mixed_status_checks(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or not mentions_status_code(node.left):
            continue
        for op, values in zip(node.ops, node.comparators, strict=True):
            classes = status_classes(values)
            if isinstance(op, ast.In | ast.NotIn) and 2 in classes and classes & {4, 5}:
                yield node.lineno, "status check accepting a success and a failure alike"


def is_clock_call(node: ast.AST, clock_names: set[str]) -> bool:
    """``time.perf_counter()`` and friends, or a bare name imported from ``time``."""
    if not isinstance(node, ast.Call):
        return False
    function = node.func
    if isinstance(function, ast.Attribute):
        return (
            function.attr in CLOCKS
            and isinstance(function.value, ast.Name)
            and function.value.id == "time"
        )
    return isinstance(function, ast.Name) and function.id in clock_names


def imported_clocks(tree: ast.AST) -> set[str]:
    """Local names bound by ``from time import perf_counter [as name]``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            names |= {alias.asname or alias.name for alias in node.names if alias.name in CLOCKS}
    return names


def find_clocks_in_asserts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """A clock read in an assert, or a name assigned from one (in the same function) asserted."""
    clock_names = imported_clocks(tree)
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
    for scope in scopes:
        nodes = list(own_nodes(scope))
        timed: set[str] = set()
        changed = True
        while changed:  # names assigned from clock reads, or from names that were
            changed = False
            for node in nodes:
                if not isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                    continue
                if node.value is None or not reads_clock(node.value, clock_names, timed):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and name.id not in timed:
                            timed.add(name.id)
                            changed = True
        for node in nodes:
            if isinstance(node, ast.Assert) and reads_clock(node.test, clock_names, timed):
                yield node.lineno, "assert on a clock reading (timings belong in scripts/)"


def reads_clock(node: ast.AST, clock_names: set[str], timed: set[str]) -> bool:
    return any(
        is_clock_call(part, clock_names) or (isinstance(part, ast.Name) and part.id in timed)
        for part in ast.walk(node)
    )


def find_problems(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    found = [
        *find_returns_in_given(tree),
        *find_mixed_status_checks(tree),
        *find_clocks_in_asserts(tree),
    ]
    return sorted(set(found))


def test_no_test_source_has_a_test_that_cannot_fail() -> None:
    sources = list(iter_test_sources())
    assert Path(__file__).resolve() in sources and len(sources) > 50
    problems = [
        f"{path.relative_to(TESTS_DIR.parent)}:{line}: {reason}"
        for path in sources
        for line, reason in find_problems(path.read_text(encoding="utf-8"))
    ]
    assert problems == [], "\n".join(problems)


BAD_SOURCES = {
    "return in @given": (
        "@settings(max_examples=5)\n"
        "@given(x=st.integers())\n"
        "def test_x(x):\n"
        "    if x < 0:\n"
        "        return\n"
        "    assert x >= 0\n",
        5,
    ),
    "return in @hypothesis.given": (
        "@hypothesis.given(st.integers())\ndef test_x(x):\n    return None\n",
        3,
    ),
    "mixed status tuple": (
        "def test_x(client):\n    assert client.delete('/a').status_code in (204, 404)\n",
        2,
    ),
    "mixed status list, with a 5xx": (
        "def test_x(r):\n    assert r.status_code in [200, 500]\n",
        2,
    ),
    "clock in an assert": (
        "import time\ndef test_x():\n    assert time.perf_counter() > 0\n",
        3,
    ),
    "elapsed time asserted": (
        "import time\n"
        "def test_x():\n"
        "    start = time.monotonic()\n"
        "    work()\n"
        "    took = time.monotonic() - start\n"
        "    assert took < 5.0, took\n",
        6,
    ),
    "imported clock": (
        "from time import perf_counter as clock\n"
        "def test_x():\n"
        "    started = clock()\n"
        "    elapsed = clock() - started\n"
        "    assert elapsed >= 0\n",
        5,
    ),
}

GOOD_SOURCES = {
    "return in a helper nested in a @given test": (
        "@given(x=st.integers())\n"
        "def test_x(x):\n"
        "    def half(y):\n"
        "        return y // 2\n"
        "    assume(x >= 0)\n"
        "    assert half(2 * x) == x\n"
    ),
    "return in a plain test helper": "def helper():\n    return 3\n",
    "failures only": "def test_x(r):\n    assert r.status_code in (401, 403)\n",
    "successes only": "def test_x(r):\n    assert r.status_code in (200, 201)\n",
    "exact status": "def test_x(r):\n    assert r.status_code == 404\n",
    "clock read outside an assert": (
        "import time\n"
        "def test_x():\n"
        "    deadline = time.monotonic() + 30\n"
        "    while time.monotonic() < deadline:\n"
        "        break\n"
        "    assert work() == 1\n"
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_SOURCES))
def test_the_scan_finds_each_shape_at_its_line(name: str) -> None:
    source, line = BAD_SOURCES[name]
    assert [found for found, _ in find_problems(source)] == [line]


@pytest.mark.parametrize("name", sorted(GOOD_SOURCES))
def test_the_scan_leaves_sound_tests_alone(name: str) -> None:
    assert find_problems(GOOD_SOURCES[name]) == []
