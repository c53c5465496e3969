# SPDX-License-Identifier: MIT
"""A commune prepared once and kept with the store, so a new worker answers in milliseconds.

Building a big city's engines and snapped demand from its source files costs seconds (Paris:
10–20 s on a shared 2-core machine); reading them back costs milliseconds. The prepared commune
is stored under a build key: the digest of the commune's sources (:func:`fingerprint`, which
every replacement of its streets, population, buildings, boundary or margin changes) and of the
build itself: the snapping limit and the digest of the source code that builds and encodes it
(:func:`build_code_digest`, over :data:`BUILDING_CODE`), so a program whose building changed
never reads what an older one kept. Asset writes do not touch it: the engine does not depend on
the assets (their searches are cached per asset set).

A payload is used only when its key is the one the stored commune asks for now, its bytes match
the checksum written with them, and it decodes: anything else is rebuilt from the sources and
written again, never trusted. Saving a commune again or deleting it drops the payload in the
same transaction (:mod:`mobility.store.sql_prepared`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from mobility.coverage.prepared_codec import (
    PreparedCommune,
    PreparedPayloadError,
    decode_prepared,
    encode_prepared,
)
from mobility.errors import StoreUnavailableError
from mobility.store.base import CommuneRecord, Store

BUILDING_CODE = (
    "mobility.arrays",
    "mobility.boundary",
    "mobility.commune",
    "mobility.coverage.band_cache",
    "mobility.coverage.band_faces",
    "mobility.coverage.band_pieces",
    "mobility.coverage.band_tiles",
    "mobility.coverage.context",
    "mobility.coverage.demand_columns",
    "mobility.coverage.poverty",
    "mobility.coverage.prepared_arrays",
    "mobility.coverage.prepared_bands",
    "mobility.coverage.prepared_codec",
    "mobility.coverage.ring_walk",
    "mobility.coverage.street_cuts",
    "mobility.demand",
    "mobility.geo",
    "mobility.network",
    "mobility.places",
)
"""The modules and packages (every module in them) whose code makes a prepared commune from
the sources: the commune model, the demand spreading, the street graph, views, edge table and
snapping, the street bands and their arrangement, the payload's encoding. A change to any of
them makes every kept payload stale."""

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
"""The ``mobility`` package directory the names of :data:`BUILDING_CODE` are found in."""

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
    parts = f"{fingerprint(record)}:{max_snap_m!r}:{build_code_digest()}"
    return hashlib.sha256(parts.encode()).hexdigest()


@functools.cache
def build_code_digest() -> str:
    """Return the digest of the source code that builds a prepared commune (read once)."""
    return code_digest(module_files(BUILDING_CODE), root=PACKAGE_ROOT)


def module_files(names: Iterable[str], *, root: Path = PACKAGE_ROOT) -> list[Path]:
    """Return the source files of ``mobility`` modules and packages (a package: all of them).

    Raises FileNotFoundError for a name with no source file: a digest must not skip code.
    """
    files: set[Path] = set()
    for name in names:
        parts = name.split(".")
        if parts[0] != root.name:
            raise FileNotFoundError(f"{name} is not a module of {root.name}")
        path = root.joinpath(*parts[1:])
        if path.is_dir():
            files.update(path.rglob("*.py"))
        elif path.with_suffix(".py").is_file():
            files.add(path.with_suffix(".py"))
        else:
            raise FileNotFoundError(f"no source file for {name}")
    return sorted(files)


def code_digest(files: Iterable[Path], *, root: Path) -> str:
    """Return the SHA-256 of source files: each one's path under ``root`` and its bytes."""
    hasher = hashlib.sha256()
    for path in files:
        content = path.read_bytes()
        hasher.update(f"{path.relative_to(root).as_posix()}:{len(content)}:".encode())
        hasher.update(content)
    return hasher.hexdigest()


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
