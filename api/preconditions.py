# SPDX-License-Identifier: MIT
"""Optimistic concurrency on the wire: a record's revision as its ``ETag``, read from ``If-Match``.

OGC API – Features Part 4 (``optimistic-locking-etags``) over RFC 9110: a GET of an item, a
scenario or a commune's inputs answers a strong ETag, the record's revision; a PUT, PATCH or
DELETE that sends it back in ``If-Match`` lands only on that revision (412 otherwise, nothing
written), and ``If-Match: *`` on any existing record. Weak tags never match (If-Match compares
strongly). Scenarios and stored inputs, where a lost edit is somebody's lost work, require the
header (428 without it); items accept a write without it, made atomic by the store anyway.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Header

from api.errors import ApiProblem
from mobility.errors import FieldProblem
from mobility.store import Precondition

STRONG_TAG = re.compile(r'^"([0-9]{1,19})"$')
"""An ETag this API gives: a record's revision, quoted."""

IF_MATCH_DESCRIPTION = (
    "The ETag of the record as the client last read it (or `*`: any existing record). The write "
    "lands only if the record is still at that revision; otherwise 412 and nothing changes."
)
_TAG = r'(W/)?"[\x21\x23-\x7e]*"'
IF_MATCH_PATTERN = rf"^ *(\*|{_TAG}( *, *{_TAG})*) *$"
"""What :func:`parse_if_match` reads, stated in the document (a value outside it gets the 400)."""
IF_MATCH_SYNTAX = re.compile(IF_MATCH_PATTERN)
ENTITY_TAG = re.compile(_TAG)
IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description=IF_MATCH_DESCRIPTION,
        max_length=2000,
        examples=['"1"'],
        json_schema_extra={"pattern": IF_MATCH_PATTERN},
    ),
]

ETAG_HEADER = {
    "ETag": {
        "description": "The record's revision, quoted: send it back in If-Match to write.",
        "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
    }
}


def etag(revision: int) -> str:
    """Return the strong ETag of a record at ``revision``."""
    return f'"{revision}"'


def parse_if_match(value: str) -> Precondition:
    """Return the precondition an ``If-Match`` value states, or 400 when it is no tag list.

    An opaque tag may hold commas (``"a,b"`` is one tag), so the list is read tag by tag, never
    split on commas: the header is checked whole against :data:`IF_MATCH_PATTERN`, the pattern
    the document states, then each quoted tag is taken in turn.
    """
    if not IF_MATCH_SYNTAX.fullmatch(value):
        raise ApiProblem(
            400,
            'If-Match must be `*` or a comma-separated list of quoted entity tags such as "12"',
            problems=[FieldProblem("If-Match", f"{value[:100]!r} is not a list of entity tags")],
        )
    if value.strip() == "*":
        return Precondition()
    revisions = {
        int(strong.group(1))
        for tag in ENTITY_TAG.finditer(value)
        if (strong := STRONG_TAG.match(tag.group(0)))
    }
    return Precondition(frozenset(revisions))


async def optional_if_match(if_match: IfMatchHeader = None) -> Precondition | None:
    """Return the write's precondition, or None when it sent no ``If-Match``."""
    return None if if_match is None else parse_if_match(if_match)


async def required_if_match(if_match: IfMatchHeader = None) -> Precondition:
    """Return the write's precondition; 428 when it sent none."""
    if if_match is None:
        raise ApiProblem(
            428,
            "this write needs an If-Match header with the ETag of the record as last read (or "
            "`*`), so that a change someone made meanwhile is not overwritten",
            problems=[FieldProblem("If-Match", "required")],
        )
    return parse_if_match(if_match)


IfMatchDep = Annotated[Precondition | None, Depends(optional_if_match)]
RequiredIfMatchDep = Annotated[Precondition, Depends(required_if_match)]


def with_etag(
    responses: dict[int | str, dict[str, Any]], status: int = 200
) -> dict[int | str, Any]:
    """Return the documented responses with the ETag header on the success status."""
    return {**responses, status: {"headers": ETAG_HEADER}}
