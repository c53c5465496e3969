# SPDX-License-Identifier: MIT
"""The data version: one number the database raises whenever what pages and analyses read changes.

A worker that keeps encoded pages (:mod:`mobility.feature_pages`) or analysis answers
(``api/kept_answers.py``) between requests must learn of every write, whichever worker, command
or script made it. So the database raises the number itself, by triggers on every table a page
or an analysis reads (:data:`WATCHED_TABLES`): no write path can forget it, and the new number
becomes visible in the same commit as the rows it describes. A reader reads the number first
and the data after it, so what it keeps under a number is never older than that number.

On PostgreSQL the triggers are deferred to the commit and raise the number once per
transaction: the lock on the one row is taken last, after every lock the transaction's own
statements took, so two writers can never wait on each other through it. On SQLite the database
has one writer at a time anyway, and each changed row raises the number.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Connection, insert, select, text

from mobility.store import schema

WATCHED_TABLES = (
    "assets",
    "asset_places",
    "communes",
    "commune_files",
    "commune_inputs",
    "scenarios",
)
"""The tables whose every change raises the data version: the assets and where they stand, the
communes with their source files (streets, population) and supplied inputs, the scenarios. Not
the keys, audit, rate counts, batches or prepared payloads (derived from the files)."""

_FUNCTION = "mobility_raise_data_version"
_DONE_SETTING = "mobility.data_version_raised"
"""A transaction-local setting: the version was raised in this transaction already."""

VERSION_READ = select(schema.data_version.c.version)
"""The read of the current version, from the table's one row (run on the driver: it precedes
every kept page served)."""


def postgres_statements() -> list[str]:
    """Return the PostgreSQL function and triggers (replaced in place: idempotent)."""
    statements = [
        f"""CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{_DONE_SETTING}', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_version SET version = version + 1 WHERE id = 1;
        PERFORM set_config('{_DONE_SETTING}', 'on', true);
    END IF;
    RETURN NULL;
END
$$"""  # noqa: S608 (names of this module's own)
    ]
    for table in WATCHED_TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}",
            f"CREATE CONSTRAINT TRIGGER {table}_data_version "
            f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()",
            # TRUNCATE has no row to defer on: it raises the number at once
            f"CREATE OR REPLACE TRIGGER {table}_data_version_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()",
        ]
    return statements


def sqlite_statements() -> list[str]:
    """Return the SQLite triggers, one per table and kind of change (created when absent)."""
    body = "BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_data_version_{event.lower()} "
        f"AFTER {event} ON {table} {body}"
        for table in WATCHED_TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def install_data_version(conn: Connection, backend: Literal["sqlite", "postgis"]) -> None:
    """Give the database its version row and the triggers that raise it (idempotent).

    On PostgreSQL the triggers are replaced only when one is missing: dropping and creating a
    trigger locks its table, which a start-up beside busy workers should not do each time.
    """
    if conn.execute(VERSION_READ).first() is None:
        conn.execute(insert(schema.data_version).values(id=1, version=0))
    if backend == "sqlite":
        for statement in sqlite_statements():
            conn.exec_driver_sql(statement)
        return
    present = conn.execute(
        text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%\\_data\\_version%'")
    ).scalar_one()
    if present < 2 * len(WATCHED_TABLES):
        for statement in postgres_statements():
            conn.exec_driver_sql(statement)
