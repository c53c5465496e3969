# SPDX-License-Identifier: MIT
"""Table definitions shared by the SQLite and PostGIS stores.

Attributes are kept as JSON text so the schema does not move each time a layer gains a field; the
few attributes that queries filter on are copied into indexed columns beside them. PostGIS adds a
generated point geometry with a GiST index (see ``postgis_ddl``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from mobility.store.rows import first_revision

SCHEMA_VERSION = 7
"""2 added the scenarios and commune_inputs tables; 3 the communes' margin and surroundings box,
the asset_places membership table, and assets no longer tied to a loaded commune by a foreign key
(an asset keeps its own commune code, which may name a commune that is not loaded); 4 a revision
to each asset and commune input (their ETag); 5 the api_keys, write_audit, ocpi_parties and
rate_counters tables (added by ``create_all``, nothing else changes); 6 the batches and
batch_rows tables of ``mobility batch --to-store`` (added by ``create_all``); 7 the data_version
row and the triggers that raise it (:mod:`mobility.store.data_version`). The
commune_prepared table came without a version of its own: ``create_all`` adds it, and a program
that ignores it leaves at worst a payload under a key no reader asks for (see
:mod:`mobility.store.sql_prepared`)."""

metadata = MetaData()

communes = Table(
    "communes",
    metadata,
    Column("code", String(5), primary_key=True),
    Column("name", Text, nullable=False),
    Column("boundary", Text, nullable=False, comment="GeoJSON geometry, lon/lat"),
    Column("west", Float, nullable=False),
    Column("south", Float, nullable=False),
    Column("east", Float, nullable=False),
    Column("north", Float, nullable=False),
    Column("margin_m", Float, nullable=True, comment="surroundings width, metres; null: none"),
    Column("outer_west", Float, nullable=True, comment="bounding box of boundary + margin"),
    Column("outer_south", Float, nullable=True),
    Column("outer_east", Float, nullable=True),
    Column("outer_north", Float, nullable=True),
    Column("info", Text, nullable=False, default="{}"),
    Column("revision", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

commune_files = Table(
    "commune_files",
    metadata,
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("filename", Text, nullable=False),
    Column("content_gz", LargeBinary, nullable=False),
    Column("metadata", Text, nullable=False, default="{}"),
)

assets = Table(
    "assets",
    metadata,
    Column("layer", String(32), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("commune", String(5), nullable=False, comment="the code of where it stands, own"),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("properties", Text, nullable=False),
    Column("footprint", Text, nullable=True),
    Column("power_kw", Float, nullable=True),
    Column("kind", String(32), nullable=True),
    Column("modes", String(200), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column(
        "revision",
        BigInteger,
        nullable=False,
        default=first_revision,
        server_default=text("0"),
        comment="the ETag: a new row's time in microseconds, plus one per write",
    ),
)
Index("assets_layer_commune", assets.c.layer, assets.c.commune)
Index("assets_layer_lon_lat", assets.c.layer, assets.c.lon, assets.c.lat)

asset_places = Table(
    "asset_places",
    metadata,
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), primary_key=True),
    Column("layer", String(32), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("in_commune", Boolean, nullable=False, comment="false: in the surroundings only"),
    ForeignKeyConstraint(
        ["layer", "id"],
        ["assets.layer", "assets.id"],
        ondelete="CASCADE",
        name="asset_places_asset",
    ),
    comment="which stored communes see which assets, by location (mobility.places)",
)
Index("asset_places_by_asset", asset_places.c.layer, asset_places.c.id)

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=True),
    Column("changes", Text, nullable=False, comment="JSON list of asset changes"),
    Column("base_revision", Integer, nullable=False),
    Column("revision", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("promoted_at", DateTime(timezone=True), nullable=True),
)
Index("scenarios_commune", scenarios.c.commune)

commune_inputs = Table(
    "commune_inputs",
    metadata,
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), primary_key=True),
    Column("key", String(32), primary_key=True),
    Column("value", Text, nullable=False, comment="JSON object supplied by the commune"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column(
        "revision",
        BigInteger,
        nullable=False,
        default=first_revision,
        server_default=text("0"),
        comment="the ETag, as for assets",
    ),
)

commune_prepared = Table(
    "commune_prepared",
    metadata,
    Column("commune", String(5), ForeignKey("communes.code", ondelete="CASCADE"), primary_key=True),
    Column("build_key", String(64), nullable=False, comment="digest of sources and parameters"),
    Column("checksum", String(32), nullable=False, comment="BLAKE2b-128 of the payload, hex"),
    Column("payload", LargeBinary, nullable=False, comment="uncompressed .npz of the arrays"),
    Column("built_at", DateTime(timezone=True), nullable=False),
    comment="what analyses build from a commune's sources (engines, snapped demand), kept so a "
    "new worker reads it in one go; rebuilt when the key or the checksum does not match",
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True, comment="the public part of the key"),
    Column("name", Text, nullable=False),
    Column("secret_sha256", String(64), nullable=False, comment="hex SHA-256 of the secret"),
    Column("scopes", String(64), nullable=False, comment="comma-separated: read, write, admin"),
    Column("communes", Text, nullable=True, comment="comma-separated codes; null: every one"),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    comment="API keys, hashed: the secret itself is shown once and never stored",
)

write_audit = Table(
    "write_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_id", String(32), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    comment="every write request made with a key: which key, what, when, with what answer",
)
Index("write_audit_key", write_audit.c.key_id, write_audit.c.at)

ocpi_parties = Table(
    "ocpi_parties",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("token_a_sha256", String(64), nullable=True, unique=True, comment="until registered"),
    Column("token_c_sha256", String(64), nullable=True, unique=True, comment="once registered"),
    Column("their_token", Text, nullable=True, comment="token B: what we would present to them"),
    Column("their_url", Text, nullable=True, comment="their versions endpoint"),
    Column("their_roles", Text, nullable=False, default="[]", comment="JSON CredentialsRole list"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=True),
    comment="OCPI 2.2.1 parties: token A given out, then the credentials exchanged for token C",
)

rate_counters = Table(
    "rate_counters",
    metadata,
    Column("bucket", String(200), primary_key=True, comment="what is counted: client, key..."),
    Column("window_start", BigInteger, primary_key=True, comment="Unix seconds"),
    Column("count", Integer, nullable=False),
    comment="fixed-window request counters shared by every worker (rate limits)",
)
Index("rate_counters_window", rate_counters.c.window_start)

batches = Table(
    "batches",
    metadata,
    Column("id", String(32), primary_key=True, comment="key of the job, parameters, communes"),
    Column("analysis", String(32), nullable=False),
    Column("parameters", Text, nullable=False, comment="JSON"),
    Column("communes", Text, nullable=False, comment="JSON list of the codes, in order"),
    Column("columns", Text, nullable=False, comment="JSON list of the rows' figures"),
    Column("status", String(16), nullable=False),
    Column("done", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("output", Text, nullable=True, comment="the file the command wrote"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

batch_rows = Table(
    "batch_rows",
    metadata,
    Column("batch", String(32), ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True),
    Column("commune", String(5), primary_key=True),
    Column("position", Integer, primary_key=True, comment="the row's order within its commune"),
    Column("figures", Text, nullable=False, comment="JSON of the batch's columns"),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("geometry", Text, nullable=True, comment="GeoJSON geometry, lon/lat"),
)

data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
    comment="one row: raised by triggers at every change of what pages and analyses read",
)

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

POSTGIS_DDL = (
    "CREATE EXTENSION IF NOT EXISTS postgis",
    "ALTER TABLE assets ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326) "
    "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED",
    "CREATE INDEX IF NOT EXISTS assets_geom ON assets USING gist (geom)",
    "ALTER TABLE communes ADD COLUMN IF NOT EXISTS geom geometry(Geometry, 4326)",
    "CREATE INDEX IF NOT EXISTS communes_geom ON communes USING gist (geom)",
)
"""Statements that give PostGIS its spatial columns and indexes (idempotent)."""

REVISION_COLUMNS = (("assets", "revision"), ("commune_inputs", "revision"))
"""Columns version 4 added to tables of version 3 (existing rows start at revision 0)."""
