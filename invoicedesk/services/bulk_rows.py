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
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from invoicedesk.db.models import Base
from invoicedesk.db.storage import storage_of
from invoicedesk.db.types import ExactDecimal, utcnow
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


def _or_none(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` for a value that may be None (NULL stays NULL)."""

    def converted(value: Any) -> Any:
        return None if value is None else convert(value)

    return converted


class TableWriter:
    """``executemany`` of one table's rows, bound as SQLAlchemy binds them."""

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
                fallback = utcnow()
            self.fallbacks.append((column.name, fallback))
        quote = dialect.identifier_preparer.quote
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in self.names)}) "
            f"VALUES ({', '.join('?' for _ in self.names)})"
        )
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for position, column in enumerate(table.columns):
            kind = column.type
            converter: Callable[[Any], Any] | None
            if isinstance(kind, ExactDecimal):
                converter = _scaled  # None stays None
            elif isinstance(kind, JSON):
                converter = _json  # None stays None
            elif isinstance(kind, Date) and not isinstance(kind, DateTime):
                converter = _or_none(dt.date.isoformat)
            else:
                processor = kind.bind_processor(dialect)
                converter = _or_none(processor) if processor is not None else None
            if converter is not None:
                self.converters.append((position, converter))

    def values(self, rows: Iterable[Row]) -> list[tuple[Any, ...]]:
        """The rows as parameter tuples: a column a row leaves out takes its default, and
        each column is converted as a whole (``map``, not a Python loop per value)."""
        getter = self.getter
        defaults = dict(self.fallbacks)
        width = len(defaults)
        records = [getter(row if len(row) == width else {**defaults, **row}) for row in rows]
        if not records or not self.converters:
            return records
        columns = list(zip(*records, strict=True))
        for position, convert in self.converters:
            columns[position] = tuple(map(convert, columns[position]))
        return list(zip(*columns, strict=True))


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
            column = Base.metadata.tables[table].c.id
            top = int(self.session.scalar(select(func.max(column))) or 0)
            given = self.storage.last_assigned_id(self.connection, table)
            value = max(top, given) + 1
        self._next[table] = value + 1
        return value

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)

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
        tables = Base.metadata.tables
        for name in self.ORDER:
            if rows.get(name):
                writer = TableWriter(tables[name], self.connection)
                self.connection.exec_driver_sql(writer.sql, writer.values(rows[name]))
        for key, waiting in rows.items():
            if not key.startswith("update:"):
                continue
            _, name, columns = key.split(":")
            keys = columns.split(",")
            writer = TableWriter(tables[name], self.connection)
            assignments = ", ".join(f'"{k}" = ?' for k in keys)
            sql = f'UPDATE "{name}" SET {assignments} WHERE id = ?'
            getter = operator.itemgetter(*keys, "id")
            records = [getter(row) for batch in waiting for row in batch["rows"]]
            converters = dict(writer.converters)
            convert = [converters.get(writer.names.index(k)) for k in keys]
            values = list(zip(*records, strict=True))  # column by column, as for inserts
            for position, converter in enumerate(convert):
                if converter is not None:
                    values[position] = tuple(map(converter, values[position]))
            self.connection.exec_driver_sql(sql, list(zip(*values, strict=True)))
