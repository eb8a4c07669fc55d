"""Opening a database: URL resolution, transactions, the write gate, upgrade at start.

What each engine does its own way (SQLite: WAL, foreign keys, ``BEGIN IMMEDIATE`` so
two issuers queue on the write lock instead of both reading the same next number) is
``Database.storage`` (db/storage.py). Read transactions start deferred and never block
writers.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from invoicedesk.core.errors import DamagedDatabaseError, DatabaseBusyError
from invoicedesk.db.failures import DAMAGED_MESSAGE, busy_message, environment_failure
from invoicedesk.db.storage import storage_for
from invoicedesk.i18n import tr

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# How long a write waits for another program's lock (milliseconds); tests shorten it.
BUSY_TIMEOUT_ENV = "INVOICEDESK_BUSY_TIMEOUT_MS"
# The newest migration's revision. Checking it with one query lets an up-to-date database
# open without importing Alembic (a test keeps it in step with the migration scripts).
SCHEMA_HEAD = "0004"


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
        # Everything the engines do their own way (db/storage.py).
        self.storage = storage_for(parsed.get_backend_name())
        self.busy_timeout_ms = busy_timeout_ms()
        connect_args = self.storage.connect_args(self.busy_timeout_ms)
        self.engine = create_engine(self.url, connect_args=connect_args)
        write_engine = self.storage.configure(self.engine, self.busy_timeout_ms)
        # Writes wait while the file is being checked at start, and are refused for good
        # once it is found damaged (hold_writes / allow_writes / refuse_writes).
        self._writes_allowed = threading.Event()
        self._writes_allowed.set()
        self._damage: str | None = None
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(write_engine, expire_on_commit=False)

    @property
    def in_memory(self) -> bool:
        """A database that exists in this process only (other processes cannot open it)."""
        return self.is_sqlite and make_url(self.url).database in (None, "", ":memory:")

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
            raise DatabaseBusyError(busy_message(self.busy_timeout_ms / 1000))
        if self._damage is not None:
            raise DamagedDatabaseError(tr(DAMAGED_MESSAGE).format(detail=self._damage))

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
        if self._damage is not None or not self._writes_allowed.is_set():
            return
        try:
            with self.engine.connect() as connection:
                self.storage.refresh_statistics(connection)
        except (DBAPIError, sqlite3.DatabaseError) as exc:
            # Housekeeping after work that is committed already: a full disk or a lock here
            # must not turn that work into "nothing was changed". The planner copes with
            # old figures until the next refresh.
            log.warning("The planner's statistics could not be refreshed: %s", exc)
            return
        self.engine.dispose()  # pooled connections read the statistics when they open

    def statistics_are_stale(self) -> bool:
        """Whether the planner's statistics no longer describe the data (see storage)."""
        with self.engine.connect() as connection:
            return self.storage.statistics_are_stale(connection)

    def dispose(self) -> None:
        # Housekeeping writes only to a file known to be sound (not while it is checked).
        if self._damage is None and self._writes_allowed.is_set():
            try:
                with self.engine.connect() as connection:
                    self.storage.on_close(connection)
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
