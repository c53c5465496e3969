# SPDX-License-Identifier: MIT
"""OCPI 2.2.1 credentials: token A handed out, the client's credentials taken, token C given.

The handshake of the *credentials* module: an operator makes a token A for a party (``mobility
ocpi token``) and hands it over with this server's versions URL; the party calls with token A,
POSTs its own credentials (its token B, its versions URL, its roles) and receives token C, which
from then on is its only token (token A stops working). PUT exchanges new credentials for a new
token C; DELETE ends the registration. Tokens are 256 random bits; only their SHA-256 is stored
(token B, which this server would present to the party, is kept as given).
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from mobility.errors import FieldProblem, InvalidInputError
from mobility.keys import secret_hash
from mobility.store.base import OcpiParty, Store

TokenKind = Literal["A", "C"]
TOKEN_MAX = 64
ROLES = ("CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP")
_PRINTABLE = re.compile(r"^[\x21-\x7E]{1,64}$")


@dataclass(frozen=True)
class Caller:
    """An OCPI party calling with one of its tokens (A before registering, C after)."""

    party: OcpiParty
    kind: TokenKind


def new_token() -> str:
    """Return a fresh token: 256 random bits, URL-safe, 43 characters."""
    return secrets.token_urlsafe(32)


def token_from_header(authorization: str | None) -> str | None:
    """Return the token of an ``Authorization: Token <base64 token>`` header, or None.

    OCPI 2.2.1 sends the token base64-encoded; a token sent as is (as OCPI 2.1.1 clients do) is
    accepted too when it does not decode to printable text.
    """
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "token" or not value:
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if _PRINTABLE.fullmatch(decoded):
        return decoded
    return value if _PRINTABLE.fullmatch(value) else None


def identify_caller(store: Store, token: str | None) -> Caller | None:
    """Return who calls with a token, or None for no token or one this server did not give."""
    if token is None:
        return None
    digest = secret_hash(token)
    party = store.ocpi_party_by_token(digest)
    if party is None:
        return None
    return Caller(party, "C" if party.token_c_sha256 == digest else "A")


def create_party(store: Store, name: str, now: datetime | None = None) -> tuple[str, OcpiParty]:
    """Make a party awaiting registration; return ``(token A, party)``: token A is shown once."""
    if not name.strip() or len(name) > 200:
        problem = FieldProblem("name", "give a name of 1 to 200 characters")
        raise InvalidInputError("the OCPI party cannot be made", problems=[problem])
    token = new_token()
    party = OcpiParty(
        id=secrets.token_hex(6),
        name=name.strip(),
        token_a_sha256=secret_hash(token),
        token_c_sha256=None,
        their_token=None,
        their_url=None,
        their_roles=(),
        created_at=now or datetime.now(UTC),
    )
    store.save_ocpi_party(party)
    return token, party


def _checked_credentials(body: Any) -> tuple[str, str, tuple[dict[str, Any], ...]]:
    """Return ``(token B, url, roles)`` of a Credentials object, or refuse it field by field."""
    problems: list[FieldProblem] = []
    if not isinstance(body, dict):
        raise InvalidInputError(
            "the body is not a Credentials object",
            problems=[FieldProblem("body", "send a JSON object")],
        )
    token, url, roles = body.get("token"), body.get("url"), body.get("roles")
    if not isinstance(token, str) or not _PRINTABLE.fullmatch(token):
        problems.append(FieldProblem("token", f"a string of 1 to {TOKEN_MAX} printable characters"))
    if not isinstance(url, str) or not re.fullmatch(r"https?://\S{1,250}", url):
        problems.append(FieldProblem("url", "the http(s) URL of your versions endpoint"))
    if not isinstance(roles, list) or not roles:
        problems.append(FieldProblem("roles", "a non-empty list of CredentialsRole objects"))
        roles = []
    for index, role in enumerate(roles):
        where = f"roles.{index}"
        if not isinstance(role, dict):
            problems.append(FieldProblem(where, "a CredentialsRole object"))
            continue
        if role.get("role") not in ROLES:
            problems.append(FieldProblem(f"{where}.role", f"one of {', '.join(ROLES)}"))
        if not re.fullmatch(r"[A-Z]{2}", str(role.get("country_code", ""))):
            problems.append(FieldProblem(f"{where}.country_code", "ISO 3166-1 alpha-2"))
        if not re.fullmatch(r"[A-Z0-9]{3}", str(role.get("party_id", ""))):
            problems.append(FieldProblem(f"{where}.party_id", "three letters or digits"))
        details = role.get("business_details")
        name = details.get("name") if isinstance(details, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            problems.append(FieldProblem(f"{where}.business_details.name", "1 to 100 characters"))
    if problems:
        raise InvalidInputError("the Credentials object is refused", problems=problems)
    return str(token), str(url), tuple(roles)


def register(store: Store, caller: Caller, body: Any) -> tuple[str, OcpiParty]:
    """Take a party's credentials (token A or C) and return ``(new token C, party)``.

    Token A stops working; a previous token C too (PUT renews it).
    """
    their_token, url, roles = _checked_credentials(body)
    token_c = new_token()
    party = replace(
        caller.party,
        token_a_sha256=None,
        token_c_sha256=secret_hash(token_c),
        their_token=their_token,
        their_url=url,
        their_roles=roles,
        registered_at=datetime.now(UTC),
    )
    store.save_ocpi_party(party)
    return token_c, party


def unregister(store: Store, caller: Caller) -> None:
    """End a registration: token C stops working; the party keeps its name, not its tokens."""
    store.save_ocpi_party(
        replace(
            caller.party,
            token_c_sha256=None,
            their_token=None,
            their_url=None,
            their_roles=(),
            registered_at=None,
        )
    )
