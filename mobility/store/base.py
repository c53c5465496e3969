# SPDX-License-Identifier: MIT
"""What a store keeps and the one interface both stores (SQLite, PostGIS) implement.

A commune is its outline plus the source files it was built from (streets, population, buildings),
kept verbatim so an analysis can always be traced back to the exact inputs. Assets are points with
validated attributes. Every write is one transaction: it lands whole or not at all.

The domain and the API are typed against :class:`Store`, never against the implementation: what
they may ask of a store is this list, and a second implementation needs nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from mobility.assets import Asset, Layer
from mobility.errors import PreconditionFailedError
from mobility.plans import AssetChange, Scenario
from mobility.store.batch_records import BatchRecord, BatchRow, BatchStatus

if TYPE_CHECKING:
    from mobility.store.sql_views import AssetView

ASSET_PAGE_SIZE = 5000
"""Assets read per round trip when a whole query is streamed (:meth:`Store.iter_assets`)."""

FileRole = Literal["streets", "population", "buildings"]
FILE_ROLES: tuple[FileRole, ...] = ("streets", "population", "buildings")

BBox = tuple[float, float, float, float]
"""west, south, east, north in lon/lat degrees."""


@dataclass(frozen=True)
class CommuneFile:
    """A source file of a commune, kept as uploaded (content gzip-compressed when stored)."""

    role: FileRole
    filename: str
    content: bytes
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CommuneRecord:
    """A commune as stored: INSEE code, name, boundary (GeoJSON geometry, lon/lat) and facts.

    ``margin_m`` is the width of the commune's surroundings in metres (its boundary buffered in
    Lambert-93, see :mod:`mobility.places`): the assets standing there count in its analyses.
    None for a commune built without surroundings, which sees only what stands inside it.
    ``revision`` advances on every change of the commune or of an asset it sees.
    """

    code: str
    name: str
    boundary: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    revision: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    margin_m: float | None = None

    @property
    def bbox(self) -> BBox:
        """Return the boundary's bounding box (west, south, east, north)."""
        from shapely.geometry import shape

        west, south, east, north = shape(self.boundary).bounds
        return (west, south, east, north)


@dataclass(frozen=True)
class AssetQuery:
    """Filters for reading one layer; every filter is optional and they combine with AND.

    ``commune`` selects the assets standing inside that commune's boundary, by location, whatever
    commune code they carry; with ``surroundings`` also those inside its margin. An asset is
    stored once, so overlapping communes (Paris and its arrondissements) both see it.
    """

    layer: Layer
    commune: str | None = None
    surroundings: bool = False
    bbox: BBox | None = None
    min_power_kw: float | None = None
    max_power_kw: float | None = None
    kind: str | None = None
    mode: str | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class AssetPage:
    """One page of a query: the assets in id order and how many match in all."""

    assets: list[Asset]
    number_matched: int


@dataclass(frozen=True)
class AssetJson:
    """An asset as its row holds it, its attributes left as the JSON text they were stored as.

    What read-only answers serve: that text was written by the layer's model from a validated
    asset (every field present, null when unknown), so serving it again needs neither parsing nor
    validation. A change of a layer's model that adds a field must therefore rewrite the stored
    text in a schema migration.
    """

    layer: Layer
    id: str
    commune: str
    lon: float
    lat: float
    properties_json: str
    footprint_json: str | None
    updated_at: datetime
    revision: int


@dataclass(frozen=True)
class AssetJsonPage:
    """One page of a query as stored text: the assets in id order and how many match in all."""

    assets: list[AssetJson]
    number_matched: int


@dataclass(frozen=True)
class PreparedPayload:
    """A commune's prepared payload as stored, as :mod:`mobility.store.sql_prepared` reads it.

    The key it was built under, its bytes, and whether they still match the checksum written
    with them.
    """

    build_key: str
    payload: bytes
    intact: bool


@dataclass(frozen=True)
class CommuneInput:
    """A figure set a commune supplies itself (its fleet, its SDIRVE inputs), kept as sent."""

    commune: str
    key: str
    value: dict[str, Any]
    updated_at: datetime
    revision: int = 0


@dataclass(frozen=True)
class Precondition:
    """The revisions of a record a write is conditioned on: an HTTP ``If-Match`` in store terms.

    A write under a precondition lands only when the stored record is at one of ``revisions``
    (``None``: at any revision, the record must only exist, ``If-Match: *``). The store checks it
    in the same transaction as the write, in the ``UPDATE``'s or ``DELETE``'s own ``WHERE``, so a
    change that lands between the client's read and its write is refused with
    PreconditionFailedError, never overwritten.
    """

    revisions: frozenset[int] | None = None

    def accepts(self, revision: int) -> bool:
        """Tell whether a record at ``revision`` satisfies the precondition."""
        return self.revisions is None or revision in self.revisions


def check_precondition(if_match: Precondition | None, revision: int, what: str) -> None:
    """Raise PreconditionFailedError when the stored revision does not meet ``if_match``."""
    if if_match is not None and not if_match.accepts(revision):
        raise PreconditionFailedError(
            f'{what} is at revision {revision} (ETag "{revision}"), not one the request '
            "names: it changed since it was read; read it again and retry"
        )


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key as stored: its public id, the SHA-256 of its secret, and what it may do.

    ``communes`` empty means every commune; ``expires_at`` None means no expiry.
    """

    id: str
    name: str
    secret_sha256: str
    scopes: tuple[str, ...]
    communes: tuple[str, ...]
    expires_at: datetime | None
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class WriteRecord:
    """One write request made with a key, as the audit table keeps it."""

    key_id: str
    method: str
    path: str
    status: int
    at: datetime


@dataclass(frozen=True)
class OcpiParty:
    """An OCPI party: token A (hash) until it registers, then token C (hash) and its credentials."""

    id: str
    name: str
    token_a_sha256: str | None
    token_c_sha256: str | None
    their_token: str | None
    their_url: str | None
    their_roles: tuple[dict[str, Any], ...]
    created_at: datetime
    registered_at: datetime | None = None


class Store(Protocol):
    """The persistence interface; see SqlStore for the one implementation over two engines."""

    backend: Literal["sqlite", "postgis"]

    def close(self) -> None:
        """Release connections."""

    def list_communes(self) -> list[CommuneRecord]:
        """Return every commune, ordered by code."""

    def get_commune(self, code: str) -> CommuneRecord:
        """Return one commune or raise NotFoundError."""

    def has_commune(self, code: str) -> bool:
        """Tell whether a commune is stored."""

    def save_commune(
        self,
        record: CommuneRecord,
        files: Sequence[CommuneFile],
        *,
        replace: bool = False,
        assets: Sequence[Asset] = (),
    ) -> CommuneRecord:
        """Store a commune with its source files and ``assets`` (upserted), in one transaction.

        ConflictError when it exists and not replace; InvalidInputError, nothing written, when
        an asset stands in no stored commune's surroundings once this one is saved.
        """

    def delete_commune(self, code: str) -> None:
        """Remove a commune, its files, inputs and scenarios, and the assets no other sees."""

    def get_commune_file(self, code: str, role: FileRole) -> CommuneFile | None:
        """Return a source file of a commune (content decompressed), or None when absent."""

    def get_prepared(self, code: str) -> PreparedPayload | None:
        """Return the commune's prepared payload (engines, snapped demand), or None."""

    def put_prepared(self, code: str, build_key: str, payload: bytes) -> bool:
        """Keep a commune's prepared payload under its build key; False when it is gone."""

    def query_assets(self, query: AssetQuery) -> AssetPage:
        """Return one page of assets matching the query, in id order."""

    def iter_assets(
        self, query: AssetQuery, *, page_size: int = ASSET_PAGE_SIZE
    ) -> Iterator[Asset]:
        """Yield every asset matching the query's filters, in id order, ``page_size`` per read.

        The query's ``limit`` and ``offset`` are not used: the stream is the whole match.
        """

    def asset_view(self, code: str, layer: Layer, *, surroundings: bool = True) -> AssetView:
        """Return the layer's assets the commune sees, read again only after a write.

        Kept per revision, which every write bumps (see :mod:`mobility.store.sql_views`).
        """

    def get_asset(self, layer: Layer, asset_id: str) -> Asset:
        """Return one asset or raise NotFoundError."""

    def query_asset_json(self, query: AssetQuery) -> AssetJsonPage:
        """Return one page of assets as stored text (no validation), as query_assets orders it."""

    def data_version(self) -> int:
        """Return the number every committed change of what pages and analyses read raises.

        Read it before the data it stands for (see :mod:`mobility.store.data_version`).
        """

    def get_asset_json(self, layer: Layer, asset_id: str) -> AssetJson:
        """Return one asset as stored text, or raise NotFoundError."""

    def count_assets(self, layer: Layer, commune: str) -> int:
        """Count the assets of one layer standing inside a commune's boundary."""

    def existing_assets(self, layer: Layer, ids: Sequence[str]) -> dict[str, Asset]:
        """Return the stored assets of one layer among ``ids``, by id (absent ids left out)."""

    def add_assets(self, assets: Sequence[Asset], *, upsert: bool = False) -> int:
        """Insert assets in one transaction; ConflictError on a taken id unless upsert.

        Every asset must stand inside a stored commune or its surroundings (InvalidInputError
        otherwise, nothing written).
        """

    def replace_asset(self, asset: Asset, *, if_match: Precondition | None = None) -> Asset:
        """Overwrite an existing asset (NotFoundError when absent); return it as stored.

        PreconditionFailedError, nothing written, when the stored asset does not meet
        ``if_match``.
        """

    def delete_asset(
        self, layer: Layer, asset_id: str, *, if_match: Precondition | None = None
    ) -> None:
        """Remove an asset or raise NotFoundError (PreconditionFailedError: see replace)."""

    # -- what a commune supplies ----------------------------------------------------------------

    def get_commune_input(self, code: str, key: str) -> CommuneInput | None:
        """Return what the commune supplied under ``key``, or None."""

    def put_commune_input(
        self,
        code: str,
        key: str,
        value: dict[str, Any],
        *,
        if_match: Precondition | None = None,
        create_only: bool = False,
    ) -> CommuneInput:
        """Store (or replace) what the commune supplies under ``key``.

        With ``if_match`` only a stored value meeting it is replaced (PreconditionFailedError
        otherwise, and when nothing is stored); with ``create_only`` a stored value is never
        replaced (PreconditionRequiredError: the caller must name the revision it replaces).
        """

    def delete_commune_input(
        self, code: str, key: str, *, if_match: Precondition | None = None
    ) -> None:
        """Forget what the commune supplied under ``key`` (NotFoundError when nothing is)."""

    # -- scenarios ------------------------------------------------------------------------------

    def list_scenarios(self, commune: str | None = None) -> list[Scenario]:
        """Return the scenarios, of one commune or all, newest first."""

    def get_scenario(self, scenario_id: str) -> Scenario:
        """Return one scenario or raise NotFoundError."""

    def create_scenario(
        self,
        commune: str,
        name: str,
        changes: Sequence[AssetChange],
        *,
        description: str | None = None,
    ) -> Scenario:
        """Store a new scenario over the commune's base as it is now."""

    def update_scenario(
        self,
        scenario_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        clear_description: bool = False,
        changes: Sequence[AssetChange] | None = None,
        if_match: Precondition | None = None,
    ) -> Scenario:
        """Rename, describe or replace the changes of a scenario not yet promoted."""

    def delete_scenario(self, scenario_id: str, *, if_match: Precondition | None = None) -> None:
        """Remove a scenario (the base data is untouched)."""

    def promote_scenario(self, scenario_id: str) -> Scenario:
        """Write a scenario's changes into the base data, all of them or none."""

    # -- keys and the audit of writes ---------------------------------------------------------

    def save_api_key(self, record: ApiKeyRecord) -> None:
        """Store a new key (its id must be new)."""

    def get_api_key(self, key_id: str) -> ApiKeyRecord | None:
        """Return the key of an id, revoked or not, or None."""

    def list_api_keys(self) -> list[ApiKeyRecord]:
        """Return every key, oldest first."""

    def revoke_api_key(self, key_id: str) -> ApiKeyRecord:
        """Mark a key revoked from now on; NotFoundError for an unknown id."""

    def record_write(self, entry: WriteRecord) -> None:
        """Append one write to the audit table."""

    def list_writes(self, key_id: str | None = None, limit: int = 100) -> list[WriteRecord]:
        """Return the latest writes (of one key, or of all), newest first."""

    def save_ocpi_party(self, party: OcpiParty) -> None:
        """Store an OCPI party, new or changed (by id)."""

    def ocpi_party_by_token(self, token_sha256: str) -> OcpiParty | None:
        """Return the party whose token A or token C has this hash, or None."""

    def list_ocpi_parties(self) -> list[OcpiParty]:
        """Return every OCPI party, oldest first."""

    def count_hit(self, bucket: str, window_s: int, now_s: float, hits: int = 1) -> int:
        """Count ``hits`` in the fixed window holding ``now_s``; return the window's count."""

    def hits(self, bucket: str, window_s: int, now_s: float) -> int:
        """Return the hits counted in the window holding ``now_s``, without counting one."""

    # -- batches ------------------------------------------------------------------------------

    def start_batch(self, record: BatchRecord) -> BatchRecord:
        """Create a batch, or mark the stored one of the same id running again; return it."""

    def put_batch_rows(self, batch_id: str, commune: str, rows: Sequence[BatchRow]) -> None:
        """Replace one commune's rows of a batch and recount its progress, in one transaction."""

    def end_batch(self, batch_id: str, status: BatchStatus) -> None:
        """Record how a batch's run ended (``finished`` or ``interrupted``)."""

    def list_batches(self) -> list[BatchRecord]:
        """Return every batch, the most recently updated first."""

    def get_batch(self, batch_id: str) -> BatchRecord:
        """Return one batch's header, or raise NotFoundError."""

    def batch_rows(self, batch_id: str) -> list[BatchRow]:
        """Return a batch's rows in its communes' order (NotFoundError for an unknown batch)."""
