"""What differs between database engines, behind one small interface.

Services never branch on the dialect: they ask the :class:`Storage` of their database
(``db.storage``, or :func:`storage_of` a session) for what each engine does its own way —
connection setup and the write lock, the search index, locking a number sequence, bulk
writing, the last id a table gave out, the planner's statistics. :class:`Storage` holds
the standard-SQL answers; :class:`SqliteStorage` gives SQLite's (WAL, ``BEGIN IMMEDIATE``,
an FTS5 trigram index kept by triggers, ``sqlite_sequence``, ``ANALYZE``). A PostgreSQL
storage (office mode) is one more subclass: row locks, ``pg_trgm`` and the like.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    String,
    bindparam,
    column,
    event,
    func,
    select,
    table,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from invoicedesk.db import search_index

T = TypeVar("T")

# From this many invoices on, opening a file refreshes stale statistics (below, any plan
# is fast, and opening a file should not write to it).
ANALYZE_FROM = 1_000


class Storage:
    """The standard-SQL behaviour, right for any engine SQLAlchemy supports."""

    name = "generic"

    def connect_args(self, busy_timeout_ms: int) -> dict[str, Any]:
        """Extra arguments for the driver's connect()."""
        return {}

    def configure(self, engine: Engine, busy_timeout_ms: int) -> Engine:
        """Set up each new connection; returns the engine write transactions run on."""
        return engine

    # ------------------------------------------------------------------ search

    def search_condition(self, invoice_id: Any, term: str) -> ColumnElement[bool] | None:
        """A condition on ``invoice_id`` answered by the search index for ``term``, or None
        when the index cannot answer it (the caller falls back to ``LIKE``). ``invoice_id``
        may be an expression of the id (``Invoice.id + 0``) to have each row checked
        against the matches rather than the matches drive the query."""
        return None

    def search_hits(self, session: Session, term: str) -> int | None:
        """How many invoices :meth:`search_condition` finds for ``term``, cheaply from the
        index; None when unknown."""
        return None

    def search_anywhere(self, invoice_id: Any, text: str) -> ColumnElement[bool] | None:
        """A condition on ``invoice_id`` true at least for every invoice whose searchable
        text contains ``text`` (more is fine: it narrows a ``LIKE``); None: no help."""
        return None

    def client_order(self) -> tuple[Any, ColumnElement[Any]] | None:
        """A table whose ``id`` is the invoice id and its column that orders invoices by the
        client shown (case and accents ignored); None: the caller sorts by the name itself."""
        return None

    def among(self, column: Any, name: str) -> ColumnElement[bool]:
        """``column`` is one of the ids given as the parameter ``name`` (a list of ints)."""
        return column.in_(bindparam(name, expanding=True))  # type: ignore[no-any-return]

    def column_values(self, session: Session, query: Select[Any]) -> list[Any]:
        """The first column of every row of ``query``, in its order (the list's ids), straight
        from the driver: SQLAlchemy's per-row result handling costs four times the query
        itself for 100,000 ids."""
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute(_literal_sql(query, session.get_bind().dialect))
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.close()

    @contextmanager
    def bulk_writes(self, session: Session) -> Iterator[None]:
        """Around bulk work in the caller's transaction (the index kept by hand, a big
        page cache …); nothing here."""
        yield

    def index_added(self, session: Session, ids: Iterable[int]) -> None:
        """Invoices inserted inside :meth:`bulk_writes`."""

    def index_changed(self, session: Session, ids: Iterable[int]) -> None:
        """Invoices whose searchable text changed inside :meth:`bulk_writes`."""

    # ------------------------------------------------------------------ numbers and ids

    def locked(self, query: Select[T]) -> Select[T]:
        """``query`` reading a number sequence, locked for the issuing transaction."""
        return query.with_for_update()

    def last_assigned_id(self, connection: Connection, table_name: str) -> int:
        """The highest id ``table_name`` gave out so far (0 when none)."""
        newest = connection.execute(
            select(func.max(column("id"))).select_from(table(table_name))
        ).scalar()
        return int(newest or 0)

    # ------------------------------------------------------------------ statistics

    def statistics_are_stale(self, connection: Connection) -> bool:
        return False

    def refresh_statistics(self, connection: Connection) -> None:
        """Refresh the planner's statistics (after bulk work)."""

    def on_close(self, connection: Connection) -> None:
        """Housekeeping when the last connection closes."""


class SqliteStorage(Storage):
    name = "sqlite"

    def connect_args(self, busy_timeout_ms: int) -> dict[str, Any]:
        return {"timeout": busy_timeout_ms / 1000, "check_same_thread": False}

    def configure(self, engine: Engine, busy_timeout_ms: int) -> Engine:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let us issue BEGIN ourselves (pysqlite's own transaction handling is too late
            # for BEGIN IMMEDIATE and skips DDL).
            dbapi_connection.isolation_level = None
            search_index.register(dbapi_connection)  # the index's triggers fold text with it
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            if engine.url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode = WAL")
                # FULL: a committed transaction survives a power cut too. NORMAL could lose
                # the last commits — an issued number, or the "sending" mark of a mail that
                # then goes out twice. Desktop write volume makes the extra fsync cheap.
                cursor.execute("PRAGMA synchronous = FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        # Writes take the database's write lock from their first statement: two issuers
        # queue on it instead of both reading the same next number.
        return engine.execution_options(sqlite_begin="IMMEDIATE")

    # ------------------------------------------------------------------ search

    def search_condition(self, invoice_id: Any, term: str) -> ColumnElement[bool] | None:
        # Folded terms looked up in the folded index: three characters or more anywhere
        # (trigrams), one or two at the start of the number or the client (indexed ranges).
        return search_index.condition(invoice_id, term)

    def search_hits(self, session: Session, term: str) -> int | None:
        return search_index.hits(session, term)

    def search_anywhere(self, invoice_id: Any, text: str) -> ColumnElement[bool] | None:
        return search_index.anywhere(invoice_id, text)

    def client_order(self) -> tuple[Any, ColumnElement[Any]] | None:
        keys = search_index.SORT
        return keys, keys.c.client

    def among(self, column: Any, name: str) -> ColumnElement[bool]:
        # One parameter (a JSON array) instead of one per id: a block of 200 ids is not
        # rendered into the statement anew each time.
        ids = func.json_each(bindparam(name, type_=_JsonIds())).table_valued("value")
        return column.in_(select(ids.c.value))  # type: ignore[no-any-return]

    def column_values(self, session: Session, query: Select[Any]) -> list[Any]:
        # One JSON array built by SQLite instead of a row per value: 100,000 ids in about
        # 60 % of the time. The aggregate reads the subquery in its ORDER BY order (SQLite
        # never flattens an ordered subquery into an aggregate; tests check the order).
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute(_literal_sql(_json_array(query), session.get_bind().dialect))
            found = cursor.fetchone()  # one row, even for no values ("[]")
            return list(json.loads(found[0])) if found else []
        finally:
            cursor.close()

    @contextmanager
    def bulk_writes(self, session: Session) -> Iterator[None]:
        with search_index.deferred(session), _large_cache(session):
            yield

    def index_added(self, session: Session, ids: Iterable[int]) -> None:
        search_index.added(session, ids)

    def index_changed(self, session: Session, ids: Iterable[int]) -> None:
        search_index.changed(session, ids)

    # ------------------------------------------------------------------ numbers and ids

    def locked(self, query: Select[T]) -> Select[T]:
        return query  # the write transaction holds the whole database's lock already

    def last_assigned_id(self, connection: Connection, table_name: str) -> int:
        """From ``sqlite_sequence``: AUTOINCREMENT never gives a deleted row's id again."""
        found = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
        ).first()
        if found is None:
            return 0
        seq = connection.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table_name,)
        ).scalar()
        return int(seq or 0)

    # ------------------------------------------------------------------ statistics

    def statistics_are_stale(self, connection: Connection) -> bool:
        """No statistics for a file with invoices, or statistics taken before there were
        any (or when the file was a tenth of its size)."""
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
        return counted * 10 < newest

    def refresh_statistics(self, connection: Connection) -> None:
        """Statistics are only ever taken of data: on a file without invoices they are
        removed instead. Taken on empty tables they mislead the planner for good — a table
        "known" to hold two rows is scanned, not searched (the search index's upkeep then
        read a whole table for every invoice written)."""
        if _has_invoices(connection):
            connection.exec_driver_sql("ANALYZE")
            # The search index's shadow tables are only ever read by rowid, which is right
            # at any size; figures of them only tempt the planner to scan. (Not the sort
            # keys: the client sort walks their index, chosen by their figures.)
            connection.exec_driver_sql(
                "DELETE FROM sqlite_stat1 WHERE tbl LIKE 'invoice\\_search%' ESCAPE '\\'"
                f" AND tbl <> '{search_index.SORT_TABLE}'"
            )
        elif _has_stat_table(connection):
            connection.exec_driver_sql("DELETE FROM sqlite_stat1")
        connection.commit()

    def on_close(self, connection: Connection) -> None:
        connection.exec_driver_sql("PRAGMA optimize")


class _JsonIds(TypeDecorator[list[int]]):
    """A list of ids bound as one JSON array (for ``json_each``)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps([int(v) for v in value])


@functools.lru_cache(maxsize=64)  # the list's queries come back (built once, see services)
def _literal_sql(query: Select[Any], dialect: Dialect) -> str:
    """``query`` as SQL text with its values written in (the planner sees them)."""
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


@functools.lru_cache(maxsize=64)
def _json_array(query: Select[Any]) -> Select[Any]:
    found = query.subquery()
    return select(func.json_group_array(next(iter(found.c))))


@contextmanager
def _large_cache(session: Session, mebibytes: int = 256) -> Iterator[None]:
    """A page cache big enough for a bulk transaction: SQLite's default 2 MB spills the
    transaction's pages to the WAL and reads them back for every later update."""
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-1024 * mebibytes}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _has_stat_table(connection: Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).first()
    return found is not None


def _has_invoices(connection: Connection) -> bool:
    from sqlalchemy.exc import OperationalError

    try:
        return connection.exec_driver_sql("SELECT 1 FROM invoices LIMIT 1").first() is not None
    except OperationalError:  # not an InvoiceDesk schema (yet)
        return False


_STORAGES: dict[str, Storage] = {"sqlite": SqliteStorage()}
_GENERIC = Storage()


def storage_for(backend: str) -> Storage:
    """The storage of a SQLAlchemy backend name ("sqlite", "postgresql" …)."""
    return _STORAGES.get(backend, _GENERIC)


def storage_of(session: Session) -> Storage:
    """The storage of the database ``session`` works on."""
    return storage_for(session.get_bind().dialect.name)
