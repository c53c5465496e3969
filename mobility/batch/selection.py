# SPDX-License-Identifier: MIT
"""Which communes a batch covers, as a planner writes them: codes, ranges and files of codes.

``75101-75120`` is the twenty Paris arrondissements, ``92048,92049`` two communes, ``@list.txt``
the codes of a file (one or more per line, ``#`` starts a comment). Codes keep their order of
first appearance and are never repeated. ``--departement 92`` is every commune of a list (the
boundaries file's, or the store's) whose code starts with the département's code, as INSEE
numbers them (``92``, ``2A``, ``971``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from mobility.errors import FieldProblem, InvalidInputError

CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
"""An INSEE commune code: five digits, or 2A/2B and three digits in Corsica."""

DEPARTEMENT = re.compile(r"^(?:\d{2}|2[AB]|97[1-8])$")
"""A département code: two digits, 2A/2B in Corsica, 971 to 978 overseas."""

MAX_RANGE = 1000
"""A range longer than this is surely a typing slip (a département has fewer communes)."""


def select_communes(items: Iterable[str], *, field: str = "communes") -> list[str]:
    """Return the commune codes the items name, in order, without repeats.

    Raises
    ------
    InvalidInputError
        Naming ``field`` and the item refused (an unknown shape, a reversed or huge range, a
        missing file), or when nothing at all is selected.
    """
    codes: list[str] = []
    problems: list[FieldProblem] = []
    for item in items:
        for token in _tokens(item):
            codes += _expand(token, field, problems)
    if problems:
        raise InvalidInputError("the commune selection is not valid", problems=problems)
    unique = list(dict.fromkeys(codes))
    if not unique:
        raise InvalidInputError(
            "the commune selection is empty",
            problems=[FieldProblem(field, "name at least one commune code")],
        )
    return unique


def _tokens(item: str) -> list[str]:
    return [token for token in re.split(r"[,\s]+", item.strip()) if token]


def _expand(token: str, field: str, problems: list[FieldProblem]) -> list[str]:
    if token.startswith("@"):
        return _read_file(Path(token[1:]), field, problems)
    if "-" in token:
        first, _, last = token.partition("-")
        if not (first.isdigit() and last.isdigit() and len(first) == len(last) == 5):
            problems.append(FieldProblem(field, f"{token!r}: a range is two five-digit codes"))
            return []
        start, stop = int(first), int(last)
        if stop < start or stop - start >= MAX_RANGE:
            problems.append(
                FieldProblem(field, f"{token!r}: a range runs upwards over < {MAX_RANGE} codes")
            )
            return []
        return [f"{code:05d}" for code in range(start, stop + 1)]
    if not CODE.match(token.upper()):
        problems.append(FieldProblem(field, f"{token!r} is not an INSEE commune code"))
        return []
    return [token.upper()]


def _read_file(path: Path, field: str, problems: list[FieldProblem]) -> list[str]:
    if not path.is_file():
        problems.append(FieldProblem(field, f"file of codes not found: {path}"))
        return []
    codes: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        for token in _tokens(line.split("#", 1)[0]):
            if token.startswith("@"):
                problems.append(FieldProblem(field, f"{path}: files do not name other files"))
                continue
            codes += _expand(token, field, problems)
    return codes


def departement_communes(
    departement: str, known: Iterable[str], *, field: str = "departement"
) -> list[str]:
    """Return the codes among ``known`` of the département's communes, sorted.

    Raises
    ------
    InvalidInputError
        Naming ``field``, when the code is not a département's or no known commune is in it.
    """
    wanted = departement.strip().upper()
    if not DEPARTEMENT.match(wanted):
        raise InvalidInputError(
            "the département is not valid",
            problems=[FieldProblem(field, f"{departement!r} is not a département code (92, 2A)")],
        )
    codes = sorted({code for code in known if code.upper().startswith(wanted)})
    if not codes:
        raise InvalidInputError(
            "the département holds no known commune",
            problems=[FieldProblem(field, f"no commune code starts with {wanted}")],
        )
    return codes
