"""Rows for the bulk use cases: many records written with one ``executemany`` per table.

The bulk use cases (``invoice_batches.add_drafts``/``add_invoices``/``issue_many``/…,
``payments.record_payments``) validate and compute every record with the same functions
as the single-record use cases and then write the resulting rows here, inside the
caller's write transaction. Values are bound the way SQLAlchemy binds them (each
column type's bind processor, the column's scalar default for a missing value), but
through the driver: SQLAlchemy's per-row parameter handling costs more than SQLite's
insert itself.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any, cast

from sqlalchemy import JSON, Date, DateTime, Dialect, Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from invoicedesk.db.models import Base, load_all
from invoicedesk.db.storage import storage_of
from invoicedesk.db.types import ExactDecimal, UTCDateTime, utcnow
from invoicedesk.services.audit import _actor

Row = dict[str, Any]


class Json(str):
    """A JSON value serialised once (a snapshot shared by many rows)."""


# Amounts repeat (rates, quantities, catalogue prices): each is scaled once. Only Decimal
# keys: a float equal to a cached Decimal would otherwise slip past the refusal below.
_SCALED: dict[Decimal, int] = {}


def _scaled(value: Any) -> int | None:
    """What :class:`~invoicedesk.db.types.ExactDecimal` stores: the value in 1/10,000."""
    if value.__class__ is Decimal:
        found = _SCALED.get(value)
        if found is not None:
            return found
        if len(_SCALED) >= 100_000:
            _SCALED.clear()
        number = _SCALED[value] = _scale(value)
        return number
    return None if value is None else _scale(value)


_TEN_THOUSAND = Decimal(10_000)


def _scaled_column(column: Sequence[Any]) -> tuple[int | None, ...]:
    """:func:`_scaled` of a whole column. A column of Decimals only (most: quantities,
    prices, totals) is scaled in C loops (``map``), without a Python call per value."""
    if set(map(type, column)) == {Decimal}:
        scaled = tuple(map(_TEN_THOUSAND.__mul__, column))  # (a fifth place fails the check)
        numbers = tuple(map(int, scaled))
        if numbers == scaled:  # (int == Decimal, value by value)
            return numbers
    return tuple(map(_scaled, column))  # NULLs, other types, or a value to refuse


def _scale(value: Any) -> int:
    if value.__class__ is not Decimal:
        if isinstance(value, float):
            raise TypeError("money must be Decimal, not float")
        value = Decimal(value)
    if not value:
        return 0
    scaled = value.scaleb(4)
    number = int(scaled)
    if number != scaled:
        raise ValueError(f"{value} has more than four decimal places")
    return number


def _json(value: object) -> str | None:
    if value is None or isinstance(value, Json):
        return value
    return "{}" if value == {} else json.dumps(value)  # most audit entries have no details


# Moments repeat (an invoice's creation, its audit entry and its ``updated_at``): each is
# written out once. Equal instants give equal UTC text, so a value key is exact.
_MOMENTS: dict[dt.datetime, str] = {}


def _moment(value: Any) -> str | None:
    """What :class:`~invoicedesk.db.types.UTCDateTime` stores: UTC ISO text."""
    found = _MOMENTS.get(value)
    if found is not None:
        return found
    if value is None:
        return None
    if len(_MOMENTS) >= 100_000:
        _MOMENTS.clear()
    text: str | None
    if value.tzinfo is dt.UTC:  # (already UTC: the type's text without converting)
        text = value.isoformat(timespec="microseconds")
    else:
        text = _UTC_TEXT(value, _NO_DIALECT)  # (it asks for no dialect)
    if text is not None:
        _MOMENTS[value] = text
    return text


_UTC_TEXT = UTCDateTime().process_bind_param
_NO_DIALECT = cast(Dialect, None)


def _each(convert: Callable[[Any], Any]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A column converter that applies ``convert`` to every value (``map``, in C)."""

    def converted(column: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(map(convert, column))

    return converted


def _or_none(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` for a value that may be None (NULL stays NULL)."""

    def converted(value: Any) -> Any:
        return None if value is None else convert(value)

    return converted


class PausedCollector:
    """Python's automatic garbage collection paused for a long bulk job.

    A batch keeps thousands of rows alive while it is built, so they survive young
    collections and reach the oldest generation, whose full collections then scan the
    whole heap again and again (a third of the demo's CPU time). Bulk work makes few
    reference cycles: :meth:`collect` after each batch clears them from the young
    generations. Where collection is already off (the GUI collects on its own thread,
    ``ui.gc_guard``) nothing changes and nothing is collected here.
    """

    def __init__(self) -> None:
        self.paused = False

    def __enter__(self) -> PausedCollector:
        self.paused = gc.isenabled()
        if self.paused:
            gc.disable()
        return self

    def collect(self) -> None:
        """Collect what the last batch left in cycles (when this paused collection)."""
        if self.paused:
            gc.collect(1)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.paused:
            gc.enable()
            self.paused = False


_NOW: Any = object()  # a column whose default is a callable (timestamps): the moment written


class TableWriter:
    """``executemany`` of one table's rows, bound as SQLAlchemy binds them."""

    @classmethod
    def of(cls, table: Table, connection: Connection) -> TableWriter:
        """The writer of ``table`` (made once per table and dialect: small bulk calls, such
        as a few credit notes, would otherwise spend more on it than on their rows)."""
        key = (table.name, type(connection.dialect))
        writer = _WRITERS.get(key)
        if writer is None or writer.table is not table:
            writer = _WRITERS[key] = cls(table, connection)
        return writer

    def __init__(self, table: Table, connection: Connection) -> None:
        dialect = connection.dialect
        self.table = table
        self.names = [column.name for column in table.columns]
        self.getter = operator.itemgetter(*self.names)
        self.fallbacks: list[tuple[str, Any]] = []
        for column in table.columns:
            default = column.default
            fallback = None
            if default is not None and getattr(default, "is_scalar", False):
                fallback = getattr(default, "arg", None)
            elif default is not None:  # a callable default (timestamps): now
                fallback = _NOW
            self.fallbacks.append((column.name, fallback))
        quote = dialect.identifier_preparer.quote
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in self.names)}) "
            f"VALUES ({', '.join('?' for _ in self.names)})"
        )
        # Per column that needs it: its converter, applied to the whole column.
        self.converters: list[tuple[int, Callable[[Sequence[Any]], tuple[Any, ...]]]] = []
        for position, column in enumerate(table.columns):
            kind = column.type
            if isinstance(kind, ExactDecimal):
                self.converters.append((position, _scaled_column))  # None stays None
                continue
            converter: Callable[[Any], Any] | None
            if isinstance(kind, JSON):
                converter = _json  # None stays None
            elif isinstance(kind, UTCDateTime):
                converter = _moment  # None stays None
            elif isinstance(kind, Date) and not isinstance(kind, DateTime):
                converter = _or_none(dt.date.isoformat)
            else:
                processor = kind.bind_processor(dialect)
                converter = _or_none(processor) if processor is not None else None
            if converter is not None:
                self.converters.append((position, _each(converter)))

    def values(self, rows: Iterable[Row]) -> list[tuple[Any, ...]]:
        """The rows as parameter tuples: a column a row leaves out takes its default, and
        each column is converted as a whole (``map``, not a Python loop per value)."""
        getter = self.getter
        now = utcnow()
        defaults = {name: now if value is _NOW else value for name, value in self.fallbacks}
        width = len(defaults)
        records = [getter(row if len(row) == width else {**defaults, **row}) for row in rows]
        if not records or not self.converters:
            return records
        columns = list(zip(*records, strict=True))
        for position, convert in self.converters:
            columns[position] = convert(columns[position])
        return list(zip(*columns, strict=True))


_WRITERS: dict[tuple[str, type[Any]], TableWriter] = {}


class Rows:
    """Rows waiting to be written, by table, and the ids they take (one write transaction
    holds the write lock, so the next free ids cannot be taken by anyone else)."""

    # Parents before children: foreign keys are checked per statement.
    ORDER = (
        "invoices",
        "invoice_lines",
        "invoice_allowances_charges",
        "invoice_taxes",
        "invoice_tags",
        "payments",
        "audit_log",
    )

    def __init__(self, session: Session) -> None:
        self.session = session
        self.connection = session.connection()
        self.storage = storage_of(session)
        self.rows: dict[str, list[Row]] = {}
        self._next: dict[str, int] = {}

    def id(self, table: str) -> int:
        """The next id of ``table`` (an AUTOINCREMENT table never reuses a deleted row's)."""
        value = self._next.get(table)
        if value is None:
            load_all()  # every table by name (the models load when first used)
            column = Base.metadata.tables[table].c.id
            top = int(self.session.scalar(select(func.max(column))) or 0)
            given = self.storage.last_assigned_id(self.connection, table)
            value = max(top, given) + 1
        self._next[table] = value + 1
        return value

    def ids(self, table: str, count: int) -> range:
        """The next ``count`` ids of ``table`` (:meth:`id` ``count`` times)."""
        if count <= 0:
            return range(0)
        first = self.id(table)
        self._next[table] = first + count
        return range(first, first + count)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)

    def extend(self, table: str, rows: Iterable[Row]) -> None:
        self.rows.setdefault(table, []).extend(rows)

    def audit(
        self,
        at: dt.datetime | None,
        entity_id: int,
        action: str,
        summary: str,
        *,
        entity: str = "invoice",
        from_state: str = "",
        to_state: str = "",
        details: dict[str, object] | None = None,
    ) -> None:
        """An audit entry as :func:`services.audit.record` writes it."""
        self.add(
            "audit_log",
            {
                "id": self.id("audit_log"),
                "at": at or utcnow(),
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "details": details or {},
                "actor": _actor(),
                "summary": summary,
            },
        )

    def update(self, table: str, keys: Sequence[str], rows: Sequence[Row]) -> None:
        """``UPDATE table SET keys… WHERE id = :id`` for each row (written at :meth:`write`)."""
        keys = [key for key in keys if key != "id"]  # never "SET id": FK checks of every child
        if rows:
            self.add(f"update:{table}:{','.join(keys)}", {"rows": rows})

    def write(self) -> None:
        """Insert the waiting rows, parents first, then run the waiting updates."""
        rows, self.rows = self.rows, {}
        load_all()
        tables = Base.metadata.tables
        for name in self.ORDER:
            if rows.get(name):
                writer = TableWriter.of(tables[name], self.connection)
                self.connection.exec_driver_sql(writer.sql, writer.values(rows[name]))
        for key, waiting in rows.items():
            if not key.startswith("update:"):
                continue
            _, name, columns = key.split(":")
            keys = columns.split(",")
            writer = TableWriter.of(tables[name], self.connection)
            assignments = ", ".join(f'"{k}" = ?' for k in keys)
            sql = f'UPDATE "{name}" SET {assignments} WHERE id = ?'
            getter = operator.itemgetter(*keys, "id")
            records = [getter(row) for batch in waiting for row in batch["rows"]]
            converters = dict(writer.converters)
            convert = [converters.get(writer.names.index(k)) for k in keys]
            values = list(zip(*records, strict=True))  # column by column, as for inserts
            for position, converter in enumerate(convert):
                if converter is not None:
                    values[position] = converter(values[position])
            self.connection.exec_driver_sql(sql, list(zip(*values, strict=True)))
