# SPDX-License-Identifier: MIT
"""The store's connections: one engine per database URL, and transactions that read or write.

How concurrent writers are kept apart is the one thing the two engines do differently. SQLite
has one write lock for the whole file: a writer takes it when its transaction begins (``BEGIN
IMMEDIATE``), so nothing commits between what it reads and what it writes, while readers go on
in WAL mode. PostgreSQL locks the rows a writer reads (``SELECT ... FOR UPDATE``), and every
conditional write also checks the revision it read in its own ``WHERE``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, Select, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from mobility.errors import StoreUnavailableError
from mobility.store.migration import create_or_upgrade

_WRITE_OPTION = "mobility_write"
"""Execution option marking a connection whose transaction will write (BEGIN IMMEDIATE)."""


class SqlConnections:
    """An engine over SQLite or PostGIS, its schema created or brought up to date."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.backend: Literal["sqlite", "postgis"]
        if parsed.get_backend_name() == "sqlite":
            self.backend = "sqlite"
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(self._engine, "connect", _configure_sqlite)
            event.listen(self._engine, "begin", _begin_sqlite)
        elif parsed.get_backend_name() == "postgresql":
            self.backend = "postgis"
            self._engine = create_engine(
                parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True
            )
        else:
            raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")
        self._driver_sql: dict[Select[Any], tuple[str, tuple[str, ...] | None]] = {}
        try:
            with self._write_transaction() as conn:
                create_or_upgrade(conn, self.backend)
        except StoreUnavailableError as exc:
            self._engine.dispose()
            if isinstance(exc.__cause__, OperationalError):
                raise StoreUnavailableError(f"cannot open the {self.backend} store") from exc
            raise
        except BaseException:
            # a store that failed to open is never returned: release its pooled connections
            self._engine.dispose()
            raise

    @property
    def engine(self) -> Engine:
        """Return the SQLAlchemy engine (for tests and maintenance scripts)."""
        return self._engine

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """Read in one transaction: one consistent snapshot, no lock taken."""
        try:
            with self._engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreUnavailableError("the database refused the operation") from exc

    def _driver_rows(
        self, statement: Select[Any], params: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Run a hot read (one statement built once, at module level) straight on the driver.

        The statement is compiled to this database's SQL on its first use and kept; each call
        then skips what SQLAlchemy does around a statement (building and caching it, the
        ``BEGIN``/``COMMIT`` pair: one statement is its own consistent snapshot). Values come
        back as the driver gives them: on SQLite a time is text (:func:`~.rows.aware` reads
        it).
        """
        if statement not in self._driver_sql:
            compiled = statement.compile(dialect=self._engine.dialect)
            names = tuple(compiled.positiontup or ()) if compiled.positional else None
            self._driver_sql[statement] = (compiled.string, names)
        sql, names = self._driver_sql[statement]
        args: Any = [params[name] for name in names] if names is not None else dict(params)
        dbapi_error = self._engine.dialect.loaded_dbapi.OperationalError
        try:
            with self._engine.connect() as conn:
                driver: Any = conn.connection.dbapi_connection
                # PostgreSQL: no transaction around the one statement, so none to roll back
                # when the connection goes back to the pool (one round trip less)
                autocommit = self.backend == "postgis"
                if autocommit:
                    driver.autocommit = True
                cursor = driver.cursor()
                try:
                    cursor.execute(sql, args)
                    columns = [column[0] for column in cursor.description]
                    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
                finally:
                    cursor.close()
                    if autocommit:
                        driver.autocommit = False
        except (OperationalError, dbapi_error) as exc:
            raise StoreUnavailableError("the database refused the operation") from exc

    @contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        """Write in one transaction that may read first and then write on what it read.

        On SQLite the transaction holds the write lock from its ``BEGIN IMMEDIATE``, before its
        first read (a deferred transaction would read a snapshot another writer can make stale);
        on PostgreSQL the rows it reads to change are locked (:func:`~.rows.locked_row`).
        """
        try:
            with self._engine.connect() as conn:
                conn.execution_options(**{_WRITE_OPTION: True})
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            raise StoreUnavailableError("the database refused the operation") from exc


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # the driver's own transaction handling is off: _begin_sqlite says when and how to begin
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    """Begin every transaction explicitly: a writer's takes the write lock at once."""
    immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
