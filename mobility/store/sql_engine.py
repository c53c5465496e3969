# SPDX-License-Identifier: MIT
"""The store's connections: one engine per database URL, and transactions that read or write.

How concurrent writers are kept apart is the one thing the two engines do differently. SQLite
has one write lock for the whole file: a writer takes it when its transaction begins (``BEGIN
IMMEDIATE``), so nothing commits between what it reads and what it writes, while readers go on
in WAL mode. PostgreSQL locks the rows a writer reads (``SELECT ... FOR UPDATE``), and every
conditional write also checks the revision it read in its own ``WHERE``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, Select, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import ConnectionPoolEntry

from mobility.errors import StoreUnavailableError
from mobility.store.migration import create_or_upgrade

_WRITE_OPTION = "mobility_write"
"""Execution option marking a connection whose transaction will write (BEGIN IMMEDIATE)."""

DEFAULT_POOL_SIZE = 10
"""Connections each process keeps open (``MOBILITY_DATABASE_POOL_SIZE``)."""

IDLE_PING_S = 10.0
"""A PostgreSQL connection unused for longer is checked (``SELECT 1``) before it is lent."""

UNAVAILABLE = (OperationalError, PoolTimeoutError)
"""What says the database cannot serve now: refused or lost, or no connection free in time."""

_CHECKED_IN_AT = "mobility_checked_in_at"
"""Where a pooled connection's record keeps when it was last given back."""


class SqlConnections:
    """An engine over SQLite or PostGIS, its schema created or brought up to date."""

    def __init__(self, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        """Open the engine with a pool of ``pool_size`` connections, opened as they are needed.

        The pool never opens more (no overflow): a request finding every connection lent waits
        for one. Under a load wider than the pool, overflow connections would be opened and
        closed for nearly every request, and a new PostgreSQL connection is a new server process:
        measured at 16 concurrent requests on one worker, the churn and the ping before each
        checkout took more of the machine than the reads themselves.
        """
        parsed = make_url(url)
        self.backend: Literal["sqlite", "postgis"]
        pooling: dict[str, Any] = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": 30}
        if parsed.get_backend_name() == "sqlite":
            self.backend = "sqlite"
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            if parsed.database in (None, "", ":memory:"):
                pooling = {}  # one in-memory database per connection: SQLAlchemy's own pool
            self._engine = create_engine(parsed, connect_args={"timeout": 30}, **pooling)
            event.listen(self._engine, "connect", _configure_sqlite)
            event.listen(self._engine, "begin", _begin_sqlite)
        elif parsed.get_backend_name() == "postgresql":
            self.backend = "postgis"
            self._engine = create_engine(parsed.set(drivername="postgresql+psycopg"), **pooling)
            event.listen(self._engine, "checkin", _note_checkin)
            event.listen(self._engine, "checkout", self._ping_if_idle)
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

    def _ping_if_idle(
        self, dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any
    ) -> None:
        """Check a connection that sat unused before lending it; a dead one is replaced.

        The check is what SQLAlchemy's ``pool_pre_ping`` does before every checkout, kept for
        the connections it protects: those idle long enough for the server to have restarted
        or a firewall to have dropped them. A connection in steady use is lent as it is; were
        the server to go away under load, the request using it fails (503) and SQLAlchemy
        invalidates the whole pool, so the next ones connect afresh.
        """
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_PING_S:
            return
        try:
            self._engine.dialect.do_ping(dbapi_connection)
        except self._engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the pooled connection no longer answers") from exc

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
        except UNAVAILABLE as exc:
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
        except (*UNAVAILABLE, dbapi_error) as exc:
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
        except UNAVAILABLE as exc:
            raise StoreUnavailableError("the database refused the operation") from exc


def _note_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_CHECKED_IN_AT] = time.monotonic()


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
