"""Opening a database: URL resolution, SQLite pragmas, transactions, upgrade at start.

SQLite runs in WAL mode with foreign keys on. Write transactions start with
``BEGIN IMMEDIATE`` so they take the write lock up front: two processes that
issue invoices at the same moment queue on the lock instead of both reading the
same next number. Read transactions start deferred and never block writers.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from invoicedesk.core.errors import DamagedDatabaseError, DatabaseBusyError
from invoicedesk.db.failures import BUSY_MESSAGE, DAMAGED_MESSAGE, environment_failure

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# How long a write waits for another program's lock (milliseconds); tests shorten it.
BUSY_TIMEOUT_ENV = "INVOICEDESK_BUSY_TIMEOUT_MS"
# The newest migration's revision. Checking it with one query lets an up-to-date database
# open without importing Alembic (a test keeps it in step with the migration scripts).
SCHEMA_HEAD = "0003"
# Opening a file takes statistics of it from this many invoices on (imports and the demo
# take them after their bulk work at any size).
ANALYZE_FROM = 1_000


def database_url(path_or_url: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL for a file path (made absolute) or an URL passed through unchanged."""
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def busy_timeout_ms() -> int:
    """The busy timeout: ``$INVOICEDESK_BUSY_TIMEOUT_MS`` when set to a whole number, else 30 s."""
    value = os.environ.get(BUSY_TIMEOUT_ENV, "")
    return int(value) if value.isascii() and value.isdigit() else BUSY_TIMEOUT_MS


def _configure_sqlite(engine: Engine, timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's own transaction handling is too late
        # for BEGIN IMMEDIATE and skips DDL).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed transaction survives a power cut too. NORMAL could lose the
            # last commits — an issued number, or the "sending" mark of a mail that then
            # goes out twice. Desktop write volume makes the extra fsync cheap.
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def _environment_failures(timeout_ms: int) -> Iterator[None]:
    try:
        yield
    except (DBAPIError, sqlite3.DatabaseError, OSError) as exc:
        failure = environment_failure(exc, timeout_ms / 1000)
        if failure is None:
            raise
        raise failure from exc


class Database:
    """One database: an engine plus read and write transactions for the services."""

    def __init__(self, url: str) -> None:
        self.url = database_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.busy_timeout_ms = busy_timeout_ms()
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {
                "timeout": self.busy_timeout_ms / 1000,
                "check_same_thread": False,
            }
        self.engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine, self.busy_timeout_ms)
            write_engine: Engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            write_engine = self.engine
        # Writes wait while the file is being checked at start, and are refused for good
        # once it is found damaged (hold_writes / allow_writes / refuse_writes).
        self._writes_allowed = threading.Event()
        self._writes_allowed.set()
        self._damage: str | None = None
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(write_engine, expire_on_commit=False)

    @property
    def path(self) -> Path | None:
        """The database file for SQLite files, else None."""
        parsed = make_url(self.url)
        if not self.is_sqlite or parsed.database in (None, "", ":memory:"):
            return None
        return Path(parsed.database)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits at the end, rolls back everything on any error.

        A lock held by another program longer than the busy timeout, a full disk or an I/O
        error leave as :class:`~invoicedesk.core.errors.EnvironmentFailure` ("try again"),
        not as a driver error that reads like a bug.
        """
        self._require_writable()
        with _environment_failures(self.busy_timeout_ms):
            with self._write_sessions() as session, session.begin():
                yield session

    def hold_writes(self) -> None:
        """Make writes wait (while the file is checked at start)."""
        self._writes_allowed.clear()

    def allow_writes(self) -> None:
        self._writes_allowed.set()

    def refuse_writes(self, damage: str) -> None:
        """The file is damaged: every write from now on fails with DamagedDatabaseError."""
        self._damage = damage
        self._writes_allowed.set()

    @property
    def damage(self) -> str | None:
        """What the check at start found wrong with the file (None: nothing)."""
        return self._damage

    def _require_writable(self) -> None:
        if not self._writes_allowed.wait(self.busy_timeout_ms / 1000):
            raise DatabaseBusyError(
                BUSY_MESSAGE.format(seconds=f"{self.busy_timeout_ms / 1000:g}")
            )
        if self._damage is not None:
            raise DamagedDatabaseError(DAMAGED_MESSAGE.format(detail=self._damage))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (a deferred transaction, rolled back at the end)."""
        with _environment_failures(self.busy_timeout_ms):
            with self._read_sessions() as session:
                try:
                    yield session
                finally:
                    session.rollback()

    def analyze(self) -> None:
        """Refresh SQLite's statistics, so the planner picks the right index (after bulk writes).

        Statistics are only ever taken of data: on a file without invoices they are removed
        instead. Taken on empty tables they mislead the planner for good — a table
        "known" to hold two rows is scanned, not searched (the search index's upkeep then
        read a whole table for every invoice written).
        """
        if not self.is_sqlite or self._damage is not None:
            return
        try:
            self._refresh_statistics()
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            # Housekeeping after work that is committed already: a full disk or a lock here
            # must not turn that work into "nothing was changed". The planner copes with
            # old figures until the next refresh.
            log.warning("The planner's statistics could not be refreshed: %s", exc)
            return
        self.engine.dispose()  # pooled connections read the statistics when they open

    def _refresh_statistics(self) -> None:
        with self.engine.connect() as connection:
            if _has_invoices(connection):
                connection.exec_driver_sql("ANALYZE")
                # The search index's shadow tables are only ever read by rowid, which is
                # right at any size; figures of them only tempt the planner to scan.
                connection.exec_driver_sql(
                    "DELETE FROM sqlite_stat1 WHERE tbl LIKE 'invoice\\_search%' ESCAPE '\\'"
                )
            elif _has_stat_table(connection):
                connection.exec_driver_sql("DELETE FROM sqlite_stat1")
            connection.commit()

    def statistics_are_stale(self) -> bool:
        """No statistics for a file with invoices, or statistics taken before there were any."""
        if not self.is_sqlite:
            return False
        with self.engine.connect() as connection:
            has_invoices = _has_invoices(connection)
            if not _has_stat_table(connection):
                if not has_invoices:
                    return False
                newest = connection.exec_driver_sql("SELECT max(id) FROM invoices").scalar()
                return int(newest or 0) >= ANALYZE_FROM
            described = connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'invoices' LIMIT 1"
            ).scalar()
            anything = connection.exec_driver_sql("SELECT 1 FROM sqlite_stat1 LIMIT 1").first()
            if not has_invoices:
                return anything is not None  # taken on empty tables
            newest = int(connection.exec_driver_sql("SELECT max(id) FROM invoices").scalar() or 0)
            if newest < ANALYZE_FROM:
                return False  # small: any plan is fast; opening a file should not write to it
            if described is None:
                return True  # taken before there were invoices
            counted = int(str(described).split()[0] or 0)
        return counted * 10 < newest  # taken when the file was a tenth of its size

    def has_statistics(self) -> bool:
        if not self.is_sqlite:
            return True
        with self.engine.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first()
        return found is not None

    def dispose(self) -> None:
        if self.is_sqlite:
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA optimize")
            except Exception:  # noqa: BLE001 - closing must not fail over housekeeping
                pass
        self.engine.dispose()


def stored_revision(database: Database) -> str | None:
    """The schema revision recorded in the database (None for a new or foreign file)."""
    try:
        with database.engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError:  # no alembic_version table yet
        return None


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open (and create or upgrade, by default) the database at ``url``."""
    database = Database(url)
    if upgrade and stored_revision(database) != SCHEMA_HEAD:
        from invoicedesk.db.migrate import upgrade_database

        upgrade_database(database)
    if upgrade and database.statistics_are_stale():
        # Without statistics SQLite may sort 100,000 rows instead of walking an index; with
        # statistics of empty tables it scans where it should search.
        database.analyze()
    return database


def _has_stat_table(connection: Any) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).first()
    return found is not None


def _has_invoices(connection: Any) -> bool:
    try:
        return connection.exec_driver_sql("SELECT 1 FROM invoices LIMIT 1").first() is not None
    except OperationalError:  # not an InvoiceDesk schema (yet)
        return False
