# SPDX-License-Identifier: MIT
"""``mobility keys create | list | revoke`` and ``mobility ocpi token | list``: keys and tokens.

``keys create`` prints the key once (it is not stored, only its hash is); ``keys list`` shows ids,
names, scopes, communes, expiry and state, never a secret; ``keys revoke`` stops a key at once.
``ocpi token`` prints a token A once, for an OCPI party to register with; ``ocpi list`` shows the
parties and whether they registered.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from mobility.errors import FieldProblem, InvalidInputError
from mobility.keys import SCOPES, create_key
from mobility.keys.ocpi import create_party
from mobility.store.base import ApiKeyRecord, Store

Printer = Callable[[argparse.Namespace, Any, str], None]


def add_key_commands(groups: Any) -> None:
    """Add the ``keys`` group and its three commands to the command line's parser."""
    keys = groups.add_parser("keys", help="create, list or revoke API keys")
    commands = keys.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="make a key and print it once")
    create.add_argument(
        "--scope", action="append", choices=SCOPES, required=True, help="repeatable"
    )
    create.add_argument(
        "--commune", action="append", default=[], help="INSEE code the key may write in"
    )
    create.add_argument("--expires", help="last day the key works, YYYY-MM-DD")
    create.add_argument("--name", default="unnamed", help="who or what the key is for")
    commands.add_parser("list", help="list the keys (never their secrets)")
    commands.add_parser("revoke", help="stop a key at once").add_argument("id", help="key id")
    ocpi = groups.add_parser("ocpi", help="OCPI 2.2.1 parties: give a token A, list them")
    ocpi_commands = ocpi.add_subparsers(dest="command", required=True)
    token = ocpi_commands.add_parser("token", help="make a token A for a party to register with")
    token.add_argument("--name", required=True, help="the party, e.g. an eMSP's name")
    ocpi_commands.add_parser("list", help="list the OCPI parties")


def _expiry(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problem = FieldProblem("expires", "give a date as YYYY-MM-DD")
        raise InvalidInputError("the key cannot be made", problems=[problem]) from None


def key_row(record: ApiKeyRecord, now: datetime | None = None) -> dict[str, Any]:
    """Return what ``list`` shows of a key: everything but its hash."""
    moment = now or datetime.now(UTC)
    expired = record.expires_at is not None and record.expires_at <= moment
    state = "revoked" if record.revoked_at else "expired" if expired else "active"
    return {
        "id": record.id,
        "name": record.name,
        "scopes": list(record.scopes),
        "communes": list(record.communes),
        "expires_at": record.expires_at.isoformat() if record.expires_at else None,
        "created_at": record.created_at.isoformat(),
        "state": state,
    }


def run_keys(args: argparse.Namespace, store: Store, show: Printer) -> int:
    """Run one ``keys`` command; return the exit code."""
    if args.command == "create":
        key, record = create_key(
            store,
            name=args.name,
            scopes=args.scope,
            communes=args.commune,
            expires=_expiry(args.expires),
        )
        row = key_row(record)
        text = (
            f"{key}\n(key {record.id}, scopes {', '.join(record.scopes)}, "
            f"communes {', '.join(record.communes) or 'all'}, "
            f"expires {row['expires_at'] or 'never'}): shown once, keep it now"
        )
        show(args, {**row, "key": key}, text)
        return 0
    if args.command == "list":
        rows = [key_row(record) for record in store.list_api_keys()]
        lines = [
            f"{r['id']}  {r['state']:8}  {','.join(r['scopes']):16}  "
            f"{','.join(r['communes']) or 'all':12}  {r['expires_at'] or 'never':25}  {r['name']}"
            for r in rows
        ]
        show(args, rows, "\n".join(lines) or "no API key")
        return 0
    record = store.revoke_api_key(args.id)
    show(args, key_row(record), f"revoked key {record.id} ({record.name})")
    return 0


def run_ocpi(args: argparse.Namespace, store: Store, show: Printer) -> int:
    """Run one ``ocpi`` command; return the exit code."""
    if args.command == "token":
        token, party = create_party(store, args.name)
        text = (
            f"{token}\n(token A of OCPI party {party.id}, {party.name}): shown once; the party "
            "registers with it by POSTing its credentials to /ocpi/2.2.1/credentials"
        )
        show(args, {"id": party.id, "name": party.name, "token_a": token}, text)
        return 0
    rows = [
        {
            "id": party.id,
            "name": party.name,
            "registered_at": party.registered_at.isoformat() if party.registered_at else None,
            "url": party.their_url,
            "roles": [f"{r.get('country_code')}*{r.get('party_id')}" for r in party.their_roles],
        }
        for party in store.list_ocpi_parties()
    ]
    lines = [
        f"{r['id']}  {r['registered_at'] or 'awaiting registration':32}  {r['name']}" for r in rows
    ]
    show(args, rows, "\n".join(lines) or "no OCPI party")
    return 0
