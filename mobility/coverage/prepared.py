# SPDX-License-Identifier: MIT
"""A commune prepared once and kept with the store, so a new worker answers in milliseconds.

Building a big city's engines and snapped demand from its source files costs seconds (Paris:
10–20 s on a shared 2-core machine); reading them back costs milliseconds. The prepared commune
is stored under a build key: the digest of the commune's sources (:func:`fingerprint`, which
every replacement of its streets, population, buildings, boundary or margin changes) and of the
build's own parameters (the snapping limit and :data:`BUILD_VERSION`). Asset writes do not
touch it: the engine does not depend on the assets (their searches are cached per asset set).

A payload is used only when its key is the one the stored commune asks for now, its bytes match
the checksum written with them, and it decodes: anything else is rebuilt from the sources and
written again, never trusted. Saving a commune again or deleting it drops the payload in the
same transaction (:mod:`mobility.store.sql_prepared`).
"""

from __future__ import annotations

import hashlib
import json
import logging

from mobility.coverage.prepared_codec import (
    PreparedCommune,
    PreparedPayloadError,
    decode_prepared,
    encode_prepared,
)
from mobility.errors import StoreUnavailableError
from mobility.store.base import CommuneRecord, Store

BUILD_VERSION = 1
"""Bump when a change of the code alters what is built from the same sources (the demand
spreading, the street views, the edge table): every kept payload then becomes stale."""

log = logging.getLogger(__name__)


def fingerprint(record: CommuneRecord) -> str:
    """Return a key that changes when a commune's source files change."""
    sources = record.info.get("sources", [])
    digest = json.dumps(
        [(s.get("role"), s.get("sha256")) for s in sources if isinstance(s, dict)]
        + [record.info.get("demand", {}).get("spacing_m"), record.margin_m],
        sort_keys=True,
    )
    return hashlib.sha256(f"{record.code}:{digest}".encode()).hexdigest()


def build_key(record: CommuneRecord, *, max_snap_m: float) -> str:
    """Return the key a prepared commune is built and kept under."""
    parts = f"{fingerprint(record)}:{max_snap_m!r}:{BUILD_VERSION}"
    return hashlib.sha256(parts.encode()).hexdigest()


def read_prepared(store: Store, code: str, key: str) -> PreparedCommune | None:
    """Return the commune prepared under ``key`` as kept, or None when it must be rebuilt.

    None when nothing is kept, when the kept payload was built under another key (stale), or
    when its bytes are damaged (checksum or decoding): a damaged payload is logged.
    """
    kept = store.get_prepared(code)
    if kept is None or kept.build_key != key:
        return None
    if not kept.intact:
        log.warning("prepared commune %s: checksum mismatch, rebuilding", code)
        return None
    try:
        prepared = decode_prepared(kept.payload)
    except PreparedPayloadError as exc:
        log.warning("prepared commune %s: %s, rebuilding", code, exc)
        return None
    return prepared if prepared.build_key == key else None


def keep_prepared(store: Store, code: str, prepared: PreparedCommune) -> bool:
    """Write a prepared commune to the store; False (logged) when the store refused it.

    Keeping is an optimisation: an answer never fails because its payload could not be kept
    (a busy SQLite file, a read-only replica); the next worker builds again.
    """
    try:
        return store.put_prepared(code, prepared.build_key, encode_prepared(prepared))
    except StoreUnavailableError as exc:
        log.warning("prepared commune %s not kept: %s", code, exc)
        return False
