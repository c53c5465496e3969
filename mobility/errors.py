# SPDX-License-Identifier: MIT
"""The domain's exceptions.

Every exception carries a message that is safe to show to a user and, for bad input, the list of
fields at fault. The web layer maps each class to an HTTP status in one table; the domain never
knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One reason an input was refused, tied to the field (dotted path) that caused it."""

    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """Return the problem as a plain mapping for JSON bodies."""
        return {"field": self.field, "message": self.message}


class MobilityError(Exception):
    """Base class: a failure whose message can be shown to the user as is."""

    def __init__(self, message: str, *, problems: Iterable[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[FieldProblem, ...] = tuple(problems)


class InvalidInputError(MobilityError):
    """The input is malformed or violates a domain rule (bad field, value out of range)."""


class UnsupportedFormatError(InvalidInputError):
    """The file is not in the format it claims to be, or the format is unknown."""


class NotFoundError(MobilityError):
    """A commune, feature or other named object does not exist."""


class ConflictError(MobilityError):
    """The request collides with what is stored (an id already taken, a commune loaded)."""


class ForbiddenError(MobilityError):
    """The caller is known but may not do this (a key bound to other communes, a missing scope)."""


class StoreUnavailableError(MobilityError):
    """The database cannot be reached or refused the operation for reasons outside the request."""


class PreconditionFailedError(MobilityError):
    """The record is not at the revision the write was conditioned on: someone changed it since.

    Nothing was written; the caller reads the record again and decides anew, so that a change made
    meanwhile is never silently overwritten.
    """


class PreconditionRequiredError(MobilityError):
    """A write that would replace someone's work names no revision it expects to replace."""
