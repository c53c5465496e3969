# SPDX-License-Identifier: MIT
"""Free text the service stores and serves back: bounded, and without invisible controls.

A name, an operator or a note is shown to planners, written into exports and read by other
programs. So a value is refused, with the reason, when it is longer than its limit (a 1 MB
parking name is a mistake or an attack, not a name), when it carries a control character (NUL,
ESC and the like break CSV files, terminals and logs) or a bidirectional override or isolate
(U+202A..U+202E, U+2066..U+2069, which make text display otherwise than it reads). A one-line
value takes no line breaks; a note may hold tabs and line breaks, nothing else of the kind.

The limits and the forbidden characters are stated in the JSON Schema too (``maxLength`` and a
``pattern``), so clients see them in the OpenAPI document.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

LINE_MAX_CHARS = 200
"""Longest one-line value: a name, an operator, an id from a source, a line, a contact."""
NOTE_MAX_CHARS = 5_000
"""Longest note: a description, observations, a tariff in words."""

_BIDI = "\u202a-\u202e\u2066-\u2069"
_LINE_FORBIDDEN = f"\x00-\x1f\x7f-\x9f{_BIDI}"
_NOTE_FORBIDDEN = f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}"
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
"""The same rule as :func:`check_line`, in the form JSON Schema and OpenAPI state it."""
NOTE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
"""The same rule as :func:`check_note`: tabs and line breaks allowed."""


def hidden_character_problem(value: str, *, multiline: bool) -> str | None:
    """Return why the text is refused (the first hidden character, by code point), or None."""
    found = re.search(f"[{_NOTE_FORBIDDEN if multiline else _LINE_FORBIDDEN}]", value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if re.match(f"[{_BIDI}]", found.group()):
        return (
            f"contains a bidirectional override or isolate ({code}), which hides the text's order"
        )
    return f"contains a control character ({code}) at position {found.start()}"


def check_line(value: str) -> str:
    """Refuse a one-line value holding a control character or a bidirectional control."""
    problem = hidden_character_problem(value, multiline=False)
    if problem is not None:
        raise ValueError(problem)
    return value


def check_note(value: str) -> str:
    """Refuse a note holding a control character (tab and line breaks aside) or a bidi control."""
    problem = hidden_character_problem(value, multiline=True)
    if problem is not None:
        raise ValueError(problem)
    return value


Line = Annotated[
    str,
    StringConstraints(max_length=LINE_MAX_CHARS),
    AfterValidator(check_line),
    Field(json_schema_extra={"pattern": LINE_PATTERN}),
]
"""One line of text, at most :data:`LINE_MAX_CHARS` characters."""
Note = Annotated[
    str,
    StringConstraints(max_length=NOTE_MAX_CHARS),
    AfterValidator(check_note),
    Field(json_schema_extra={"pattern": NOTE_PATTERN}),
]
"""A note of several lines, at most :data:`NOTE_MAX_CHARS` characters."""
