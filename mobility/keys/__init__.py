# SPDX-License-Identifier: MIT
"""API keys: made once and shown once, kept only as a hash, checked in constant time.

A key reads ``cmp_<id>_<secret>``: the id is public (it names the key in listings, the audit of
writes and revocations), the secret is 256 random bits of which only the SHA-256 is stored. A
high-entropy secret needs no slow hash: nobody can guess it, so a stolen table reveals no key.
Each key has scopes (``read``, ``write``, ``admin``; ``write`` implies ``read``, ``admin``
implies both), may be bound to communes (it writes there only) and may expire.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from mobility.errors import FieldProblem, InvalidInputError
from mobility.store.base import ApiKeyRecord, Store

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
IMPLIED: dict[str, frozenset[str]] = {
    "read": frozenset({"read"}),
    "write": frozenset({"read", "write"}),
    "admin": frozenset({"read", "write", "admin"}),
}
PREFIX = "cmp"
ID_BYTES = 6
SECRET_BYTES = 32


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a key id, what it may do and where (empty communes: anywhere)."""

    key_id: str
    scopes: frozenset[str]
    communes: frozenset[str]

    def may(self, scope: Scope) -> bool:
        """Tell whether the key holds a scope (directly or through a wider one)."""
        return scope in self.scopes

    def may_write_in(self, commune: str) -> bool:
        """Tell whether the key may change what belongs to a commune."""
        return not self.communes or commune in self.communes


def secret_hash(secret: str) -> str:
    """Return the hex SHA-256 of a key's secret, the only form of it that is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    store: Store,
    *,
    name: str,
    scopes: Iterable[str],
    communes: Iterable[str] = (),
    expires: date | None = None,
    now: datetime | None = None,
) -> tuple[str, ApiKeyRecord]:
    """Make a key, store its hash and return ``(the key, its record)``: the key is never kept.

    ``expires`` is the last day the key works (it stops at the next midnight, UTC).
    """
    chosen = tuple(sorted(set(scopes), key=SCOPES.index)) if set(scopes) <= set(SCOPES) else ()
    problems = []
    if not chosen:
        problems.append(FieldProblem("scope", f"give one or more of {', '.join(SCOPES)}"))
    codes = tuple(sorted(set(communes)))
    bad = [code for code in codes if len(code) != 5 or not code.isalnum()]
    if bad:
        problems.append(FieldProblem("commune", f"not INSEE codes: {', '.join(bad)}"))
    if not name.strip() or len(name) > 200:
        problems.append(FieldProblem("name", "give a name of 1 to 200 characters"))
    moment = now or datetime.now(UTC)
    expires_at = (
        datetime.combine(expires + timedelta(days=1), time(), tzinfo=UTC) if expires else None
    )
    if expires_at is not None and expires_at <= moment:
        problems.append(FieldProblem("expires", "the date is already past"))
    if problems:
        raise InvalidInputError("the key cannot be made", problems=problems)
    key_id = secrets.token_hex(ID_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    record = ApiKeyRecord(
        id=key_id,
        name=name.strip(),
        secret_sha256=secret_hash(secret),
        scopes=chosen,
        communes=codes,
        expires_at=expires_at,
        created_at=moment,
    )
    store.save_api_key(record)
    return f"{PREFIX}_{key_id}_{secret}", record


def split_key(presented: str) -> tuple[str, str] | None:
    """Return ``(id, secret)`` of a key in the ``cmp_<id>_<secret>`` form, else None."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or len(key_id) != 2 * ID_BYTES or not secret or len(secret) > 100:
        return None
    return key_id, secret


def authenticate(store: Store, presented: str, now: datetime | None = None) -> Principal | None:
    """Return the Principal of a presented key, or None: unknown, wrong, revoked or expired.

    The secret's hash is compared in constant time; an unknown id costs the same hash.
    """
    parts = split_key(presented)
    if parts is None:
        return None
    key_id, secret = parts
    record = store.get_api_key(key_id)
    expected = record.secret_sha256 if record is not None else "0" * 64
    matches = hmac.compare_digest(secret_hash(secret), expected)
    if record is None or not matches or record.revoked_at is not None:
        return None
    if record.expires_at is not None and record.expires_at <= (now or datetime.now(UTC)):
        return None
    scopes = frozenset().union(*(IMPLIED[scope] for scope in record.scopes))
    return Principal(record.id, scopes, frozenset(record.communes))


def legacy_principal(presented: str, configured: Iterable[str]) -> Principal | None:
    """Return the Principal of a key from the deprecated plain list (read and write, anywhere).

    Its id is ``env-`` and the first 8 hex digits of its SHA-256, so the audit names it without
    revealing it.
    """
    for key in configured:
        if hmac.compare_digest(presented.encode(), key.encode()):
            return Principal(f"env-{secret_hash(key)[:8]}", IMPLIED["write"], frozenset())
    return None
